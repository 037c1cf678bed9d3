/**
 * The flags of `rotation-exclusion report`, parsed strictly (unknown flags are errors) and validated
 * into one typed value. The credential and Graph flags mean what they mean for `scan` and `audit`.
 */
import { describeValue, isGuid } from "@rotation-exclusion/core/internal";
import { GRAPH_CLOUDS, type GraphCloud } from "@rotation-exclusion/graph-adapter";
import { CLI_CREDENTIAL_KINDS, type CliCredentialKind } from "./cli-credential.js";
import { createCliError } from "./cli-error.js";
import { parseCommandFlags } from "./command-flags.js";
import {
  checkGraphBaseUrl,
  FAIL_ON_SEVERITIES,
  type FailOnSeverity,
  GRAPH_CONNECTION_FLAGS,
  type LogFormat,
  type LogLevel,
  logOptions,
  oneOf,
} from "./tenant-command-options.js";

/** The formats `report --format` writes. */
export const REPORT_FORMATS = ["html", "md", "csv", "json"] as const;

/** A format of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The validated flags of `report`. */
export interface ReportCommandOptions {
  /** `--tenants <file>`: the tenant list (live: the tenants to read; with `--from`: names and order). */
  readonly tenantsFile: string | undefined;
  /** `--from <file>`, in the order given; empty for a live read. */
  readonly from: readonly string[];
  readonly format: ReportFormat;
  /** `--out <file>`, or undefined for stdout. */
  readonly out: string | undefined;
  /** `--tenant <id>` (lower case): only these tenants, in every format. */
  readonly only: readonly string[];
  readonly allTenants: boolean;
  readonly redactUpn: boolean;
  readonly staleAfterHours: number;
  readonly failOn: FailOnSeverity | undefined;
  readonly allowIncomplete: boolean;
  /** Tenants read at once (live). */
  readonly concurrency: number;
  /** A tenant not read within this many milliseconds is reported incomplete (live). */
  readonly deadlineMs: number;
  readonly cloud: GraphCloud;
  readonly graphBaseUrl: string | undefined;
  readonly credential: CliCredentialKind;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly help: boolean;
}

/** Defaults of the numeric flags. */
const DEFAULTS = { concurrency: 8, deadlineSeconds: 300, staleAfterHours: 24 } as const satisfies Record<
  string,
  number
>;

function usage(message: string): never {
  throw createCliError("usage", message);
}

function positiveNumber(flag: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(text.trim()) || !Number.isFinite(value) || value <= 0) {
    usage(`${flag}: ${describeValue(text)} is not a positive ${integer ? "whole " : ""}number.`);
  }
  return value;
}

/**
 * Parses and validates the flags of `report`. Throws a usage CliError naming the flag and the value.
 *
 * @example
 * parseReportCommandOptions(["--tenants", "tenants.csv", "--format", "csv"]);
 */
export function parseReportCommandOptions(args: readonly string[]): ReportCommandOptions {
  const values = parseCommandFlags("report", args, {
    tenants: { type: "string" },
    from: { type: "string", multiple: true },
    format: { type: "string" },
    out: { type: "string" },
    tenant: { type: "string", multiple: true },
    "all-tenants": { type: "boolean" },
    "redact-upn": { type: "boolean" },
    "stale-after": { type: "string" },
    "fail-on": { type: "string" },
    "allow-incomplete": { type: "boolean" },
    concurrency: { type: "string" },
    deadline: { type: "string" },
    ...GRAPH_CONNECTION_FLAGS,
  });
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const only = list("tenant").map((id) => {
    if (!isGuid(id)) usage(`--tenant: ${describeValue(id)} is not a tenant id (a GUID).`);
    return id.toLowerCase();
  });
  const graphBaseUrl = text("graph-base-url");
  const options: ReportCommandOptions = {
    tenantsFile: text("tenants"),
    from: list("from"),
    format: oneOf("--format", text("format") ?? "html", REPORT_FORMATS),
    out: text("out"),
    only,
    allTenants: values["all-tenants"] === true,
    redactUpn: values["redact-upn"] === true,
    staleAfterHours: positiveNumber("--stale-after", text("stale-after"), DEFAULTS.staleAfterHours, false),
    failOn:
      text("fail-on") === undefined
        ? undefined
        : oneOf("--fail-on", text("fail-on") as string, FAIL_ON_SEVERITIES),
    allowIncomplete: values["allow-incomplete"] === true,
    concurrency: positiveNumber("--concurrency", text("concurrency"), DEFAULTS.concurrency, true),
    deadlineMs: positiveNumber("--deadline", text("deadline"), DEFAULTS.deadlineSeconds, false) * 1000,
    cloud: oneOf("--cloud", text("cloud") ?? "global", Object.keys(GRAPH_CLOUDS) as GraphCloud[]),
    graphBaseUrl:
      graphBaseUrl === undefined
        ? undefined
        : checkGraphBaseUrl(graphBaseUrl, values["allow-custom-graph-host"] === true),
    credential: oneOf("--credential", text("credential") ?? "default", CLI_CREDENTIAL_KINDS),
    ...logOptions(text("log-level"), text("log-format")),
    help: values.help === true,
  };
  if (options.help) return options;
  if (options.from.length === 0 && options.tenantsFile === undefined) {
    usage("give --tenants <file> to read tenants live, or --from <file> to report on saved JSON.");
  }
  return options;
}
