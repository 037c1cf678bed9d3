/**
 * `rotation-exclusion report`: the posture of many tenants in one document (HTML, Markdown, CSV or
 * JSON), read live from a tenant list or built from saved `scan`/`audit`/cycle JSON. Exit status: 0 ok;
 * 3 some tenant incomplete or some account unknown; 4 `--fail-on` met (incomplete tenants count unless
 * `--allow-incomplete`); 2 bad flags or input; 1 nothing could be read at all.
 */
import { readFile } from "node:fs/promises";
import {
  buildPostureReport,
  escapeBidi,
  type FailedTenantRead,
  isReportError,
  type PostureReport,
  parseReportInput,
  type ReportSource,
  redactReportStrings,
  redactUserPrincipalNames,
  renderPostureCsv,
  renderPostureHtml,
  renderPostureMarkdown,
  SEVERITIES,
  selectTenants,
} from "@rotation-exclusion/report";
import { createCliCredential } from "./cli-credential.js";
import { createCliError } from "./cli-error.js";
import type { CommandIo } from "./cli-io.js";
import { createCliLogger } from "./cli-logger.js";
import { cliGenerator } from "./cli-version.js";
import { REPORT_HELP } from "./help-text.js";
import { parseReportCommandOptions, type ReportCommandOptions } from "./report-command-options.js";
import { readTenantsLive } from "./report-live-read.js";
import { writeReportOutput } from "./report-output.js";
import { parseTenantList, type TenantListLine } from "./tenant-list.js";

const PREFIX = "rotation-exclusion report";

function usage(message: string): never {
  throw createCliError("usage", message);
}

async function readInputFile(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return usage(`${flag}: cannot read ${JSON.stringify(file)} (${code}).`);
  }
}

/** Saved documents, validated (untrusted input: a bad file is a usage error naming it). */
async function readSavedInputs(files: readonly string[]): Promise<ReportSource[]> {
  const sources: ReportSource[] = [];
  for (const file of files) {
    const bytes = await readInputFile("--from", file);
    try {
      // The parser hashes the bytes it is given: the SHA-256 the page shows is of this file as read.
      sources.push(parseReportInput(file, bytes));
    } catch (error) {
      if (isReportError(error)) usage(`--from: ${file}: ${error.message.replace(`${file}: `, "")}`);
      throw error;
    }
  }
  return sources;
}

/** The report as `options.format`, checked against what the format may hold. */
function render(report: PostureReport, options: ReportCommandOptions): string {
  try {
    switch (options.format) {
      case "html":
        return renderPostureHtml(report);
      case "md":
        return renderPostureMarkdown(report, { allTenants: options.allTenants });
      case "csv":
        return renderPostureCsv(report);
      case "json":
        return `${JSON.stringify(report, null, 2)}\n`;
    }
  } catch (error) {
    if (isReportError(error)) usage(error.message);
    throw error;
  }
}

// C0 and C1 controls (but tab), DEL: a tenant name or a proxy's error text must not drive the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/g;

