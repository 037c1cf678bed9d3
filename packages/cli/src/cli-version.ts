/**
 * The version of `@rotation-exclusion/cli`, read from its own package.json (next to `src/` and `dist/`
 * alike), as `--version` prints it and as every JSON document names its generator.
 */
import { readFileSync } from "node:fs";
import type { DocumentGenerator } from "@rotation-exclusion/report";

let cached: string | undefined;

/** The package version (`0.0.0` in the workspace), read once. */
export function cliPackageVersion(): string {
  if (cached === undefined) {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    cached = String(manifest.version);
  }
  return cached;
}

/**
 * The `generator` of the JSON documents the CLI writes (scan, audit, report).
 *
 * @example
 * const document = { kind: SCAN_DOCUMENT_KIND, schemaVersion: 1, generator: cliGenerator(), ... };
 */
export function cliGenerator(): DocumentGenerator {
  return { name: "@rotation-exclusion/cli", version: cliPackageVersion() };
}
