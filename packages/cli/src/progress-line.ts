/**
 * One progress line on stderr for a person at a terminal ("deciding protected accounts… 120 of 2500"),
 * rewritten in place and cleared before anything else is printed. Off a terminal (a pipe, a file, CI)
 * it prints nothing at all, so captured stderr holds only messages.
 */
import type { TextSink } from "./cli-io.js";

/** Options of {@link createProgressLine}. */
export interface ProgressLineOptions {
  /** False turns the line off even on a terminal (log lines or a JSON document were asked for). */
  readonly enabled: boolean;
  /** Milliseconds between two redraws at most, so a fast loop does not flood the terminal. Default 100. */
  readonly intervalMs?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** A progress line: `update` redraws it, `clear` erases it (idempotent). */
export interface ProgressLine {
  readonly update: (phase: string, done?: number, total?: number) => void;
  readonly clear: () => void;
}

// Carriage return, then erase to the end of the line: the next text starts on a clean line.
const ERASE = "\r\u001b[K";

/**
 * Creates the progress line of one run on `stderr`; it draws only when `stderr.isTTY` is true.
 *
 * @example
 * const progress = createProgressLine(process.stderr, { enabled: true });
 * progress.update("deciding protected accounts", 3, 12); // "deciding protected accounts… 3 of 12"
 * progress.clear();
 */
export function createProgressLine(stderr: TextSink, options: ProgressLineOptions): ProgressLine {
  const active = options.enabled && stderr.isTTY === true;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  let drawn = false;
  let lastPhase: string | undefined;
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  return {
    update(phase, done, total) {
      if (!active) return;
      const at = now();
      // A new phase and a finished count are always shown; counts within a phase at most every `intervalMs`.
      const finished = done !== undefined && done === total;
      if (phase === lastPhase && !finished && at - lastDrawMs < intervalMs) return;
      lastPhase = phase;
      lastDrawMs = at;
      const count = done !== undefined && total !== undefined ? ` ${done} of ${total}` : "";
      const width = stderr.columns ?? 80;
      stderr.write(`${ERASE}${`${phase}…${count}`.slice(0, Math.max(1, width - 1))}`);
      drawn = true;
    },
    clear() {
      if (!drawn) return;
      stderr.write(ERASE);
      drawn = false;
    },
  };
}
