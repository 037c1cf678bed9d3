/**
 * Which parts of the report package are still the skeleton's stubs (the model landed from
 * `report-model`; the HTML, Markdown and CSV renderers land from `report-html`). Tests that need a stub
 * part wait (skipped) while it is one, and only then: any other error fails the test as usual.
 */
import {
  buildPostureReport,
  parseReportInput,
  renderPostureCsv,
  renderPostureHtml,
  renderPostureMarkdown,
} from "@rotation-exclusion/report";

function isStub(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (error) {
    return error instanceof Error && /not implemented yet/.test(error.message);
  }
}

/** True while parsing inputs or building the report is a stub: every report test waits. */
export const REPORT_MODEL_PENDING =
  isStub(() => parseReportInput("probe.json", "{}")) ||
  isStub(() => buildPostureReport([], { generatorVersion: "0.0.0" }));

const empty = () => buildPostureReport([], { generatorVersion: "0.0.0" });

/** The rendered formats whose renderer is still a stub. */
export const PENDING_FORMATS: ReadonlySet<"html" | "md" | "csv"> = new Set(
  REPORT_MODEL_PENDING
    ? (["html", "md", "csv"] as const)
    : (
        [
          ["html", () => renderPostureHtml(empty())],
          ["md", () => renderPostureMarkdown(empty())],
          ["csv", () => renderPostureCsv(empty())],
        ] as const
      )
        .filter(([, render]) => isStub(render))
        .map(([format]) => format),
);

/** The formats tests can produce now: json once the model is real, each other once its renderer is. */
export const READY_FORMATS = (["json", "html", "md", "csv"] as const).filter(
  (format) => format === "json" || !PENDING_FORMATS.has(format),
);
