/**
 * The retry policy of the Graph adapter, as pure functions: parse `Retry-After`, compute backoff, and
 * decide whether one failed attempt is retried and after how long. The request runner applies it through
 * p-retry; keeping the decisions here makes them testable without a network or a clock.
 * See https://learn.microsoft.com/graph/throttling (honour Retry-After, back off exponentially otherwise).
 */

/** Retry settings of one logical Graph request (its first attempt and every retry). */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Backoff base: the cap of the first retry's jittered delay. */
  readonly baseDelayMs: number;
  /** Backoff cap for any single retry without `Retry-After`. */
  readonly maxDelayMs: number;
  /** Wall-clock budget for one logical request, retries and waits included. */
  readonly deadlineMs: number;
  /** A `Retry-After` longer than this is not waited for: the request gives up as throttled. */
  readonly maxRetryAfterMs: number;
}

/** Defaults: 5 attempts, 0.5 s to 30 s backoff, 2 minutes per request, wait at most 60 s for `Retry-After`. */
export const DEFAULT_RETRY_POLICY = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  deadlineMs: 120_000,
  maxRetryAfterMs: 60_000,
} as const satisfies Required<RetryPolicy>;

/**
 * Statuses worth another attempt: throttling, transient server trouble, and a `$batch` failed dependency.
 * 400, 401, 403 and 404 are never retried (401 gets one token refresh in the auth middleware instead).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([424, 429, 500, 502, 503, 504]);

/** Statuses whose `Retry-After` is honoured. */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * Parses a `Retry-After` header into milliseconds: integer or decimal seconds (`"2"`, `"0.2"`), or an
 * HTTP-date (RFC 9110 section 10.2.3), measured from `nowMs`. A date in the past means 0. Returns
 * `undefined` for a missing, negative or unparsable value.
 *
 * @example
 * parseRetryAfterMs("1.5"); // 1500
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const ms = Math.ceil(Number(text) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // Only something that looks like a date: Date.parse accepts bare numbers like "-1" as years.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with full jitter: a random delay between 0 and `min(maxDelayMs, baseDelayMs * 2^(retry-1))`.
 * `retry` is 1 for the first retry. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** What one failed attempt looked like, for {@link planRetry}. */
export interface FailedAttempt {
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  /** HTTP status, or `undefined` for a network error (no response). */
  readonly status: number | undefined;
  /** The response's `Retry-After`, parsed. */
  readonly retryAfterMs: number | undefined;
  /** True when the request may be sent again after a network error (reads and `$batch` of reads). */
  readonly idempotent: boolean;
  /** Time spent on this logical request so far. */
  readonly elapsedMs: number;
}

/** The decision for one failed attempt. */
export type RetryPlan =
  | { readonly retry: true; readonly delayMs: number }
  | {
      readonly retry: false;
      readonly reason: "not-retryable" | "attempts-exhausted" | "retry-after-too-long" | "deadline";
    };

/**
 * Decides whether a failed attempt is retried, and after how long. `Retry-After` on 429/503/504 is a
 * floor, never shortened; if it is longer than `maxRetryAfterMs` or would end past the deadline, the
 * request gives up instead of retrying early.
 */
export function planRetry(
  failed: FailedAttempt,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryPlan {
  const retryable = failed.status === undefined ? failed.idempotent : RETRYABLE_STATUSES.has(failed.status);
  if (!retryable) return { retry: false, reason: "not-retryable" };
  if (failed.attempt >= policy.maxAttempts) return { retry: false, reason: "attempts-exhausted" };
  const honoursRetryAfter =
    failed.status !== undefined &&
    RETRY_AFTER_STATUSES.has(failed.status) &&
    failed.retryAfterMs !== undefined;
  let delayMs: number;
  if (honoursRetryAfter) {
    const retryAfterMs = failed.retryAfterMs ?? 0;
    if (retryAfterMs > policy.maxRetryAfterMs) return { retry: false, reason: "retry-after-too-long" };
    delayMs = retryAfterMs;
  } else {
    delayMs = backoffDelayMs(failed.attempt, policy, random);
  }
  if (failed.elapsedMs + delayMs >= policy.deadlineMs) return { retry: false, reason: "deadline" };
  return { retry: true, delayMs };
}
