/**
 * The shared run of the commands that read a real tenant (`scan`, `audit`): flags, logger, guard, scan,
 * output, and the exit status contract (0 decided, 3 unknown or incomplete, 4 `--fail-on` met, 2 bad
 * input or a `--user` that does not exist, 1 unreadable). A failed run prints one human line on stderr
 * and no result (an empty table would read as "nothing protected").
 */
import type { CommandIo } from "./cli-io.js";
import { createCliLogger } from "./cli-logger.js";
import { cliGenerator } from "./cli-version.js";
import { oneShotWording } from "./one-shot-wording.js";
import { type OutputStyle, outputStyle } from "./output-style.js";
import { createProgressLine } from "./progress-line.js";
import { parseTenantCommandOptions, type TenantCommandOptions } from "./tenant-command-options.js";
import { createTenantGuard, nameUsers } from "./tenant-guard.js";
import { scanTenant, type TenantScan } from "./tenant-scan.js";

/** Severity order of findings, for `--fail-on`. */
const SEVERITY_RANK = { info: 0, warning: 1, error: 2 } as const;

/** What distinguishes `scan` from `audit`. */
export interface TenantCommandSpec {
  readonly command: "scan" | "audit";
  readonly help: string;
  /** Whether `--role` and `--user` are accepted. */
  readonly accountFlags: boolean;
  /** Whether `--fail-on` is accepted. */
  readonly failOnFlag: boolean;
  /** The roles to read (audit always reads Global Administrator). */
  readonly roles: (options: TenantCommandOptions) => readonly string[];
  /** The output (table text or one JSON document), whether it leaves something undecided, its findings. */
  readonly render: (
    scan: TenantScan,
    options: TenantCommandOptions,
    style: OutputStyle,
  ) => { text: string; undecided: boolean; severities: readonly (keyof typeof SEVERITY_RANK)[] };
}

/** Runs `scan` or `audit`; returns the exit status. Usage errors are thrown (the caller maps them to 2). */
export async function runTenantCommand(spec: TenantCommandSpec, args: readonly string[], io: CommandIo) {
  const options = parseTenantCommandOptions(args, {
    command: spec.command,
    accountFlags: spec.accountFlags,
    failOnFlag: spec.failOnFlag,
    env: io.env,
  });
  if (options.help) {
    io.stdout.write(spec.help);
    return 0;
  }
  const prefix = `rotation-exclusion ${spec.command}`;
  const logger = createCliLogger(options.logLevel, {
    destination: io.stderr,
    format: options.logFormat,
    prefix,
  });
  // The CLI's own warnings: a human line by default, a log line when log lines were asked for.
  const warn = (message: string) => {
    if (options.logFormat === "human" && options.logLevel === "silent") {
      io.stderr.write(`${prefix}: warning: ${message}\n`);
    } else logger.warn(message);
  };
  // Progress only for a person at a terminal: never between log lines, never beside a JSON document.
  const progress = createProgressLine(io.stderr, {
    enabled: options.logFormat === "human" && options.logLevel === "silent" && options.format !== "json",
  });
  const { guard, directory, credentialSource } = await createTenantGuard(options, {
    env: io.env,
    logger,
    secrets: io.secrets,
    warn,
    onUnitMembersRead: (read, total) => progress.update("reading restricted units", read, total),
  });
  const wording = (text: string) => oneShotWording(text, credentialSource);
  let scan: TenantScan;
  try {
    scan = await scanTenant(guard, {
      roles: spec.roles(options),
      users: options.users,
      graphRequests: () => directory.stats().requests,
      generator: cliGenerator(),
      nameUsers: (ids) => nameUsers(directory, ids),
      onProgress: progress.update,
    });
  } finally {
    progress.clear();
  }
  if (scan.readNothing) {
    const failure = scan.snapshot.failures[0]?.failure;
    // Say where the requests went: a typo'd --graph-base-url or a proxy reads differently from Graph down.
    const where = failure?.kind === "unavailable" ? `; could not reach ${directory.graphRoot}` : "";
    io.stderr.write(
      wording(
        `${prefix}: nothing could be read from tenant ${options.tenantId}${where}${failure ? `: ${failure.message}` : "."}\n`,
      ),
    );
    return 1;
  }
  const { text, undecided, severities } = spec.render(scan, options, outputStyle(io.stdout, io.env));
  io.stdout.write(wording(text.endsWith("\n") ? text : `${text}\n`));
  if (scan.unknownRoles.length > 0) {
    for (const role of scan.unknownRoles) {
      io.stderr.write(
        `${prefix}: --role: ${JSON.stringify(role)} matches no role definition in tenant ${options.tenantId}.\n`,
      );
    }
    return 2;
  }
  if (scan.missingUsers.length > 0) {
    // The CLI's label only: the verdict in the report stays `unknown` (not-found), never not-protected.
    for (const user of scan.missingUsers) {
      io.stderr.write(
        `${prefix}: --user: ${JSON.stringify(user)} was not found in tenant ${options.tenantId} (Graph answered 404); check the spelling or the object id.\n`,
      );
    }
    return 2;
  }
  if (!scan.report.complete || undecided) {
    const why = scan.snapshot.incompleteCause?.reason;
    io.stderr.write(
      wording(
        `${prefix}: some accounts could not be decided or the report is incomplete${why ? ` (${why})` : ""}; see the output.\n`,
      ),
    );
    return 3;
  }
  const failOn = options.failOn;
  if (failOn !== undefined) {
    const met = severities.filter((severity) => SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn]);
    if (met.length > 0) {
      io.stderr.write(
        `${prefix}: ${met.length} finding(s) of severity ${failOn} or worse (--fail-on ${failOn}).\n`,
      );
      return 4;
    }
  }
  return 0;
}
