/**
 * The one error type of `@rotation-exclusion/graph-adapter`. Directory reads turn these into
 * `DirectoryFailure` values; they are thrown only for invalid options (and reach hosts through
 * `classifyFailure`, which accepts them).
 */
import { defineErrorType } from "@rotation-exclusion/core/internal";

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

const errorType = defineErrorType<
  GraphDirectoryError,
  "status" | "graphCode" | "graphMessage" | "requestId" | "retryAfterMs"
>({
  name: "GraphDirectoryError",
  brand: "@rotation-exclusion/graph-adapter/GraphDirectoryError",
  codes: GRAPH_DIRECTORY_ERROR_CODES,
  fields: ["status", "graphCode", "graphMessage", "requestId", "retryAfterMs"],
});

/**
 * Creates a {@link GraphDirectoryError} (internal: the adapter's own code raises these). The message says
 * what failed on which tenant or object and what to do next; it must never contain a token or secret.
 */
export function createGraphDirectoryError(
  code: GraphDirectoryErrorCode,
  message: string,
  options: GraphDirectoryErrorOptions = {},
): GraphDirectoryError {
  return errorType.create(code, message, options);
}

/** True for a {@link GraphDirectoryError}, also one created by another copy of this package. */
export function isGraphDirectoryError(value: unknown): value is GraphDirectoryError {
  return errorType.is(value);
}
