#!/usr/bin/env node
// @ts-check
/**
 * `pnpm release:dry-run`: prints what the next release would publish, changing nothing.
 *
 * - the release plan from the pending changesets (`changeset status`): each package's version change,
 * - the changelog entries those changesets would write,
 * - per package, the tarball `pnpm publish` would upload (packed for real into a temp folder, so the
 *   file list and sizes are exact; the version inside is today's, `changeset version` bumps it).
 *
 * The real release is `pnpm changeset version` (commit) then `pnpm build && pnpm changeset publish`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSize, ensureBuilt, pack, publicPackages, root, run } from "./workspace-packages.mjs";

const scratch = mkdtempSync(join(tmpdir(), "rotation-exclusion-release-"));
try {
  const statusFile = join(scratch, "status.json");
  await run(join(root, "node_modules", ".bin", "changeset"), ["status", `--output=${statusFile}`], root);
  /** @type {{ changesets: { id: string, summary: string, releases: { name: string, type: string }[] }[], releases: { name: string, type: string, oldVersion: string, newVersion: string }[] }} */
  const status = JSON.parse(readFileSync(statusFile, "utf8"));
  const config = JSON.parse(readFileSync(join(root, ".changeset", "config.json"), "utf8"));
  const registry = (await run("pnpm", ["config", "get", "registry"], root)).trim();

  if (status.releases.length === 0) {
    console.log("No pending changesets: nothing would be published. Add one with `pnpm changeset`.");
  } else {
    await printPlan(status, config.access, registry);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * @param {{ changesets: { id: string, summary: string, releases: { name: string, type: string }[] }[], releases: { name: string, type: string, oldVersion: string, newVersion: string }[] }} status
 * @param {string} access
 * @param {string} registry
 */
async function printPlan(status, access, registry) {
  console.log("Release plan (from .changeset/*.md):");
  for (const release of status.releases) {
    console.log(
      `  ${release.name.padEnd(36)} ${release.oldVersion} -> ${release.newVersion} (${release.type})`,
    );
  }
  console.log("\nChangelog entries:");
  for (const changeset of status.changesets) {
    const targets = changeset.releases.map((release) => `${release.name} ${release.type}`).join(", ");
    console.log(`  .changeset/${changeset.id}.md (${targets})`);
    for (const line of changeset.summary.split("\n")) console.log(`    ${line}`);
  }

  const packages = publicPackages();
  await ensureBuilt(packages);
  const releasing = new Map(status.releases.map((release) => [release.name, release]));
  console.log(`\nWould publish to ${registry} with tag "latest", access "${access}":`);
  for (const pkg of packages) {
    const release = releasing.get(pkg.manifest.name);
    if (!release) continue;
    const packed = await pack(pkg, scratch);
    console.log(`\n  ${packed.name}@${release.newVersion}: ${describeSize(pkg, packed)}`);
    for (const file of packed.files) console.log(`    ${file}`);
  }
  const skipped = packages.filter((pkg) => !releasing.has(pkg.manifest.name));
  if (skipped.length > 0)
    console.log(`\nNot released: ${skipped.map((pkg) => pkg.manifest.name).join(", ")}`);
  console.log("\nDry run: nothing was versioned or published.");
}
