#!/usr/bin/env node
// @ts-check
/**
 * Consumer smoke test: proves the packages work exactly as they would from the registry.
 *
 * 1. `pnpm pack` every publishable package (the same manifest rewriting as `pnpm publish`:
 *    `workspace:*` becomes the real version, `publishConfig` applies) and checks each tarball:
 *    no `workspace:` ranges, no `source` condition, every `exports`/`main`/`types` target present,
 *    no test files, no stale build output, LICENSE and README present.
 * 2. Installs all tarballs together into a scratch project under the OS temp folder (never the
 *    workspace's node_modules) with pnpm's strict layout, so an undeclared dependency fails here.
 *    Overrides make the tarballs' dependencies on each other resolve to the tarballs.
 * 3. Runs the consumers in scripts/smoke/: an ES module and a CommonJS file that exclude the two
 *    emergency-access accounts over HTTPS against the fake Graph server, and `tsc --noEmit` over
 *    TypeScript consumers (strict, NodeNext; then with every declaration checked).
 *
 *   node scripts/smoke.mjs          # (pnpm smoke) builds first if dist is missing or older than src
 *   node scripts/smoke.mjs --keep   # keep the scratch project and print its path
 *   node scripts/smoke.mjs core graph-adapter testing   # only these package folders
 */
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  describeSize,
  ensureBuilt,
  folderArguments,
  listFiles,
  pack,
  publicPackages,
  root,
  run,
} from "./workspace-packages.mjs";

const consumerDir = join(import.meta.dirname, "smoke");
const keep = process.argv.includes("--keep");
const started = performance.now();

/** @param {string} text */
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Checks one installed package as a consumer receives it.
 * @param {string} installedDir
 * @param {string} sourceDir
 * @returns {string[]} problems
 */
function inspectInstalled(installedDir, sourceDir) {
  const problems = [];
  const manifest = JSON.parse(readFileSync(join(installedDir, "package.json"), "utf8"));
  const files = new Set(listFiles(installedDir));
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) problems.push(`${field}.${name} is still "${range}"`);
    }
  }
  /** @type {string[]} */
  const targets = [manifest.main, manifest.types].filter((value) => typeof value === "string");
  const walk = (/** @type {unknown} */ node, /** @type {string} */ path) => {
    if (typeof node === "string") targets.push(node);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "source")
          problems.push(`exports${path} has a "source" condition (its files are not published)`);
        walk(value, `${path}[${JSON.stringify(key)}]`);
      }
    }
  };
  walk(manifest.exports, "");
  for (const target of targets) {
    const path = target.replace(/^\.\//, "");
    // A subpath pattern (`./schemas/*.json`) must match at least one file.
    const present = path.includes("*")
      ? [...files].some((file) =>
          new RegExp(`^${path.split("*").map(escapeRegExp).join("[^/]+")}$`).test(file),
        )
      : files.has(path);
    if (!present) problems.push(`${target} is referenced by the manifest but not in the package`);
  }
  for (const required of ["LICENSE", "README.md", "dist/index.js", "dist/index.d.ts"]) {
    if (!files.has(required)) problems.push(`${required} is missing`);
  }
  for (const file of files) {
    if (/\.test\.[cm]?[jt]s$|\.test\.d\.ts/.test(file)) problems.push(`${file} is a test file`);
    const built = /^dist\/(.+?)\.(js|d\.ts)$/.exec(file);
    // A TypeScript source, or a plain script copied as it is (the report page's src/page/*.js).
    const sources = built ? [`${built[1]}.ts`, `${built[1]}.js`] : [];
    if (built && !sources.some((source) => existsSync(join(sourceDir, "src", source)))) {
      problems.push(`${file} has no source in src/ (stale build output: delete dist and rebuild)`);
    }
  }
  return problems;
}

