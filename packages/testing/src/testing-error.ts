/**
 * The one error base of `@rotation-exclusion/testing`. Thrown for broken test input (an unknown member id,
 * a duplicate name) and for failures a test injected on purpose; expected outcomes are values, as in core.
 */

const TESTING_ERROR_BRAND = Symbol.for("rotation-exclusion.testing.error");

/** Every `code` a {@link TestingError} can carry. */
export const TESTING_ERROR_CODES = [
  /** A member, principal, role or unit id that the tenant does not hold. */
  "unknown-reference",
  /** An object whose name, id or assignment already exists. */
  "duplicate-object",
  /** A reference to an object of the wrong kind (a service principal as a unit member, a non-role-assignable group given a role). */
  "invalid-reference",
  /** An option out of range (a page size of 0, a negative count). */
  "invalid-argument",
  /** A failure a test asked for (an account store write set up to fail). */
  "injected-failure",
] as const;

/** Why a testing-kit call failed. */
export type TestingErrorCode = (typeof TESTING_ERROR_CODES)[number];

/** An error raised by the testing kit; `code` says which of {@link TESTING_ERROR_CODES} happened. */
export interface TestingError extends Error {
  readonly name: "TestingError";
  readonly code: TestingErrorCode;
}

/** Options of {@link createTestingError}. */
export interface TestingErrorOptions {
  /** The error that caused this one. */
  readonly cause?: unknown;
}

/**
 * Creates a {@link TestingError}. Messages name the object and say what to do next.
 *
 * @example
 * throw createTestingError("unknown-reference", `Unit "Emergency access": no object with id ${id}; create it first.`);
 */
export function createTestingError(
  code: TestingErrorCode,
  message: string,
  options: TestingErrorOptions = {},
): TestingError {
  const error = new Error(message, "cause" in options ? { cause: options.cause } : undefined);
  Object.defineProperty(error, "name", { value: "TestingError", enumerable: false });
  Object.defineProperty(error, "code", { value: code, enumerable: true });
  // A global-registry symbol, so the guard recognises errors from another copy of this package.
  Object.defineProperty(error, TESTING_ERROR_BRAND, { value: true, enumerable: false });
  return error as TestingError;
}

/** True for any {@link TestingError}, including one created by another copy of this package. */
export function isTestingError(value: unknown): value is TestingError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[TESTING_ERROR_BRAND] === true
  );
}
