/**
 * The command line's entry: dispatches to `demo`, `scan` or `audit` and turns every failure into a
 * message on stderr and an exit status (2 bad input, 1 nothing could be read or an unexpected error).
 */
import { describeValue } from "@rotation-exclusion/core/internal";
import { runAuditCommand } from "./audit-command.js";
import { credentialSecrets } from "./cli-credential.js";
import { isCliError } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";
import { runDemoCommand } from "./demo-command.js";
import { MAIN_HELP } from "./help-text.js";
import { runScanCommand } from "./scan-command.js";

const COMMANDS = {
  demo: runDemoCommand,
  scan: runScanCommand,
  audit: runAuditCommand,
} as const satisfies Record<string, (args: readonly string[], io: CliIo) => Promise<number>>;

// Anything that looks like a bearer token or a long secret never reaches the terminal, whatever threw.
function redact(text: string, io: CliIo): string {
  let out = text.replace(/Bearer\s+[^\s"']+/gi, "Bearer [redacted]");
  for (const secret of credentialSecrets(io.env)) out = out.split(secret).join("[redacted]");
  return out;
}

/**
 * Runs the command line with the given arguments (without `node` and the script) and returns the exit
 * status: 0 decided, 3 some account unknown or the report incomplete, 2 bad input, 1 nothing readable.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    // A usage error like any other: the help goes to stderr, so a pipe reading stdout gets nothing.
    io.stderr.write(MAIN_HELP);
    return 2;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(MAIN_HELP);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    io.stderr.write(
      `rotation-exclusion: unknown command ${describeValue(command)}; use demo, scan or audit (see --help).\n`,
    );
    return 2;
  }
  try {
    return await COMMANDS[command as keyof typeof COMMANDS](args, io);
  } catch (error) {
    if (isCliError(error)) {
      io.stderr.write(`rotation-exclusion ${command}: ${redact(error.message, io)}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`rotation-exclusion ${command}: unexpected error: ${redact(message, io)}\n`);
    return 1;
  }
}
