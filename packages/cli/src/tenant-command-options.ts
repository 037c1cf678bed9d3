/**
 * The flags of the commands that read a real tenant (`scan`, `audit`): parsed with node:util parseArgs in
 * strict mode (unknown flags are errors) and validated into one typed value. Every error names the flag
 * and the bad value; a value that may hold credentials (a URL with user info) is never echoed.
 */
import {
  describeValue,
  isGuid,
  roleNameProblem,
  userPrincipalNameProblem,
} from "@rotation-exclusion/core/internal";
import { GRAPH_CLOUDS, type GraphCloud, isGraphCloud } from "@rotation-exclusion/graph-adapter";
import { CLI_CREDENTIAL_KINDS, type CliCredentialKind } from "./cli-credential.js";
import { createCliError } from "./cli-error.js";
import { parseCommandFlags } from "./command-flags.js";

/** Output formats. */
export type OutputFormat = "table" | "json";

/** pino levels accepted by `--log-level`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A log level of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines are written: `human` one line each, `json` pino's JSON lines. */
export const LOG_FORMATS = ["human", "json"] as const;

/** A format of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Finding severities `audit --fail-on` accepts. */
export const FAIL_ON_SEVERITIES = ["warning", "error"] as const;

/** A severity of {@link FAIL_ON_SEVERITIES}. */
export type FailOnSeverity = (typeof FAIL_ON_SEVERITIES)[number];

/** The validated flags of `scan` or `audit`. */
export interface TenantCommandOptions {
  /** The tenant id (a GUID), from `--tenant-id` or AZURE_TENANT_ID. */
  readonly tenantId: string;
  readonly roles: readonly string[];
  /** Object ids (lower case) or UPNs. */
  readonly users: readonly string[];
  readonly format: OutputFormat;
  readonly cloud: GraphCloud;
  /** Graph root override (origin only), or undefined for the cloud's root. */
  readonly graphBaseUrl: string | undefined;
  /**
   * `silent` unless `--log-level` or `--log-format` asks for log lines: by default a run prints its result
   * and, on failure, one human line.
   */
  readonly logLevel: LogLevel;
  /** `json` when `--log-level` is given without `--log-format` (log lines for machines, as before). */
  readonly logFormat: LogFormat;
  /** `--credential`: which credential signs in; default GRAPH_ACCESS_TOKEN, then the default chain. */
  readonly credential: CliCredentialKind;
  /** `audit --fail-on`: exit 4 when a finding has this severity or a worse one. */
  readonly failOn: FailOnSeverity | undefined;
  readonly help: boolean;
}

