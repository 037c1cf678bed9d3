/**
 * The one error type of `@rotation-exclusion/core`. Verdicts ("protected", "could not tell") are values;
 * this error is only for broken input, broken options, a failing account store, a missing optional
 * capability, or an abort.
 */

/**
 * Why a {@link RotationExclusionError} was thrown. The list is fixed: hosts switch on it.
 * `unsupported`: the directory or the store lacks an optional capability the call needs (for example
 * `readRoleHolders` or `add` for a role import).
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

// A registry symbol, so that the guard recognizes errors from another copy of this package
// (two versions installed side by side, or a bundled copy).
const BRAND: unique symbol = Symbol.for("@rotation-exclusion/core/RotationExclusionError") as never;

/** An error of `@rotation-exclusion/core`, with a fixed `code` and the original error as `cause`. */
export interface RotationExclusionError extends Error {
  readonly name: "RotationExclusionError";
  readonly code: RotationExclusionErrorCode;
  /** The tenant the failing operation ran for, when known. */
  readonly tenantId: string | undefined;
}

/** Options of {@link createRotationExclusionError}. */
export interface RotationExclusionErrorOptions {
  readonly cause?: unknown;
  readonly tenantId?: string | undefined;
}

/**
 * Creates a {@link RotationExclusionError}. The message should say what failed, on which tenant or
 * object, and what to do next; it must never contain a token, secret or password.
 *
 * @example
 * throw createRotationExclusionError("invalid-input", `"${value}" is not an Entra object id (a GUID)`);
 */
export function createRotationExclusionError(
  code: RotationExclusionErrorCode,
  message: string,
  options: RotationExclusionErrorOptions = {},
): RotationExclusionError {
  const error = new Error(message, "cause" in options ? { cause: options.cause } : undefined);
  Object.defineProperties(error, {
    name: { value: "RotationExclusionError", enumerable: false, configurable: true, writable: true },
    code: { value: code, enumerable: true },
    tenantId: { value: options.tenantId, enumerable: true },
    [BRAND]: { value: true, enumerable: false },
  });
  return error as RotationExclusionError;
}

/** True for a {@link RotationExclusionError}, also one created by another copy of this package. */
export function isRotationExclusionError(value: unknown): value is RotationExclusionError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    (ROTATION_EXCLUSION_ERROR_CODES as readonly unknown[]).includes((value as { code?: unknown }).code)
  );
}
