/**
 * The one error base of `@rotation-exclusion/cli`. Each code maps to one exit status, so scripts can tell
 * a typo from an unreachable tenant. Messages name the flag and the value; never a token or secret.
 */

const CLI_ERROR_BRAND = Symbol.for("rotation-exclusion.cli.error");

/** Every `code` a {@link CliError} can carry, with the exit status it ends the process with. */
export const CLI_ERROR_CODES = [
  /** Bad command line or environment: unknown flag, bad value, missing credentials. Exit 2. */
  "usage",
  /** Nothing could be read from the tenant: authentication failure, unreachable endpoint. Exit 1. */
  "unreadable",
] as const;

/** Why a command failed. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** An error of the command line; `exitCode` is what the process ends with. */
export interface CliError extends Error {
  readonly name: "CliError";
  readonly code: CliErrorCode;
  readonly exitCode: 1 | 2;
}

/** Options of {@link createCliError}. */
export interface CliErrorOptions {
  readonly cause?: unknown;
}

/**
 * Creates a {@link CliError}.
 *
 * @example
 * throw createCliError("usage", `--cloud: "mars" is not a cloud; use global, usgov, usgov-dod or china.`);
 */
export function createCliError(code: CliErrorCode, message: string, options: CliErrorOptions = {}): CliError {
  const error = new Error(message, "cause" in options ? { cause: options.cause } : undefined);
  Object.defineProperty(error, "name", { value: "CliError", enumerable: false });
  Object.defineProperty(error, "code", { value: code, enumerable: true });
  Object.defineProperty(error, "exitCode", { value: code === "usage" ? 2 : 1, enumerable: true });
  Object.defineProperty(error, CLI_ERROR_BRAND, { value: true, enumerable: false });
  return error as CliError;
}

/** True for any {@link CliError}, including one created by another copy of this package. */
export function isCliError(value: unknown): value is CliError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[CLI_ERROR_BRAND] === true
  );
}