/** The flags every command that reads Graph shares: cloud, endpoint, credential, logging and help. */
export const GRAPH_CONNECTION_FLAGS = {
  cloud: { type: "string" },
  "graph-base-url": { type: "string" },
  "allow-custom-graph-host": { type: "boolean" },
  credential: { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function usage(message: string): never {
  throw createCliError("usage", message);
}

/** The value when it is one of `allowed`; else a usage error naming the flag and the value. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    usage(`${flag}: ${describeValue(value)} is not one of ${allowed.join(", ")}.`);
  }
  return value as T;
}

// The roots the token may be sent to without asking: Microsoft Graph's own, per national cloud.
// https://learn.microsoft.com/graph/deployments
const KNOWN_GRAPH_HOSTS = new Set(Object.values(GRAPH_CLOUDS).map((cloud) => new URL(cloud.graphRoot).host));

/** True for a host that never leaves this machine: a test server, a local proxy. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The Graph root of `--graph-base-url`: an https origin of Microsoft Graph or loopback, any https host
 * with `--allow-custom-graph-host`; else a usage error (never echoing user info).
 */
export function checkGraphBaseUrl(value: string, allowCustomHost: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return usage(
      `--graph-base-url: ${describeValue(value)} is not an absolute URL (example: https://graph.microsoft.us).`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    // Do not echo it: user info may be a password.
    usage("--graph-base-url: the URL must not contain user info (credentials); give the Graph root only.");
  }
  if (url.protocol !== "https:") usage(`--graph-base-url: ${describeValue(value)} must use https://.`);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    usage(
      `--graph-base-url: ${describeValue(value)} must be the Graph root without a path or version (like https://graph.microsoft.us).`,
    );
  }
  // The token goes wherever this points; a look-alike host (graph.microsoft.com.evil.example) must not
  // get it because of a typo or a pasted command.
  if (!allowCustomHost && !KNOWN_GRAPH_HOSTS.has(url.host) && !isLoopbackHost(url.hostname)) {
    usage(
      `--graph-base-url: ${describeValue(url.host)} is not a Microsoft Graph host (${[...KNOWN_GRAPH_HOSTS].join(", ")}) nor loopback, and the access token would be sent to it; add --allow-custom-graph-host if you trust it.`,
    );
  }
  return url.origin;
}

// Roles and users are checked by core's own rules, so the CLI refuses exactly what the guard would.
function checkRole(value: string): string {
  const problem = roleNameProblem(value);
  if (problem !== undefined) usage(`--role: ${describeValue(value)} ${problem}.`);
  return value.trim();
}

function checkUser(value: string): string {
  if (isGuid(value)) return value.toLowerCase();
  const problem = userPrincipalNameProblem(value);
  if (problem !== undefined) {
    usage(
      `--user: ${describeValue(value)} is neither an object id (a GUID) nor a user principal name: it ${problem}.`,
    );
  }
  return value;
}

/**
 * The log level and format: no log lines unless asked for (the result and one human line on failure
 * are what a person reads); `--log-level` alone keeps JSON lines for scripts that parse them.
 */
export function logOptions(
  level: string | undefined,
  format: string | undefined,
): { logLevel: LogLevel; logFormat: LogFormat } {
  const logFormat = oneOf("--log-format", format ?? (level === undefined ? "human" : "json"), LOG_FORMATS);
  const fallback = format === undefined ? "silent" : "warn";
  return { logLevel: oneOf("--log-level", level ?? fallback, LOG_LEVELS), logFormat };
}

/** Options of {@link parseTenantCommandOptions}. */
export interface ParseTenantCommandOptions {
  /** The command's name, for messages. */
  readonly command: string;
  /** Whether `--role` and `--user` are accepted. */
  readonly accountFlags: boolean;
  /** Whether `--fail-on` is accepted (audit). */
  readonly failOnFlag?: boolean;
  /** The environment (AZURE_TENANT_ID). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Parses and validates the flags of `scan` or `audit`. Throws a usage CliError naming the flag and value.
 *
 * @example
 * parseTenantCommandOptions(["--tenant-id", id, "--role", "Global Administrator"], { command: "scan", accountFlags: true, env });
 */
export function parseTenantCommandOptions(
  args: readonly string[],
  options: ParseTenantCommandOptions,
): TenantCommandOptions {
  const accountFlags = {
    role: { type: "string", multiple: true },
    user: { type: "string", multiple: true },
  } as const;
  const values = parseCommandFlags(options.command, args, {
    "tenant-id": { type: "string" },
    format: { type: "string" },
    ...GRAPH_CONNECTION_FLAGS,
    ...(options.accountFlags ? accountFlags : {}),
    ...(options.failOnFlag === true ? { "fail-on": { type: "string" } } : {}),
  });
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const help = values.help === true;
  const tenantFlag = text("tenant-id");
  const tenantId = tenantFlag ?? options.env.AZURE_TENANT_ID;
  const parsed = {
    roles: list("role").map(checkRole),
    users: list("user").map(checkUser),
    format: oneOf("--format", text("format") ?? "table", ["table", "json"] as const),
    cloud: oneOf("--cloud", text("cloud") ?? "global", Object.keys(GRAPH_CLOUDS) as GraphCloud[]),
    graphBaseUrl:
      text("graph-base-url") === undefined
        ? undefined
        : checkGraphBaseUrl(text("graph-base-url") as string, values["allow-custom-graph-host"] === true),
    ...logOptions(text("log-level"), text("log-format")),
    credential: oneOf("--credential", text("credential") ?? "default", CLI_CREDENTIAL_KINDS),
    failOn:
      text("fail-on") === undefined
        ? undefined
        : oneOf("--fail-on", text("fail-on") as string, FAIL_ON_SEVERITIES),
    help,
  };
  if (!isGraphCloud(parsed.cloud)) usage(`--cloud: ${describeValue(parsed.cloud)} is not a cloud.`);
  if (help) return { tenantId: tenantId ?? "", ...parsed };
  if (tenantId === undefined || tenantId === "") {
    usage("--tenant-id is required (or set AZURE_TENANT_ID).");
  }
  if (!isGuid(tenantId)) {
    const source = tenantFlag === undefined ? "AZURE_TENANT_ID" : "--tenant-id";
    usage(
      `${source}: ${describeValue(tenantId)} is not a tenant id; give the directory (tenant) id, a GUID.`,
    );
  }
  return { tenantId: tenantId.toLowerCase(), ...parsed };
}
