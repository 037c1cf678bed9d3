/**
 * Flag parsing shared by every command: node:util parseArgs in strict mode (unknown flags and positionals
 * are errors), plus what parseArgs lets through silently: a single-value flag given twice (the last would
 * win, so `--tenant-id A --tenant-id B` would read B while a script author meant A) is refused.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** The flag definitions of a command, as node:util parseArgs takes them. */
export type CommandFlagDefinitions = NonNullable<ParseArgsConfig["options"]>;

import { createCliError } from "./cli-error.js";

/** Parsed flag values, by long name. */
export type CommandFlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * Parses `args` for `command`. Throws a usage CliError naming the flag (never a doubled command prefix:
 * the caller prints `rotation-exclusion <command>: ` once).
 *
 * @example
 * parseCommandFlags("scan", ["--format", "json"], { format: { type: "string" } });
 */
export function parseCommandFlags(
  command: string,
  args: readonly string[],
  options: CommandFlagDefinitions,
): CommandFlagValues {
  let parsed: { values: CommandFlagValues; tokens: { kind: string; name?: string }[] };
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      tokens: true,
      options,
    }) as typeof parsed;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw createCliError("usage", `${message}. Run "rotation-exclusion ${command} --help".`, {
      cause: error,
    });
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || token.name === undefined || options[token.name]?.multiple === true) {
      continue;
    }
    if (seen.has(token.name)) {
      throw createCliError("usage", `--${token.name} is given more than once; give it once.`);
    }
    seen.add(token.name);
  }
  return parsed.values;
}
