/** The report as one self-contained HTML page: no request at view time, strict CSP, tenant text via textContent. */
import type { PostureReport } from "./posture-report.js";

/** Options of {@link renderPostureHtml}. */
export interface RenderHtmlOptions {
  /** The page title. Default "Rotation exclusion posture". */
  readonly title?: string;
}

/** Renders the report as one HTML document. */
export function renderPostureHtml(report: PostureReport, options: RenderHtmlOptions = {}): string {
  void report;
  void options;
  throw new Error("not implemented yet");
}
