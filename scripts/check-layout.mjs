#!/usr/bin/env node
// @ts-check
/**
 * The workspace's layout rules (README, "Layout"), checked on every `pnpm lint` so they cannot erode:
 *
 * 1. No file under `packages/<name>/src` imports from a `test/` folder.
 * 2. A file under `packages/<name>/test` imports no package's sources (`../src/...`): it uses package
 *    entry points, the way a user does, and test helpers.
 * 3. Core's sources import nothing but core's own modules (no I/O, no Graph SDK, no Azure types), and
 *    `@opentelemetry/api`: the API does no I/O and is a no-op until the host registers an SDK
 *    (docs/decisions/0021-telemetry.md).
 * 4. Neither core nor the Graph adapter loads `@rotation-exclusion/testing` outside tests.
 * 5. The CLI loads the testing kit only for the demo: `demo-run.ts` is the one module that imports it,
 *    and it is itself imported only by a dynamic `import()`, so `scan` and `audit` never load the kit.
 *
 *   node scripts/check-layout.mjs
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "./workspace-packages.mjs";

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** @param {string} dir @returns {string[]} */
function tsFiles(dir) {
  /** @type {string[]} */
  const files = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...tsFiles(path));
    else if (/\.(ts|mts|cts)$/.test(entry.name)) files.push(path);
  }
  return files;
}

/**
 * Every import of a file: the specifier, whether it is type-only (erased at run time) and dynamic.
 * @param {string} path
 */
function importsOf(path) {
  const text = readFileSync(path, "utf8");
  /** @type {{ specifier: string, typeOnly: boolean, dynamic: boolean }[]} */
  const found = [];
  for (const match of text.matchAll(IMPORT)) {
    const dynamic = match[4] !== undefined;
    found.push({ specifier: match[3] ?? match[4] ?? "", typeOnly: match[2] !== undefined, dynamic });
  }
  return found;
}

const packagesDir = join(root, "packages");
/** @type {string[]} */
const problems = [];
const where = (/** @type {string} */ path) => relative(root, path);

for (const name of readdirSync(packagesDir)) {
  const isTest = (/** @type {string} */ path) => /\.test\.ts$/.test(path);
  for (const path of tsFiles(join(packagesDir, name, "src"))) {
    for (const { specifier, typeOnly, dynamic } of importsOf(path)) {
      if (specifier.startsWith(".") && /(^|\/)test\//.test(specifier)) {
        problems.push(`${where(path)} imports ${specifier}: src/ never imports from a test/ folder (rule 1)`);
      }
      const telemetryApi = specifier === "@opentelemetry/api";
      if (name === "core" && !specifier.startsWith(".") && !isTest(path) && !typeOnly && !telemetryApi) {
        problems.push(`${where(path)} imports ${specifier}: core imports only its own modules (rule 3)`);
      }
      const kit = specifier.startsWith("@rotation-exclusion/testing");
      if (kit && !isTest(path) && (name === "core" || name === "graph-adapter")) {
        problems.push(`${where(path)} imports ${specifier} outside a test (rule 4)`);
      }
      if (kit && !isTest(path) && name === "cli" && !typeOnly && !path.endsWith("demo-run.ts")) {
        problems.push(`${where(path)} loads the testing kit; only demo-run.ts may (rule 5)`);
      }
      if (name === "cli" && !isTest(path) && /demo-run(\.js)?$/.test(specifier) && !dynamic && !typeOnly) {
        problems.push(`${where(path)} imports demo-run statically; load it with import() (rule 5)`);
      }
    }
  }
  for (const path of tsFiles(join(packagesDir, name, "test"))) {
    for (const { specifier } of importsOf(path)) {
      if (/^(\.\.\/)+([a-z-]+\/)?src\//.test(specifier)) {
        problems.push(`${where(path)} imports ${specifier}: test/ uses package entry points (rule 2)`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(
    `Layout rules broken (see scripts/check-layout.mjs):\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
  process.exit(1);
}
console.log("layout: every package follows the workspace's layout rules");
