/**
 * The command line's logger: pino writing JSON lines to stderr, so stdout carries only the result and
 * `rotation-exclusion scan --format json | jq` keeps working at any log level.
 */
import pino, { type Logger } from "pino";
import type { LogFormat, LogLevel } from "./tenant-command-options.js";

/** Where log lines go; default the process's stderr (file descriptor 2). */
export interface CliLoggerOptions {
  readonly destination?: { write(text: string): unknown };
  /** `json` (default): pino's lines. `human`: `<prefix>: <level>: <message> (key=value, ...)`. */
  readonly format?: LogFormat;
  /** What starts a human line, `rotation-exclusion scan`. */
  readonly prefix?: string;
}

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warning",
  50: "error",
  60: "fatal",
};

/** Renders one pino JSON line for a person: the message, then the simple fields. */
function humanLine(line: string, prefix: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix}: ${line.trimEnd()}\n`;
  }
  const { level, time: _time, msg, ...fields } = record;
  const details = Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  const levelName = LEVEL_NAMES[Number(level)] ?? String(level);
  return `${prefix}: ${levelName}: ${String(msg ?? "")}${details.length > 0 ? ` (${details.join(", ")})` : ""}\n`;
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
  const sink = options.destination ?? pino.destination({ fd: 2, sync: true });
  const prefix = options.prefix ?? "rotation-exclusion";
  const destination =
    options.format === "human" ? { write: (line: string) => sink.write(humanLine(line, prefix)) } : sink;
  return pino(
    { level, base: null, redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    destination as pino.DestinationStream,
  );
}
