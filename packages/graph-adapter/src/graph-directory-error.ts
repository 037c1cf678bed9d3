/**
 * The one error type of `@rotation-exclusion/graph-adapter`. Directory reads turn these into
 * `DirectoryFailure` values; they are thrown only for invalid options (and reach hosts through
 * `classifyFailure`, which accepts them).
 */

/** Why a {@link GraphDirectoryError} was raised. The list is fixed: hosts switch on it. */
export type GraphDirectoryErrorCode =
  | "throttled"
  | "unauthorized"
  | "forbidden"
  | "restricted-management-denied"
  | "not-found"
  | "bad-request"
  | "network"
  | "bad-response"
  | "deadline-exceeded"
  | "aborted"
  | "server-error"
  | "invalid-options";

/** All error codes, in a stable order. */
export const GRAPH_DIRECTORY_ERROR_CODES = [
  "throttled",
  "unauthorized",
  "forbidden",
  "restricted-management-denied",
  "not-found",
  "bad-request",
  "network",
  "bad-response",
  "deadline-exceeded",
  "aborted",
  "server-error",
  "invalid-options",
] as const satisfies readonly GraphDirectoryErrorCode[];

// A registry symbol, so that the guard recognizes errors from another copy of this package.
const BRAND: unique symbol = Symbol.for("@rotation-exclusion/graph-adapter/GraphDirectoryError") as never;

/** An error of the Graph adapter: a fixed `code`, the HTTP status and Graph's own error code and request id. */
export interface GraphDirectoryError extends Error {
  readonly name: "GraphDirectoryError";
  readonly code: GraphDirectoryErrorCode;
  /** HTTP status of the last response, when there was one. */
  readonly status: number | undefined;
  /** Graph's `error.code` (for example `Authorization_RequestDenied`). */
  readonly graphCode: string | undefined;
  /** Graph's `error.message` (never a secret: Graph's own words about the request). */
  readonly graphMessage: string | undefined;
  /** Graph's `request-id` response header, for support cases. */
  readonly requestId: string | undefined;
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;
}

/** Options of {@link createGraphDirectoryError}. */
export interface GraphDirectoryErrorOptions {
  readonly cause?: unknown;
  readonly status?: number | undefined;
  readonly graphCode?: string | undefined;
  readonly graphMessage?: string | undefined;
  readonly requestId?: string | undefined;
  readonly retryAfterMs?: number | undefined;
}

/**
 * Creates a {@link GraphDirectoryError}. The message says what failed on which tenant or object and what
 * to do next; it must never contain a token or secret.
 *
 * @example
 * throw createGraphDirectoryError("invalid-options", `baseUrl must use https:// (got "http://x")`);
 */
export function createGraphDirectoryError(
  code: GraphDirectoryErrorCode,
  message: string,
  options: GraphDirectoryErrorOptions = {},
): GraphDirectoryError {
  const error = new Error(message, "cause" in options ? { cause: options.cause } : undefined);
  Object.defineProperties(error, {
    name: { value: "GraphDirectoryError", enumerable: false, configurable: true, writable: true },
    code: { value: code, enumerable: true },
    status: { value: options.status, enumerable: true },
    graphCode: { value: options.graphCode, enumerable: true },
    graphMessage: { value: options.graphMessage, enumerable: true },
    requestId: { value: options.requestId, enumerable: true },
    retryAfterMs: { value: options.retryAfterMs, enumerable: true },
    [BRAND]: { value: true, enumerable: false },
  });
  return error as GraphDirectoryError;
}

/** True for a {@link GraphDirectoryError}, also one created by another copy of this package. */
export function isGraphDirectoryError(value: unknown): value is GraphDirectoryError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    (GRAPH_DIRECTORY_ERROR_CODES as readonly unknown[]).includes((value as { code?: unknown }).code)
  );
}
