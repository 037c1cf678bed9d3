/**
 * Vitest's global setup: before any test file runs, makes sure the packages that tests run as built
 * code (the CLI's `dist/main.js` and the fleet's worker processes in subprocess tests, and what they
 * import) are built from the current sources, so `pnpm test` alone works. Under `pnpm check` the build already ran and this is a no-op.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../packages");

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Builds the CLI and the packages it depends on when the build is missing or older than a source. */
export default async function ensureBuiltCli(): Promise<void> {
  const packages = ["core", "graph-adapter", "testing", "cli", "fleet"];
  const stale = packages.some((name) => {
    const built = join(packagesDir, name === "cli" ? "cli/dist/main.js" : `${name}/dist/index.js`);
    return !existsSync(built) || statSync(built).mtimeMs < newestSourceMs(join(packagesDir, name, "src"));
  });
  if (!stale) return;
  const filters = ["--filter", "@rotation-exclusion/cli...", "--filter", "@rotation-exclusion/fleet..."];
  await run("pnpm", [...filters, "--sort", "run", "build"], {
    cwd: resolve(packagesDir, ".."),
  });
}
