/** The report as CSV: one row per account, for a spreadsheet (RFC 4180, formula cells neutralised). */
import type { PostureReport } from "./posture-report.js";

/** Renders the report as CSV. */
export function renderPostureCsv(report: PostureReport): string {
  void report;
  throw new Error("not implemented yet");
}
