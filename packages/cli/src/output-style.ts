/**
 * How results look on this stdout: tables fitted to the terminal's width (or COLUMNS), colour only on a
 * terminal and only when NO_COLOR is unset (https://no-color.org), so a pipe or a ticket gets plain text.
 */
import pc from "picocolors";
import type { TextSink } from "./cli-io.js";

/** The colours and width of one run's output. */
export interface OutputStyle {
  /** Columns to fit tables to; undefined: no limit (piped output without COLUMNS). */
  readonly width: number | undefined;
  readonly colors: ReturnType<typeof pc.createColors>;
}

/**
 * The style for `stdout` in `env`.
 *
 * @example
 * const style = outputStyle(process.stdout, process.env);
 */
export function outputStyle(
  stdout: TextSink,
  env: Readonly<Record<string, string | undefined>>,
): OutputStyle {
  const fromEnv = Number.parseInt(env.COLUMNS ?? "", 10);
  const width =
    Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : stdout.isTTY ? stdout.columns : undefined;
  const color = stdout.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
  return { width, colors: pc.createColors(color) };
}

/** A verdict status in its colour: protected green, not-protected yellow, unknown red. */
export function paintStatus(style: OutputStyle, status: string): string {
  const { colors } = style;
  if (status === "protected") return colors.green(status);
  if (status === "not-protected") return colors.yellow(status);
  if (status === "unknown") return colors.red(status);
  return status;
}

/** A finding severity in its colour. */
export function paintSeverity(style: OutputStyle, severity: string): string {
  const { colors } = style;
  if (severity === "error") return colors.red(severity);
  if (severity === "warning") return colors.yellow(severity);
  return colors.dim(severity);
}