async function main() {
  const packages = publicPackages(folderArguments());
  await ensureBuilt(packages);

  const scratch = mkdtempSync(join(tmpdir(), "rotation-exclusion-smoke-"));
  if (!relative(root, scratch).startsWith(".."))
    throw new Error(`the scratch folder ${scratch} is inside the workspace`);
  try {
    const tarballDir = join(scratch, "tarballs");
    const packed = await Promise.all(
      packages.map(async (pkg) => ({ pkg, ...(await pack(pkg, tarballDir)) })),
    );

    const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const tarballSpecs = Object.fromEntries(packed.map(({ name, tarball }) => [name, `file:${tarball}`]));
    writeFileSync(
      join(scratch, "package.json"),
      `${JSON.stringify(
        {
          name: "rotation-exclusion-smoke-consumer",
          private: true,
          type: "module",
          dependencies: {
            ...tarballSpecs,
            typescript: rootManifest.devDependencies.typescript,
            "@types/node": rootManifest.devDependencies["@types/node"],
          },
        },
        null,
        2,
      )}\n`,
    );
    // Each tarball names the others by version; the overrides point those at the tarballs, as the
    // registry would serve them. pnpm-workspace.yaml also makes the scratch folder its own root, and
    // carries the root's build-script decisions: a consumer of the fleet package must make the same
    // choice for msgpackr-extract, or pnpm refuses the install (ERR_PNPM_IGNORED_BUILDS).
    const overrides = Object.entries(tarballSpecs).map(([name, spec]) => `  "${name}": "${spec}"\n`);
    writeFileSync(
      join(scratch, "pnpm-workspace.yaml"),
      `overrides:\n${overrides.join("")}allowBuilds:\n  msgpackr-extract: false\n`,
    );
    for (const file of readdirSync(consumerDir)) copyFileSync(join(consumerDir, file), join(scratch, file));

    const installStarted = performance.now();
    // CI=true makes pnpm default to a frozen lockfile; a consumer's first install has none.
    await run("pnpm", ["install", "--prefer-offline", "--no-frozen-lockfile"], scratch);
    const installMs = performance.now() - installStarted;

    const problems = packed.flatMap(({ name, pkg }) =>
      inspectInstalled(join(scratch, "node_modules", ...name.split("/")), pkg.dir).map(
        (problem) => `${name}: ${problem}`,
      ),
    );
    if (problems.length > 0)
      throw new Error(`the packed packages have problems:\n- ${problems.join("\n- ")}`);

    const tsc = join(scratch, "node_modules", "typescript", "bin", "tsc");
    /** @type {{ label: string, command: string, args: string[], summary?: (output: string) => string }[]} */
    const checks = [
      { label: "ES module consumer", command: process.execPath, args: ["esm.mjs"] },
      { label: "CommonJS consumer (require)", command: process.execPath, args: ["cjs.cjs"] },
      {
        label: "TypeScript consumer (strict)",
        command: process.execPath,
        args: [tsc, "-p", "tsconfig.json"],
      },
      {
        label: "TypeScript consumer (strictest, declarations checked)",
        command: process.execPath,
        args: [tsc, "-p", "tsconfig.libcheck.json"],
      },
    ];
    for (const { manifest } of packed.map(({ pkg }) => pkg)) {
      for (const bin of Object.keys(manifest.bin ?? {})) {
        // The installed command, through the shim the package manager linked: proves bin, shebang and mode.
        checks.push({
          label: `\`${bin} demo\` command`,
          command: join(scratch, "node_modules", ".bin", bin),
          args: ["demo", "--format", "json"],
          summary: (output) =>
            `printed ${JSON.parse(output.slice(output.indexOf("{"))) ? "a JSON report" : "?"}`,
        });
      }
    }
    const outcomes = await Promise.allSettled(
      checks.map(async ({ label, command, args, summary }) => {
        const checkStarted = performance.now();
        const output = (await run(command, args, scratch)).trim();
        const said = summary ? summary(output) : output;
        return `ok   ${label} (${Math.round(performance.now() - checkStarted)} ms)${said ? `: ${said}` : ""}`;
      }),
    );

    console.log(
      `Packed and installed into ${keep ? scratch : "a scratch project"} (pnpm install ${Math.round(installMs)} ms):`,
    );
    for (const { pkg, name, ...tarball } of packed)
      console.log(`  ${name.padEnd(36)} ${describeSize(pkg, tarball)}`);
    let failed = 0;
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === "fulfilled") console.log(outcome.value);
      else {
        failed++;
        console.error(
          `FAIL ${checks[index]?.label}\n${outcome.reason instanceof Error ? outcome.reason.message : outcome.reason}`,
        );
      }
    }
    console.log(
      `smoke: ${checks.length - failed} of ${checks.length} checks passed (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    if (failed > 0) process.exitCode = 1;
  } finally {
    if (!keep) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
