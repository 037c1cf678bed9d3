/** The report as Markdown, for a ticket or a customer email: one tenant unless `allTenants`. */
import type { PostureReport } from "./posture-report.js";

/** Options of {@link renderPostureMarkdown}. */
export interface RenderMarkdownOptions {
  /** Allow more than one tenant in one document. Default false (a ReportError `invalid-options`). */
  readonly allTenants?: boolean;
}

/** Renders the report as Markdown. */
export function renderPostureMarkdown(report: PostureReport, options: RenderMarkdownOptions = {}): string {
  void report;
  void options;
  throw new Error("not implemented yet");
}
