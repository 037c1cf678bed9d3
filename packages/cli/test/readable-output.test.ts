/**
 * What a person reads in `scan` output, from the built CLI against the fake Graph server: accounts named
 * by UPN (never a bare object id when Graph knows the name), groups named by display name, one account's
 * units the same in its row and in the units' lists, no progress lines off a terminal, and an unreachable
 * host named in one line after a bounded wait.
 */
import {
  emergencyAccessTenant,
  type FakeGraphServer,
  startFakeGraphServer,
} from "@rotation-exclusion/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJwt, graphClaims, runBuiltCli } from "./cli-subprocess.js";

const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 4 });
const TOKEN = fakeJwt(graphClaims(tenant.tenantId));
let server: FakeGraphServer;
let target: string[];
const graph = () => ({ NODE_EXTRA_CA_CERTS: server.caFile, GRAPH_ACCESS_TOKEN: TOKEN, COLUMNS: "240" });
const upn = (id: string) => tenant.users.get(id)?.userPrincipalName as string;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The ACCOUNT cell of each table row (the second column), up to the first blank line after the header. */
function accountCells(stdout: string): string[] {
  const lines = stdout.split("\n");
  const header = lines.findIndex((line) => line.startsWith("STATUS"));
  const rows: string[] = [];
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === "") break;
    rows.push(line.trim().split(/\s{2,}/)[1] ?? "");
  }
  return rows;
}

beforeAll(async () => {
  server = await startFakeGraphServer(tenant);
  target = ["--tenant-id", tenant.tenantId, "--graph-base-url", server.url];
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("scan output a person reads (built CLI)", () => {
  it("a --user given by object id is shown by its UPN", async () => {
    const ordinary = ids.ordinaryUsers[0] as string;
    const run = await runBuiltCli(["scan", ...target, "--user", ordinary], graph());
    expect(run.code, run.stderr).toBe(0);
    expect(accountCells(run.stdout)).toContain(upn(ordinary));
    const json = JSON.parse(
      (await runBuiltCli(["scan", ...target, "--user", ordinary, "--format", "json"], graph())).stdout,
    );
    expect(json.accounts.find((a: { id: string }) => a.id === ordinary)).toMatchObject({
      userPrincipalName: upn(ordinary),
    });
  });

  it("without the protected-set query (fallback mode) rows still show UPNs, not object ids", async () => {
    server.configure({ primarySignal: "unsupported" });
    try {
      const run = await runBuiltCli(["scan", ...target], graph());
      const cells = accountCells(run.stdout);
      expect(cells.length, run.stdout).toBeGreaterThan(0);
      expect(cells).toContain(upn(ids.breakGlass1));
      for (const cell of cells) expect(cell, run.stdout).not.toMatch(GUID);
    } finally {
      server.configure({ primarySignal: "available" });
    }
  });

  it("a group in a restricted unit is named by display name as well as id", async () => {
    const run = await runBuiltCli(["scan", ...target, "--format", "json"], graph());
    const warning = JSON.parse(run.stdout).warnings.find(
      (w: { code: string }) => w.code === "GROUP_IN_RESTRICTED_UNIT",
    );
    expect(warning.message).toContain('"Finance"');
    expect(warning.message).toContain(ids.securityGroup);
  });

  it("an account's units agree between its own row and the units' lists (JSON and table)", async () => {
    const run = await runBuiltCli(["scan", ...target, "--format", "json"], graph());
    const report = JSON.parse(run.stdout);
    for (const account of report.accounts as { id: string; unitIds: string[] }[]) {
      const listing = (report.restrictedUnits as { id: string; userIds: string[] }[])
        .filter((unit) => unit.userIds.includes(account.id))
        .map((unit) => unit.id);
      expect({ id: account.id, unitIds: [...account.unitIds].sort() }).toEqual({
        id: account.id,
        unitIds: listing.sort(),
      });
    }
    // The hidden unit lists the CEO: the row says so too.
    const table = await runBuiltCli(["scan", ...target], graph());
    const ceoRow = table.stdout.split("\n").find((line) => line.includes(upn(ids.hiddenMember)));
    expect(ceoRow).toContain("Executives");
  });

  it("prints no progress when stderr is not a terminal", async () => {
    const run = await runBuiltCli(["scan", ...target, "--role", "Global Administrator"], graph());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
  });

  it("shows progress on a terminal's stderr and erases it; never with --format json", async () => {
    // stderr made to report a terminal, the way the CLI learns it (process.stderr.isTTY).
    const onTerminal = [
      "--import",
      `data:text/javascript,${encodeURIComponent('Object.defineProperty(process.stderr, "isTTY", { value: true });')}`,
    ];
    const table = await runBuiltCli(["scan", ...target], graph(), { nodeOptions: onTerminal });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).toContain("reading restricted units… 4 of 4");
    expect(table.stderr).toContain("deciding protected accounts…");
    // Erased before the result: the last thing on stderr is the erase sequence, stdout has none of it.
    expect(table.stderr.endsWith("\r\u001b[K")).toBe(true);
    expect(table.stdout).not.toContain("reading restricted units");
    const json = await runBuiltCli(["scan", ...target, "--format", "json"], graph(), {
      nodeOptions: onTerminal,
    });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toBe("");
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it("an unreachable host: one line naming the host, within a few seconds", async () => {
    const started = Date.now();
    const run = await runBuiltCli(
      ["scan", "--tenant-id", tenant.tenantId, "--graph-base-url", "https://127.0.0.1:9"],
      { GRAPH_ACCESS_TOKEN: TOKEN },
    );
    const elapsedMs = Date.now() - started;
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("could not reach https://127.0.0.1:9");
    // The adapter's defaults took 15 s here; three attempts with short backoff take about 3 s.
    expect(elapsedMs).toBeLessThan(8_000);
  }, 30_000);
});
