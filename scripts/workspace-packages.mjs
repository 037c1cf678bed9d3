// @ts-check
/**
 * Shared by the release tooling scripts (smoke, API report, release dry run): the publishable workspace
 * packages, a child-process runner that keeps output for error messages, and a freshness check of dist.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

/** The repository root. */
export const root = resolve(import.meta.dirname, "..");

/**
 * @typedef {object} PublicPackage
 * @property {string} dir absolute package folder
 * @property {string} folder the folder name (`core`), used for report names and filters
 * @property {Record<string, any>} manifest the workspace package.json
 */

/**
 * Every package under packages/ that is not private, sorted by folder name.
 * @param {readonly string[]} [only] folder names to keep (all when empty)
 * @returns {PublicPackage[]}
 */
export function publicPackages(only = []) {
  const packagesDir = join(root, "packages");
  return readdirSync(packagesDir)
    .sort()
    .filter((folder) => only.length === 0 || only.includes(folder))
    .map((folder) => ({ folder, dir: join(packagesDir, folder) }))
    .filter(({ dir }) => existsSync(join(dir, "package.json")))
    .map(({ folder, dir }) => ({
      folder,
      dir,
      manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Positional command-line arguments (package folder names), flags removed. */
export function folderArguments() {
  return process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
}

/**
 * Runs a command; resolves with its combined output, rejects with that output on a non-zero exit.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {string} cwd
 * @returns {Promise<string>}
 */
export function run(command, args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise(output);
      else reject(new Error(`\`${command} ${args.join(" ")}\` in ${cwd} exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Every file below a folder, relative, with "/" separators.
 * @param {string} dir
 * @returns {string[]}
 */
export function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"));
}

/**
 * Rebuilds every package when some dist is missing or older than its sources: what gets packed is
 * dist as it is on disk.
 * @param {readonly PublicPackage[]} packages
 */
export async function ensureBuilt(packages) {
  const stale = packages.filter(({ dir }) => {
    const entry = join(dir, "dist", "index.js");
    const builtAtMs = existsSync(entry) ? statSync(entry).mtimeMs : 0;
    return listFiles(join(dir, "src")).some((file) => statSync(join(dir, "src", file)).mtimeMs > builtAtMs);
  });
  if (stale.length === 0) return;
  console.log(`building: dist is missing or older than src in ${stale.map((p) => p.folder).join(", ")}`);
  await run("pnpm", ["-r", "--sort", "build"], root);
}

/**
 * Packs one package with pnpm (workspace ranges rewritten, publishConfig applied) into a folder.
 * @param {PublicPackage} pkg
 * @param {string} destination
 * @returns {Promise<{ name: string, version: string, tarball: string, files: string[] }>}
 */
export async function pack(pkg, destination) {
  const output = await run("pnpm", ["pack", "--json", "--pack-destination", destination], pkg.dir);
  const result = JSON.parse(output.slice(output.indexOf("{")));
  return {
    name: result.name,
    version: result.version,
    tarball: resolve(destination, result.filename.split(/[\\/]/).pop()),
    files: result.files.map((/** @type {{ path: string }} */ file) => file.path).sort(),
  };
}

/**
 * "12.3 kB packed, 45.6 kB unpacked, 78 files" for a packed package.
 * @param {PublicPackage} pkg
 * @param {{ tarball: string, files: readonly string[] }} packed
 */
export function describeSize(pkg, packed) {
  const unpackedBytes = packed.files.reduce((sum, file) => sum + statSync(join(pkg.dir, file)).size, 0);
  const kB = (/** @type {number} */ bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  return `${kB(statSync(packed.tarball).size)} packed, ${kB(unpackedBytes)} unpacked, ${packed.files.length} files`;
}
