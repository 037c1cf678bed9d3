/**
 * The one error base of `@rotation-exclusion/report`. Thrown for input that cannot be reported on (a
 * file that is not one of our JSON documents, a cycle report without per-tenant reports) and for render
 * options that would leak one customer's data to another (Markdown of many tenants without
 * `allTenants`). Messages name the input and the JSON path that was wrong; never a token or secret.
 */

import { defineErrorType } from "@rotation-exclusion/core/internal";

/** Every `code` a {@link ReportError} can carry. */
export const REPORT_ERROR_CODES = [
  /** An input is not valid JSON, or not a document of a kind and schema version the report reads. */
  "invalid-input",
  /** A valid document the report cannot use (a cycle report that kept no per-tenant reports). */
  "unsupported-input",
  /** Render options that cannot be honoured (several tenants in one Markdown without `allTenants`). */
  "invalid-options",
] as const;

/** Why a report call failed. */
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

/** An error of the report package; `input` names the input it is about, when there is one. */
export interface ReportError extends Error {
  readonly name: "ReportError";
  readonly code: ReportErrorCode;
  readonly input: string | undefined;
}

/** Options of {@link createReportError}. */
export interface ReportErrorOptions {
  readonly cause?: unknown;
  /** The input (file name) the error is about. */
  readonly input?: string | undefined;
}

const errorType = defineErrorType<ReportError, "input">({
  name: "ReportError",
  brand: "@rotation-exclusion/report/ReportError",
  codes: REPORT_ERROR_CODES,
  fields: ["input"],
});

/**
 * Creates a {@link ReportError}.
 *
 * @example
 * throw createReportError("invalid-input", `scan.json: $.accounts[3].status: expected one of ...`, { input: "scan.json" });
 */
export function createReportError(
  code: ReportErrorCode,
  message: string,
  options: ReportErrorOptions = {},
): ReportError {
  return errorType.create(code, message, options);
}

/** True for any {@link ReportError}, including one created by another copy of this package. */
export function isReportError(value: unknown): value is ReportError {
  return errorType.is(value);
}
