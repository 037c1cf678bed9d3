/**
 * The published packages as users install them: engines that match reality (`require()` of ESM needs
 * Node 20.19+ or 22.12+), keywords and author, and `npm pack` refusing loudly instead of packing
 * `workspace:*` dependencies that make the install fail with no message.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PUBLISHED = ["core", "graph-adapter", "testing", "cli", "fleet"] as const;
const packageDir = (name: string) => fileURLToPath(new URL(`../../${name}/`, import.meta.url));
const manifest = (name: string) =>
  JSON.parse(readFileSync(`${packageDir(name)}package.json`, "utf8")) as Record<string, unknown>;

describe("package manifests", () => {
  it.each(PUBLISHED)("%s declares engines, keywords, author and a pnpm-only prepack", (name) => {
    const pkg = manifest(name);
    expect(pkg.engines).toEqual({ node: "^20.19.0 || >=22.12.0" });
    expect((pkg.keywords as string[]).length).toBeGreaterThan(2);
    expect(pkg.author).toBeTruthy();
    expect((pkg.scripts as Record<string, string>).prepack).toBe("node ../../scripts/refuse-npm-pack.mjs");
  });

  it("npm pack refuses with a message naming pnpm pack", async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        "npm",
        ["pack", "--dry-run", "--ignore-scripts=false"],
        // Not the npm_config_* of the pnpm that runs the tests: a user's shell has none of them.
        {
          cwd: packageDir("core"),
          timeout: 60_000,
          env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
        },
        (error, _stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stderr });
        },
      );
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/refusing to pack with npm\/.*workspace:\* dependencies/);
    expect(result.stderr).toContain('Run "pnpm pack"');
  }, 90_000);
});
