/**
 * `rotation-exclusion report`, in-process through runCli: the refusals that happen before any tenant is
 * read (tenant list lines, a one-tenant token for many tenants, Markdown of many tenants, bad --from
 * files), each a usage error (exit 2) that names what is wrong and writes no output file.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, runCli } from "@rotation-exclusion/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const A = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
const B = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "report-command-"));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function report(args: readonly string[], env: Record<string, string> = {}, tty = false) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  const code = await runCli(["report", ...args], io);
  return { code, stdout, stderr };
}

async function file(name: string, content: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, content);
  return path;
}

describe("rotation-exclusion report: refusals before any read (in-process)", () => {
  it("--help prints the flags and an example", async () => {
    const run = await report(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--all-tenants");
    expect(run.stdout).toContain("Example");
  });

  it("needs --tenants or --from", async () => {
    const run = await report(["--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("give --tenants <file>");
  });

  it.each([
    ["bad-guid.txt", `${A}\n# ok\nnot-a-guid\n`, 'line 3: "not-a-guid" is not a tenant id'],
    ["twice.txt", `${A}\n${B}\n${A}\n`, `line 3: tenant ${A} is listed twice (first on line 1)`],
    [
      "cloud.csv",
      `tenantId,displayName,cloud\n${A},Contoso,global\n${B},Fabrikam,moon\n`,
      'line 3: cloud "moon"',
    ],
  ])("a bad tenant list line (%s) is exit 2 naming the file and line", async (name, content, expected) => {
    const path = await file(name, content);
    const run = await report(["--tenants", path, "--format", "json"], { AZURE_CLIENT_ID: "x" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--tenants: ${path}, ${expected}`);
    expect(run.stdout).toBe("");
  });

  it("refuses GRAPH_ACCESS_TOKEN (one tenant's token) for a list of more than one tenant", async () => {
    const path = await file("two.txt", `${A}\n${B}\n`);
    const run = await report(["--tenants", path, "--format", "json"], {
      GRAPH_ACCESS_TOKEN: "tok-SECRET-one-tenant-9",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GRAPH_ACCESS_TOKEN is one tenant's token and --tenants lists 2");
    expect(run.stderr).not.toContain("tok-SECRET-one-tenant-9");
  });

  it("--tenant narrows a live read before it starts: a tenant not in the list is exit 2, read by nobody", async () => {
    const path = await file("two-for-filter.txt", `${A}\n${B}\n`);
    const missing = "0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c";
    const run = await report(["--tenants", path, "--tenant", missing, "--format", "json"], {
      GRAPH_ACCESS_TOKEN: "tok-SECRET-one-tenant-9",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--tenant: ${missing} is not in ${path}`);
    expect(run.stdout).toBe("");
  });

  it("refuses Markdown of more than one tenant without --all-tenants, naming both ways out", async () => {
    const path = await file("md.txt", `${A}\n${B}\n`);
    const run = await report(["--tenants", path, "--format", "md"], {
      AZURE_CLIENT_ID: "x",
      AZURE_CLIENT_SECRET: "y-secret",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--format md holds one tenant.*--tenant <id>.*--all-tenants/);
  });

  it("refuses HTML to a terminal without --out", async () => {
    const path = await file("one.txt", `${A}\n`);
    const run = await report(["--tenants", path], {}, true);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--out <file>");
  });

  it.each([
    ["not JSON", "broken.json", "{ this is not json"],
    [
      "a document of another kind",
      "other.json",
      JSON.stringify({ kind: "something.else", schemaVersion: 1 }),
    ],
  ])(
    "a --from file that is %s is exit 2 naming the file, and no --out file is written",
    async (_what, name, content) => {
      const path = await file(name, content);
      const out = join(scratch, `${name}.html`);
      const run = await report(["--from", path, "--out", out]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--from: ${path}`);
      expect(existsSync(out)).toBe(false);
    },
  );

  it("a --from file that does not exist is exit 2 naming it", async () => {
    const missing = join(scratch, "missing.json");
    const run = await report(["--from", missing, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot read ${JSON.stringify(missing)} (ENOENT)`);
  });

  it.each([
    [["--concurrency", "0"], "--concurrency"],
    [["--deadline", "soon"], "--deadline"],
    [["--tenant", "contoso"], "--tenant"],
    [["--format", "pdf"], "--format"],
  ])("%j is exit 2 naming the flag", async (flags, flag) => {
    const run = await report(["--from", "x.json", ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(flag);
  });
});
