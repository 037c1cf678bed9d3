/**
 * The flags of the commands that read a real tenant (`scan`, `audit`): parsed with node:util parseArgs in
 * strict mode (unknown flags are errors) and validated into one typed value. Every error names the flag
 * and the bad value; a value that may hold credentials (a URL with user info) is never echoed.
 */
import { parseArgs } from "node:util";
import {
  describeValue,
  isGuid,
  roleNameProblem,
  userPrincipalNameProblem,
} from "@rotation-exclusion/core/internal";
import { GRAPH_CLOUDS, type GraphCloud, isGraphCloud } from "@rotation-exclusion/graph-adapter";
import { createCliError } from "./cli-error.js";

/** Output formats. */
export type OutputFormat = "table" | "json";

/** pino levels accepted by `--log-level`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A log level of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

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
  readonly logLevel: LogLevel;
  readonly help: boolean;
}

function usage(message: string): never {
  throw createCliError("usage", message);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    usage(`${flag}: ${describeValue(value)} is not one of ${allowed.join(", ")}.`);
  }
  return value as T;
}

function checkGraphBaseUrl(value: string): string {
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

/** Options of {@link parseTenantCommandOptions}. */
export interface ParseTenantCommandOptions {
  /** The command's name, for messages. */
  readonly command: string;
  /** Whether `--role` and `--user` are accepted. */
  readonly accountFlags: boolean;
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
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        "tenant-id": { type: "string" },
        format: { type: "string" },
        cloud: { type: "string" },
        "graph-base-url": { type: "string" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h" },
        ...(options.accountFlags ? accountFlags : {}),
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return usage(`${options.command}: ${message}. Run "rotation-exclusion ${options.command} --help".`);
  }
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
      text("graph-base-url") === undefined ? undefined : checkGraphBaseUrl(text("graph-base-url") as string),
    logLevel: oneOf("--log-level", text("log-level") ?? "warn", LOG_LEVELS),
    help,
  };
  if (!isGraphCloud(parsed.cloud)) usage(`--cloud: ${describeValue(parsed.cloud)} is not a cloud.`);
  if (help) return { tenantId: tenantId ?? "", ...parsed };
  if (tenantId === undefined || tenantId === "") {
    usage(`${options.command}: --tenant-id is required (or set AZURE_TENANT_ID).`);
  }
  if (!isGuid(tenantId)) {
    const source = tenantFlag === undefined ? "AZURE_TENANT_ID" : "--tenant-id";
    usage(
      `${source}: ${describeValue(tenantId)} is not a tenant id; give the directory (tenant) id, a GUID.`,
    );
  }
  return { tenantId: tenantId.toLowerCase(), ...parsed };
}
