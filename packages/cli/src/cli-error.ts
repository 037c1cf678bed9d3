/**
 * The one error base of `@rotation-exclusion/cli`. Each code maps to one exit status, so scripts can tell
 * a typo from an unreachable tenant. Messages name the flag and the value; never a token or secret.
 */

import { defineErrorType } from "@rotation-exclusion/core/internal";

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

const errorType = defineErrorType<CliError, "exitCode">({
  name: "CliError",
  brand: "@rotation-exclusion/cli/CliError",
  codes: CLI_ERROR_CODES,
  fields: ["exitCode"],
});

/**
 * Creates a {@link CliError}.
 *
 * @example
 * throw createCliError("usage", `--cloud: "mars" is not a cloud; use global, usgov, usgov-dod or china.`);
 */
export function createCliError(code: CliErrorCode, message: string, options: CliErrorOptions = {}): CliError {
  return errorType.create(code, message, { ...options, exitCode: code === "usage" ? 2 : 1 });
}

/** True for any {@link CliError}, including one created by another copy of this package. */
export function isCliError(value: unknown): value is CliError {
  return errorType.is(value);
}
