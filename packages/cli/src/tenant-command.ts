/**
 * The shared run of the commands that read a real tenant (`scan`, `audit`): flags, logger, guard, scan,
 * output, and the exit status contract (0 decided, 3 unknown or incomplete, 2 bad input, 1 unreadable).
 */
import type { CliIo } from "./cli-io.js";
import { createCliLogger } from "./cli-logger.js";
import { parseTenantCommandOptions, type TenantCommandOptions } from "./tenant-command-options.js";
import { createTenantGuard } from "./tenant-guard.js";
import { scanTenant, type TenantScan } from "./tenant-scan.js";

/** What distinguishes `scan` from `audit`. */
export interface TenantCommandSpec {
  readonly command: "scan" | "audit";
  readonly help: string;
  /** Whether `--role` and `--user` are accepted. */
  readonly accountFlags: boolean;
  /** The roles to read (audit always reads Global Administrator). */
  readonly roles: (options: TenantCommandOptions) => readonly string[];
  /** The output (table text or one JSON document), and whether it leaves something undecided. */
  readonly render: (scan: TenantScan, options: TenantCommandOptions) => { text: string; undecided: boolean };
}

/** Runs `scan` or `audit`; returns the exit status. Usage errors are thrown (the caller maps them to 2). */
export async function runTenantCommand(spec: TenantCommandSpec, args: readonly string[], io: CliIo) {
  const options = parseTenantCommandOptions(args, {
    command: spec.command,
    accountFlags: spec.accountFlags,
    env: io.env,
  });
  if (options.help) {
    io.stdout.write(spec.help);
    return 0;
  }
  const logger = createCliLogger(options.logLevel, { destination: io.stderr });
  const { guard, directory } = await createTenantGuard(options, io.env, logger);
  const scan = await scanTenant(guard, {
    roles: spec.roles(options),
    users: options.users,
    graphRequests: () => directory.stats().requests,
  });
  const { text, undecided } = spec.render(scan, options);
  io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  const prefix = `rotation-exclusion ${spec.command}`;
  if (scan.readNothing) {
    const failure = scan.snapshot.failures[0]?.failure;
    io.stderr.write(
      `${prefix}: nothing could be read from tenant ${options.tenantId}${failure ? `: ${failure.message}` : ""}\n`,
    );
    return 1;
  }
  if (scan.unknownRoles.length > 0) {
    for (const role of scan.unknownRoles) {
      io.stderr.write(
        `${prefix}: --role: ${JSON.stringify(role)} matches no role definition in tenant ${options.tenantId}.\n`,
      );
    }
    return 2;
  }
  if (!scan.report.complete || undecided) {
    const why = scan.snapshot.incompleteCause?.reason;
    io.stderr.write(
      `${prefix}: some accounts could not be decided or the report is incomplete${why ? ` (${why})` : ""}; see the output.\n`,
    );
    return 3;
  }
  return 0;
}
