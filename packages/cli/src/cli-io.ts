import type { SecretRedactor } from "@rotation-exclusion/report";

/**
 * What a command run may touch: two output streams and the environment. Passing them in keeps commands
 * testable in-process and keeps stdout for results only.
 */

/** A writable text stream (process.stdout, or a collector in tests). */
export interface TextSink {
  write(text: string): unknown;
  /** True on a terminal (process.stdout has it): tables fit `columns`, colour may be used. */
  readonly isTTY?: boolean | undefined;
  /** The terminal's width, on a terminal. */
  readonly columns?: number | undefined;
}

/** The streams and environment of one command run. */
export interface CliIo {
  /** Results only: the table or the one JSON document. */
  readonly stdout: TextSink;
  /** Logs (pino JSON lines) and error messages. */
  readonly stderr: TextSink;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The streams a command writes to, already redacted, and the run's redactor, to which a command adds
 * every secret it comes to hold (the tokens its credential hands out).
 */
export interface CommandIo extends CliIo {
  readonly secrets: SecretRedactor;
  /**
   * stdout without the redactor, for a rendered report only: every tenant string in it already passed
   * the run's redactor (`redactReportStrings`), and redacting the rendered page again would rewrite its
   * inline scripts (a 4-character secret such as "test" occurs in Chart.js), breaking their CSP hashes.
   */
  readonly documentStdout: TextSink;
}
