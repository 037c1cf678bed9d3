/**
 * The command line's entry: dispatches to `demo`, `scan`, `audit`, `report` or `fake-graph` and turns every failure into a
 * message on stderr and an exit status (2 bad input, 1 nothing could be read or an unexpected error).
 */
import { describeValue } from "@rotation-exclusion/core/internal";
import { createSecretRedactor } from "@rotation-exclusion/report";
import { runAuditCommand } from "./audit-command.js";
import { credentialSecrets } from "./cli-credential.js";
import { isCliError } from "./cli-error.js";
import type { CliIo, CommandIo } from "./cli-io.js";
import { cliPackageVersion } from "./cli-version.js";
import { runDemoCommand } from "./demo-command.js";
import { runFakeGraphCommand } from "./fake-graph-command.js";
import { MAIN_HELP } from "./help-text.js";
import { runReportCommand } from "./report-command.js";
import { runScanCommand } from "./scan-command.js";

const COMMANDS = {
  demo: runDemoCommand,
  scan: runScanCommand,
  audit: runAuditCommand,
  report: runReportCommand,
  "fake-graph": runFakeGraphCommand,
} as const satisfies Record<string, (args: readonly string[], io: CommandIo) => Promise<number>>;

/** The version line of `--version`. */
function cliVersion(): string {
  return `rotation-exclusion ${cliPackageVersion()} (Node.js ${process.versions.node})`;
}

/**
 * Runs the command line with the given arguments (without `node` and the script) and returns the exit
 * status: 0 decided, 3 some account unknown or the report incomplete, 2 bad input, 1 nothing readable.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Everything printed, by any path (result, log line, error), passes the run's one redactor.
  const secrets = createSecretRedactor(credentialSecrets(io.env));
  const redacted: CommandIo = {
    stdout: secrets.wrap(io.stdout),
    stderr: secrets.wrap(io.stderr),
    env: io.env,
    secrets,
    documentStdout: io.stdout,
  };
  const [command, ...args] = argv;
  if (command === undefined) {
    // A usage error like any other: the help goes to stderr, so a pipe reading stdout gets nothing.
    redacted.stderr.write(MAIN_HELP);
    return 2;
  }
  if (command === "--version" || command === "-V") {
    redacted.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    redacted.stdout.write(MAIN_HELP);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    redacted.stderr.write(
      `rotation-exclusion: unknown command ${describeValue(command)}; use demo, scan, audit, report or fake-graph (see --help).\n`,
    );
    return 2;
  }
  try {
    return await COMMANDS[command as keyof typeof COMMANDS](args, redacted);
  } catch (error) {
    if (isCliError(error)) {
      redacted.stderr.write(`rotation-exclusion ${command}: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    redacted.stderr.write(`rotation-exclusion ${command}: unexpected error: ${message}\n`);
    return 1;
  }
}
