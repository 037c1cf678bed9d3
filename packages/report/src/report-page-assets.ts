/** The report page's static parts: its script and style sheet, and Chart.js's self-contained build. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The inline code every report page carries, read once per process. */
export interface ReportPageAssets {
  /** Chart.js 4's UMD build (defines `window.Chart`), without its source map comment. */
  readonly chartScript: string;
  /** The page's own script: the parts under `src/page` (copied to `dist/page` by the build) in one scope. */
  readonly pageScript: string;
  /** The page's style sheet (`src/page/report-page.css`). */
  readonly pageStyle: string;
}

let cached: ReportPageAssets | undefined;

/** The page script's parts, in the order they run; each is a plain ES2022 file under `src/page`. */
const PAGE_SCRIPT_PARTS = [
  "page-elements.js",
  "report-data.js",
  "summary-view.js",
  "tenant-detail-view.js",
  "tenant-table-view.js",
  "report-page.js",
] as const;

// One function scope around the parts: they share their names with each other and with no other script.
function pageScript(pageDir: string): string {
  const parts = PAGE_SCRIPT_PARTS.map((part) => readFileSync(join(pageDir, part), "utf8"));
  return `(() => {\n"use strict";\n${parts.join("\n")}})();\n`;
}

/** Reads the page's assets from the package (next to this module) and Chart.js's package, once. */
export function readReportPageAssets(): ReportPageAssets {
  if (cached) return cached;
  const pageDir = join(dirname(fileURLToPath(import.meta.url)), "page");
  // chart.js exports only its module entries; the UMD build sits next to the CommonJS one.
  const chartDir = dirname(createRequire(import.meta.url).resolve("chart.js"));
  const chartScript = readFileSync(join(chartDir, "chart.umd.min.js"), "utf8")
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n")
    // The build contains no `</script`, but a future one must not end its own element early.
    .replaceAll("</script", "<\\/script");
  cached = {
    chartScript,
    pageScript: pageScript(pageDir),
    pageStyle: readFileSync(join(pageDir, "report-page.css"), "utf8"),
  };
  return cached;
}
