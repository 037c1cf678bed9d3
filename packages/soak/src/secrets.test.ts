/**
 * Secrets never leak: the demo, a scan (the built command line against the fake Graph server, with
 * faults and debug logs), a failed client-secret sign-in and a fault soak run with a recognisable fake
 * token and client secret, and neither appears in stdout, stderr, log lines, error messages or reports.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type CliIo, runCli } from "@rotation-exclusion/cli";
import { emergencyAccessTenant, startFakeGraphServer } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
// The command line's own test helper: builds dist/main.js when it is missing or stale.
import { runFaultSoak } from "./fault-soak.js";
import { formatSoakTally } from "./soak-tally.js";

/** The built executable (vitest's global setup builds it when stale). */
const CLI_MAIN = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));

const TOKEN = "tok-LEAKCHECK-6c1f0e9a2b7d";
const CLIENT_SECRET = "sec-LEAKCHECK-client-93ad5e";
const SECRETS = [TOKEN, CLIENT_SECRET];

function expectNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} contains ${secret}`).toBe(false);
}

function subprocess(args: readonly string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI_MAIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe("no token or client secret anywhere", () => {
  it("in the demo's output and debug logs", async () => {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { GRAPH_ACCESS_TOKEN: TOKEN, AZURE_CLIENT_SECRET: CLIENT_SECRET, AZURE_CLIENT_ID: "app" },
    };
    expect(await runCli(["demo", "--format", "json", "--log-level", "debug"], io)).toBe(0);
    expect(JSON.parse(stdout).summary).toMatch(/With the guard: 0 failed/);
    expectNoSecret("demo stdout", stdout);
    expectNoSecret("demo stderr", stderr);
  });

  it("in a scan under faults, with debug logs, and in a failed client-secret sign-in", async () => {
    const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 4 });
    await using server = await startFakeGraphServer(tenant, {
      faults: [
        // A 401 makes the adapter refresh the token, a 429 and a reset make it retry: the paths where
        // requests (and their headers) are most likely to end up in a log line or an error.
        { match: { route: "users.list" }, effect: { kind: "error", status: 401 }, times: 1 },
        {
          match: { route: "administrativeUnits.list" },
          effect: { kind: "throttled", retryAfterSeconds: 0 },
          times: 1,
        },
        { match: { route: "roleAssignments.list" }, effect: { kind: "reset" }, times: 1 },
        // A user that cannot be read: its failure message must not carry the token either.
        { match: { route: "users.get", objectId: ids.activeAdmin }, effect: { kind: "error", status: 403 } },
      ],
    });
    const args = ["--tenant-id", tenant.tenantId, "--graph-base-url", server.url, "--log-level", "debug"];
    const scan = await subprocess(
      ["scan", ...args, "--role", "Global Administrator", "--user", ids.activeAdmin, "--format", "json"],
      { NODE_EXTRA_CA_CERTS: server.caFile, GRAPH_ACCESS_TOKEN: TOKEN },
    );
    expect(scan.code).toBe(3);
    expect(scan.stderr).toMatch(/"level":20/);
    expectNoSecret("scan stdout", scan.stdout);
    expectNoSecret("scan stderr", scan.stderr);
    // The server saw the token, and its request log kept it redacted.
    expect(server.requests.some((request) => request.headers.authorization === "[redacted]")).toBe(true);
    expectNoSecret("request log", JSON.stringify(server.requests));

    const signIn = await subprocess(["audit", ...args], {
      NODE_EXTRA_CA_CERTS: server.caFile,
      AZURE_CLIENT_ID: "11111111-1111-4111-8111-111111111111",
      AZURE_CLIENT_SECRET: CLIENT_SECRET,
      AZURE_AUTHORITY_HOST: server.url,
    });
    expect(signIn.code).toBe(1);
    expectNoSecret("sign-in stdout", signIn.stdout);
    expectNoSecret("sign-in stderr", signIn.stderr);
  }, 60_000);

  it("in a fault soak's log lines, tally and report", async () => {
    const lines: string[] = [];
    const report = await runFaultSoak({
      seed: 99,
      tenants: 2,
      cycles: 6,
      faultRate: 1,
      token: TOKEN,
      log: (line) => lines.push(line),
    });
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.some((line) => line.includes('"level":20'))).toBe(true);
    expectNoSecret("soak logs", lines.join("\n"));
    expectNoSecret("soak tally", formatSoakTally(report));
    expectNoSecret("soak report", JSON.stringify(report));
    expect(report.violations).toEqual([]);
  }, 60_000);
});
