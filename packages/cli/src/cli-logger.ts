/**
 * The command line's logger: pino writing JSON lines to stderr, so stdout carries only the result and
 * `rotation-exclusion scan --format json | jq` keeps working at any log level.
 */
import pino, { type Logger } from "pino";
import type { LogLevel } from "./tenant-command-options.js";

/** Where log lines go; default the process's stderr (file descriptor 2). */
export interface CliLoggerOptions {
  readonly destination?: { write(text: string): unknown };
}

// Fields that may carry a token or secret, censored in every line the command line writes itself.
const REDACT_PATHS = [
  "authorization",
  "*.authorization",
  "token",
  "*.token",
  "clientSecret",
  "*.clientSecret",
];

/**
 * Creates the logger of one command run.
 *
 * @example
 * const logger = createCliLogger("warn");
 */
export function createCliLogger(level: LogLevel, options: CliLoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    { level, base: null, redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    destination as pino.DestinationStream,
  );
}
