/**
 * The one error base of `@rotation-exclusion/testing`. Thrown for broken test input (an unknown member id,
 * a duplicate name) and for failures a test injected on purpose; expected outcomes are values, as in core.
 */

import { defineErrorType } from "@rotation-exclusion/core/internal";

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

const errorType = defineErrorType<TestingError, never>({
  name: "TestingError",
  brand: "@rotation-exclusion/testing/TestingError",
  codes: TESTING_ERROR_CODES,
  fields: [],
});

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
  return errorType.create(code, message, options);
}

/** True for any {@link TestingError}, including one created by another copy of this package. */
export function isTestingError(value: unknown): value is TestingError {
  return errorType.is(value);
}
