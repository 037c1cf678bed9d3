import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
  planRetry,
  type RetryPolicy,
} from "./retry-policy.js";

const policy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  deadlineMs: 10_000,
  maxRetryAfterMs: 5000,
};

describe("parseRetryAfterMs", () => {
  it("reads integer and decimal seconds", () => {
    expect(parseRetryAfterMs("2")).toBe(2000);
    expect(parseRetryAfterMs("0")).toBe(0);
    expect(parseRetryAfterMs("0.2")).toBe(200);
    expect(parseRetryAfterMs(" 1.5 ")).toBe(1500);
  });

  it("reads an HTTP-date relative to now, and a past date as 0", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfterMs("Wed, 01 Jan 2025 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfterMs("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
  });

  it("rejects missing, negative and garbage values", () => {
    for (const value of [undefined, null, "", "-1", "abc", "1e3", "NaN", "0x10"]) {
      expect(parseRetryAfterMs(value)).toBeUndefined();
    }
  });

  it("never returns a negative or non-finite number (property)", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfterMs(value, 0);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      }),
    );
  });
});

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap, with full jitter", () => {
    expect(backoffDelayMs(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, policy, () => 0.999)).toBe(399);
    expect(backoffDelayMs(20, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it("stays within [0, maxDelayMs] (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (retry, r) => {
          const ms = backoffDelayMs(retry, policy, () => r);
          return ms >= 0 && ms <= policy.maxDelayMs;
        },
      ),
    );
  });
});

describe("planRetry", () => {
  const base = { attempt: 1, status: 503, retryAfterMs: undefined, idempotent: true, elapsedMs: 0 } as const;

  it("never retries 400, 401, 403 or 404", () => {
    for (const status of [400, 401, 403, 404]) {
      expect(planRetry({ ...base, status }, policy)).toEqual({ retry: false, reason: "not-retryable" });
    }
  });

  it("honours Retry-After on 429/503/504 as a floor", () => {
    expect(planRetry({ ...base, status: 429, retryAfterMs: 1200 }, policy)).toEqual({
      retry: true,
      delayMs: 1200,
    });
    expect(planRetry({ ...base, status: 504, retryAfterMs: 300 }, policy)).toEqual({
      retry: true,
      delayMs: 300,
    });
  });

  it("backs off with jitter when there is no Retry-After", () => {
    expect(planRetry({ ...base, status: 500 }, policy, () => 0.5)).toEqual({ retry: true, delayMs: 50 });
  });

  it("retries network errors only for idempotent requests", () => {
    expect(planRetry({ ...base, status: undefined }, policy, () => 0).retry).toBe(true);
    expect(planRetry({ ...base, status: undefined, idempotent: false }, policy)).toEqual({
      retry: false,
      reason: "not-retryable",
    });
  });

  it("gives up after maxAttempts, on a too-long Retry-After, and before the deadline", () => {
    expect(planRetry({ ...base, attempt: 4 }, policy)).toEqual({
      retry: false,
      reason: "attempts-exhausted",
    });
    expect(planRetry({ ...base, status: 429, retryAfterMs: 6000 }, policy)).toEqual({
      retry: false,
      reason: "retry-after-too-long",
    });
    expect(planRetry({ ...base, status: 429, retryAfterMs: 2000, elapsedMs: 8500 }, policy)).toEqual({
      retry: false,
      reason: "deadline",
    });
  });

  it("has sane defaults", () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
    expect(DEFAULT_RETRY_POLICY.maxRetryAfterMs).toBeLessThan(DEFAULT_RETRY_POLICY.deadlineMs);
  });
});
