/**
 * The one error type of `@rotation-exclusion/core`. Verdicts ("protected", "could not tell") are values;
 * this error is only for broken input, broken options, a failing account store, a missing optional
 * capability, or an abort.
 */
import { defineErrorType } from "./internal/error-type.js";

/**
 * Why a {@link RotationExclusionError} was thrown. The list is fixed: hosts switch on it.
 * `unsupported`: the guard, the directory or the store lacks a capability the call needs (an account
 * store for a writing operation, `readRoleHolders` or `add` for a role import).
 */
export type RotationExclusionErrorCode =
  | "invalid-input"
  | "invalid-options"
  | "store-failed"
  | "aborted"
  | "unsupported";

/** All error codes, in a stable order. */
export const ROTATION_EXCLUSION_ERROR_CODES = [
  "invalid-input",
  "invalid-options",
  "store-failed",
  "aborted",
  "unsupported",
] as const satisfies readonly RotationExclusionErrorCode[];

/** An error of `@rotation-exclusion/core`, with a fixed `code` and the original error as `cause`. */
export interface RotationExclusionError extends Error {
  readonly name: "RotationExclusionError";
  readonly code: RotationExclusionErrorCode;
  /** The tenant the failing operation ran for, when known. */
  readonly tenantId: string | undefined;
}

const errorType = defineErrorType<RotationExclusionError, "tenantId">({
  name: "RotationExclusionError",
  brand: "@rotation-exclusion/core/RotationExclusionError",
  codes: ROTATION_EXCLUSION_ERROR_CODES,
  fields: ["tenantId"],
});

/**
 * Creates a {@link RotationExclusionError} (internal: core's own code throws these). The message says
 * what failed, on which tenant or object, and what to do next; never a token, secret or password.
 */
export function createRotationExclusionError(
  code: RotationExclusionErrorCode,
  message: string,
  options: { readonly cause?: unknown; readonly tenantId?: string | undefined } = {},
): RotationExclusionError {
  return errorType.create(code, message, options);
}

/** True for a {@link RotationExclusionError}, also one created by another copy of this package. */
export function isRotationExclusionError(value: unknown): value is RotationExclusionError {
  return errorType.is(value);
}