/** Tenant or remote text made safe to print on a terminal: controls and bidi controls shown escaped. */
function terminalText(text: string): string {
  return escapeBidi(text).replace(
    TERMINAL_CONTROLS,
    (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** The exit status of a written report, and the one human line that explains a non-zero one. */
function verdict(report: PostureReport, options: ReportCommandOptions): { code: number; line?: string } {
  const incomplete = report.tenants.filter(
    (tenant) =>
      !tenant.complete || (tenant.accountCounts.available && tenant.accountCounts.value.unknown > 0),
  );
  const incompleteLine = `${incomplete.length} tenant(s) incomplete or with undecided accounts (${incomplete
    .map((tenant) => terminalText(tenant.displayName ?? tenant.tenantId))
    .join(", ")}); see the report.`;
  if (options.failOn !== undefined) {
    const rank = SEVERITIES.indexOf(options.failOn);
    const met = report.tenants.filter(
      (tenant) => tenant.worstSeverity !== null && SEVERITIES.indexOf(tenant.worstSeverity) >= rank,
    );
    if (met.length > 0) {
      return {
        code: 4,
        line: `${met.length} tenant(s) with a finding of severity ${options.failOn} or worse (--fail-on ${options.failOn}).`,
      };
    }
    if (incomplete.length > 0 && !options.allowIncomplete) {
      return {
        code: 4,
        line: `${incompleteLine} --fail-on fails on them; add --allow-incomplete to accept them.`,
      };
    }
  }
  if (incomplete.length > 0 && !options.allowIncomplete) return { code: 3, line: incompleteLine };
  return { code: 0 };
}

/**
 * Markdown is one customer's document: refuse more than one tenant without `--all-tenants`, before
 * anything is read (a live read of many tenants takes minutes).
 */
function checkMarkdownTenants(options: ReportCommandOptions, tenantIds: readonly string[]): void {
  if (options.format !== "md" || options.allTenants) return;
  const count = options.only.length > 0 ? new Set(options.only).size : new Set(tenantIds).size;
  if (count > 1) {
    usage(
      `--format md holds one tenant (a document for one customer) and this report would hold ${count}: choose one with --tenant <id>, or give --all-tenants.`,
    );
  }
}

/** The tenants a saved document is about. */
function documentTenantIds(source: ReportSource): string[] {
  const document = source.document as { tenantId?: unknown; tenants?: unknown };
  if (typeof document.tenantId === "string") return [document.tenantId.toLowerCase()];
  if (Array.isArray(document.tenants)) {
    return document.tenants.flatMap((tenant: { tenantId?: unknown }) =>
      typeof tenant?.tenantId === "string" ? [tenant.tenantId.toLowerCase()] : [],
    );
  }
  return [];
}

/** Runs `report`; returns the exit status. Usage errors are thrown (the caller maps them to 2). */
export async function runReportCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const options = parseReportCommandOptions(args);
  if (options.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (options.format === "html" && options.out === undefined && io.stdout.isTTY === true) {
    usage("--format html writes a page, not terminal text: give --out <file>, or pipe stdout to a file.");
  }
  let tenants: TenantListLine[] =
    options.tenantsFile === undefined
      ? []
      : parseTenantList(
          options.tenantsFile,
          (await readInputFile("--tenants", options.tenantsFile)).toString("utf8"),
        );
  let sources: ReportSource[];
  let failedTenants: readonly FailedTenantRead[] = [];
  if (options.from.length > 0) {
    // With --from, --tenants only names and orders tenants: nothing is read live.
    sources = await readSavedInputs(options.from);
    checkMarkdownTenants(options, sources.flatMap(documentTenantIds));
  } else {
    // --tenant narrows what is read, not only what is shown: no other customer is signed in to.
    if (options.only.length > 0) {
      const listed = new Set(tenants.map((entry) => entry.tenantId));
      const missing = options.only.filter((id) => !listed.has(id));
      if (missing.length > 0) usage(`--tenant: ${missing.join(", ")} is not in ${options.tenantsFile}.`);
      tenants = tenants.filter((entry) => options.only.includes(entry.tenantId));
    }
    checkMarkdownTenants(
      options,
      tenants.map((entry) => entry.tenantId),
    );
    const sameCloud = tenants.filter((entry) => entry.cloud === null || entry.cloud === options.cloud);
    const token = io.env.GRAPH_ACCESS_TOKEN;
    if (token !== undefined && token !== "" && options.credential === "default" && tenants.length > 1) {
      usage(
        `GRAPH_ACCESS_TOKEN is one tenant's token and --tenants lists ${tenants.length}; unset it and use an app registration (AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a certificate) or another --credential.`,
      );
    }
    // A credential that is not configured is the same mistake for every tenant: say it once.
    if (sameCloud[0] !== undefined) {
      createCliCredential(io.env, sameCloud[0].tenantId, options.cloud, options.credential);
    }
    const logger = createCliLogger(options.logLevel, {
      destination: io.stderr,
      format: options.logFormat,
      prefix: PREFIX,
    });
    const warn = (message: string) => {
      if (options.logFormat === "human" && options.logLevel === "silent") {
        io.stderr.write(`${PREFIX}: warning: ${message}\n`);
      } else logger.warn(message);
    };
    const live = await readTenantsLive(tenants, options, { io, logger, warn });
    sources = [...live.sources];
    failedTenants = live.failedTenants;
    if (sources.length === 0) {
      for (const failed of failedTenants)
        io.stderr.write(`${PREFIX}: tenant ${failed.tenantId}: ${terminalText(failed.error)}\n`);
      io.stderr.write(`${PREFIX}: nothing could be read from any tenant; no report written.\n`);
      return 1;
    }
  }
  let report = buildPostureReport(sources, {
    generatorVersion: cliGenerator().version,
    generatorName: cliGenerator().name,
    staleAfterHours: options.staleAfterHours,
    tenants: tenants.map(({ tenantId, displayName, cloud }) => ({ tenantId, displayName, cloud })),
    failedTenants,
  });
  if (options.only.length > 0) {
    const present = new Set(report.tenants.map((tenant) => tenant.tenantId));
    const missing = options.only.filter((id) => !present.has(id));
    if (missing.length > 0) usage(`--tenant: ${missing.join(", ")} is not in the report's inputs.`);
    report = selectTenants(report, options.only);
  }
  checkMarkdownTenants(
    options,
    report.tenants.map((tenant) => tenant.tenantId),
  );
  if (options.redactUpn) report = redactUserPrincipalNames(report);
  // Inputs may predate the redactor (or echo a token): every string passes it at render time.
  report = redactReportStrings(report, io.secrets.redact);
  await writeReportOutput(render(report, options), options.out, io);
  const { code, line } = verdict(report, options);
  if (line !== undefined) io.stderr.write(`${PREFIX}: ${line}\n`);
  return code;
}
