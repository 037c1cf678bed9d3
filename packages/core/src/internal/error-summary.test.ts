import { describe, expect, test } from "vitest";
import { redactSecrets, summarizeError } from "./error-summary.js";

describe("redactSecrets", () => {
  test("cuts the password out of connection URLs, keeping the user, host and port", () => {
    expect(redactSecrets("connect ECONNREFUSED redis://:s3cr%40t@cache.internal:6380/2")).toBe(
      "connect ECONNREFUSED redis://:[redacted]@cache.internal:6380/2",
    );
    expect(redactSecrets("postgres://svc:hunter2@db:5432/accounts failed")).toBe(
      "postgres://svc:[redacted]@db:5432/accounts failed",
    );
    expect(redactSecrets("rediss://default:pa:ss@h:1")).not.toContain("pa:ss");
  });

  test("leaves URLs without a password as they are", () => {
    expect(redactSecrets("redis://127.0.0.1:6379 and https://user@example.test/x")).toBe(
      "redis://127.0.0.1:6379 and https://user@example.test/x",
    );
  });

  test("summarizeError redacts the message of an error", () => {
    const summary = summarizeError(new Error("bad redis://:topsecret@h:6379"));
    expect(summary.message).not.toContain("topsecret");
  });
});
