/**
 * Where a report goes: a file (`--out`), written whole or not at all (a temporary file beside it, then
 * a rename), or stdout.
 */
import { randomUUID } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { createCliError } from "./cli-error.js";
import type { CommandIo } from "./cli-io.js";

/**
 * Writes the rendered report (rendered from a redacted model) to `out` (atomically) or to stdout.
 *
 * @example
 * await writeReportOutput(html, "posture.html", io);
 */
export async function writeReportOutput(text: string, out: string | undefined, io: CommandIo): Promise<void> {
  // `text` was rendered from a report whose every string passed the run's redactor; redacting the
  // rendered document again could only damage it (CommandIo.documentStdout).
  if (out === undefined) {
    io.documentStdout.write(text);
    return;
  }
  const temporary = join(dirname(out), `.${basename(out)}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? "failed";
    throw createCliError("usage", `--out: cannot write ${JSON.stringify(out)} (${code}).`, { cause: error });
  }
}
