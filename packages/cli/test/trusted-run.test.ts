/**
 * What makes the built CLI safe to point at a tenant: a given token is checked against the tenant, the
 * cloud and the clock before the first request; the token goes only to Microsoft Graph or loopback; a
 * flag given twice is refused; failures are one human line; `--version`; `audit --fail-on`.
 */
import {
  emergencyAccessTenant,
  type FakeGraphServer,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJwt, graphClaims, inBatches, runBuiltCli } from "./cli-subprocess.js";

const { tenant } = emergencyAccessTenant({ ordinaryUsers: 3, seed: "cli-trusted-run" });
const OTHER_TENANT = "0f0e0d0c-0b0a-4909-8807-060504030201";
const nowSeconds = () => Math.floor(Date.now() / 1000);

let server: FakeGraphServer;
let target: string[];
let env: (token: string) => Record<string, string>;

beforeAll(async () => {
  server = await startFakeGraphServer(tenant);
  target = ["--tenant-id", tenant.tenantId, "--graph-base-url", server.url];
  env = (token) => ({ NODE_EXTRA_CA_CERTS: server.caFile, GRAPH_ACCESS_TOKEN: token });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("a given token is checked before the first request", () => {
  it("refuses another tenant, another audience, an expired or not-yet-valid token (exit 2), sending nothing", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "another tenant",
        { tid: OTHER_TENANT },
        new RegExp(`GRAPH_ACCESS_TOKEN is for tenant "${OTHER_TENANT}", not --tenant-id ${tenant.tenantId}`),
      ],
      ["no tenant claim", { tid: undefined }, /GRAPH_ACCESS_TOKEN is for tenant "\(no tid claim\)"/],
      [
        "Azure Resource Manager",
        { aud: "https://management.azure.com/" },
        /is for audience "https:\/\/management.azure.com\/", not Microsoft Graph of cloud global \(https:\/\/graph.microsoft.com\); request it for the scope https:\/\/graph.microsoft.com\/.default/,
      ],
      ["a look-alike host", { aud: "https://graph.microsoft.com.evil.example" }, /is for audience/],
      [
        "expired",
        { exp: nowSeconds() - 10 },
        /GRAPH_ACCESS_TOKEN expired at .*Z \(claim exp\); get a new token/,
      ],
      ["not yet valid", { nbf: nowSeconds() + 3600 }, /is not valid before .* \(claim nbf\)/],
    ];
    const before = server.requests.length;
    const runs = await inBatches(
      cases.map(
        ([, claims]) =>
          () =>
            runBuiltCli(["scan", ...target], env(fakeJwt(graphClaims(tenant.tenantId, claims)))),
      ),
    );
    runs.forEach((run, index) => {
      const [label, , message] = cases[index] as (typeof cases)[number];
      expect({ label, code: run.code }).toEqual({ label, code: 2 });
      expect(run.stderr, label).toMatch(message);
      expect(run.stderr.trim().split("\n"), label).toHaveLength(1);
      expect(run.stdout, label).toBe("");
    });
    expect(server.requests.length).toBe(before);
  }, 120_000);

  it("accepts the cloud's Graph root with or without a slash, and Graph's app id; checks --cloud's root", async () => {
    const ok = [
      "https://graph.microsoft.com",
      "https://graph.microsoft.com/",
      "00000003-0000-0000-c000-000000000000",
    ];
    const runs = await inBatches([
      ...ok.map(
        (aud) => () => runBuiltCli(["scan", ...target], env(fakeJwt(graphClaims(tenant.tenantId, { aud })))),
      ),
      () =>
        runBuiltCli(
          ["scan", ...target, "--cloud", "usgov"],
          env(fakeJwt(graphClaims(tenant.tenantId, { aud: "https://graph.microsoft.us/" }))),
        ),
      () => runBuiltCli(["scan", ...target, "--cloud", "usgov"], env(fakeJwt(graphClaims(tenant.tenantId)))),
    ]);
    for (const run of runs.slice(0, 4)) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
    }
    const wrongCloud = runs[4];
    expect(wrongCloud?.code).toBe(2);
    expect(wrongCloud?.stderr).toMatch(/not Microsoft Graph of cloud usgov \(https:\/\/graph.microsoft.us\)/);
  }, 120_000);

  it("warns about an opaque token instead of guessing, then lets Graph decide", async () => {
    const run = await runBuiltCli(["scan", ...target], env("opaque-token-value-123"));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(
      "rotation-exclusion scan: warning: GRAPH_ACCESS_TOKEN is not a readable JWT, so its tenant, audience and expiry cannot be checked before use; Microsoft Graph will accept or refuse it.\n",
    );
  }, 120_000);
});

describe("where the token may go, and flags", () => {
  it("refuses a --graph-base-url that is neither Microsoft Graph nor loopback (exit 2)", async () => {
    const token = fakeJwt(graphClaims(tenant.tenantId));
    const runs = await inBatches(
      ["https://graph.microsoft.com.evil.example", "https://evil.example", "https://127.0.0.1.nip.io"].map(
        (url) => () =>
          runBuiltCli(["scan", "--tenant-id", tenant.tenantId, "--graph-base-url", url], env(token)),
      ),
    );
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /is not a Microsoft Graph host .* nor loopback, .* add --allow-custom-graph-host/,
      );
    }
  }, 120_000);

  it("refuses a single-value flag given twice (exit 2), naming it once, with no doubled prefix", async () => {
    const token = fakeJwt(graphClaims(tenant.tenantId));
    const runs = await inBatches([
      () => runBuiltCli(["scan", ...target, "--tenant-id", OTHER_TENANT], env(token)),
      () => runBuiltCli(["scan", ...target, "--format", "json", "--format", "table"], env(token)),
      () => runBuiltCli(["audit", ...target, "--cloud", "global", "--cloud", "usgov"], env(token)),
      () => runBuiltCli(["demo", "--format", "json", "--format", "json"]),
      () => runBuiltCli(["scan", "--bogus"]),
    ]);
    const flags = ["tenant-id", "format", "cloud", "format"];
    flags.forEach((flag, index) => {
      const run = runs[index];
      expect(run?.code).toBe(2);
      expect(run?.stderr).toMatch(
        new RegExp(`^rotation-exclusion (scan|audit|demo): --${flag} is given more than once`),
      );
    });
    expect(runs[4]?.stderr).toMatch(/^rotation-exclusion scan: Unknown option '--bogus'/);
  }, 120_000);

  it("tables fit COLUMNS (80 or 160), wrapping long cells, and stay plain text when piped", async () => {
    const token = fakeJwt(graphClaims(tenant.tenantId));
    const args = ["scan", ...target, "--role", "Global Administrator"];
    const [narrow, wide, audit] = await inBatches([
      () => runBuiltCli(args, { ...env(token), COLUMNS: "80" }),
      () => runBuiltCli(args, { ...env(token), COLUMNS: "160" }),
      () => runBuiltCli(["audit", ...target], { ...env(token), COLUMNS: "80" }),
    ]);
    for (const [run, width] of [
      [narrow, 80],
      [wide, 160],
    ] as const) {
      expect(run?.code, run?.stderr).toBe(0);
      const lines = run?.stdout.split("\n") ?? [];
      const tableLines = lines.filter((line) => !line.startsWith("Tenant "));
      expect(Math.max(...tableLines.map((line) => line.length))).toBeLessThanOrEqual(width);
      expect(run?.stdout).not.toContain("\u001b[");
    }
    // The 80-column table wraps a warning over more lines than the 160-column one.
    expect(narrow?.stdout.split("\n").length).toBeGreaterThan(wide?.stdout.split("\n").length ?? 0);
    expect(audit?.code).toBe(0);
  }, 120_000);

  it("--version prints the package version", async () => {
    const run = await runBuiltCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rotation-exclusion 0\.0\.0 \(Node\.js \d+\.\d+\.\d+\)\n$/);
  }, 120_000);
});

describe("human output", () => {
  it("an unreachable Graph is one human line on stderr and no table (exit 1); JSON lines only when asked", async () => {
    const token = fakeJwt(graphClaims(tenant.tenantId));
    const unreachable = ["scan", "--tenant-id", tenant.tenantId, "--graph-base-url", "https://127.0.0.1:9"];
    const [plain, json] = await inBatches([
      () => runBuiltCli(unreachable, env(token), { timeoutMs: 60_000 }),
      () => runBuiltCli([...unreachable, "--log-format", "json"], env(token), { timeoutMs: 60_000 }),
    ]);
    expect(plain?.code).toBe(1);
    expect(plain?.stdout).toBe("");
    expect(plain?.stderr.trim().split("\n")).toHaveLength(1);
    expect(plain?.stderr).toMatch(/^rotation-exclusion scan: nothing could be read from tenant/);
    expect(plain?.stderr).not.toMatch(/next cycle/);
    const lines = json?.stderr.trim().split("\n") ?? [];
    expect(lines.length).toBeGreaterThan(1);
    expect(() => JSON.parse(lines[0] as string)).not.toThrow();
  }, 120_000);

  it("a refused given token is blamed on the token, not on an app registration's secret (exit 1)", async () => {
    server.configure({ acceptToken: () => false });
    try {
      const run = await runBuiltCli(["scan", ...target], env(fakeJwt(graphClaims(tenant.tenantId))));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/The token in GRAPH_ACCESS_TOKEN was refused/);
      expect(run.stderr).not.toMatch(/app registration/);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      server.configure({ acceptToken: (token) => token.length > 0 });
    }
  }, 120_000);

  it("audit --fail-on fails a pipeline on the findings' severity (exit 4), not on info alone", async () => {
    const token = fakeJwt(graphClaims(tenant.tenantId));
    const [plain, warning, error, bad] = await inBatches([
      () => runBuiltCli(["audit", ...target], env(token)),
      () => runBuiltCli(["audit", ...target, "--fail-on", "warning"], env(token)),
      () => runBuiltCli(["audit", ...target, "--fail-on", "error", "--format", "json"], env(token)),
      () => runBuiltCli(["audit", ...target, "--fail-on", "info"], env(token)),
    ]);
    expect(plain?.code).toBe(0);
    expect(warning?.code).toBe(4);
    expect(warning?.stderr).toMatch(
      /^rotation-exclusion audit: \d+ finding\(s\) of severity warning or worse \(--fail-on warning\)\.\n$/,
    );
    // This tenant has warnings but no error: --fail-on error lets it pass.
    const findings = JSON.parse(error?.stdout ?? "").findings as { severity: string }[];
    expect(findings.map((finding) => finding.severity)).toContain("warning");
    expect(findings.map((finding) => finding.severity)).not.toContain("error");
    expect(error?.code).toBe(0);
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toMatch(/--fail-on: "info" is not one of warning, error/);
  }, 120_000);

  it("audit --fail-on error fails on a tenant without any protected Global Administrator (exit 4)", async () => {
    const t = tenantBuilder({ seed: "cli-fail-on-error" });
    t.assignRole("Global Administrator", t.user("only.admin"));
    const bare = t.build();
    await using other = await startFakeGraphServer(bare);
    const run = await runBuiltCli(
      ["audit", "--tenant-id", bare.tenantId, "--graph-base-url", other.url, "--fail-on", "error"],
      { NODE_EXTRA_CA_CERTS: other.caFile, GRAPH_ACCESS_TOKEN: fakeJwt(graphClaims(bare.tenantId)) },
    );
    expect(run.code, run.stderr).toBe(4);
    expect(run.stdout).toMatch(/\[error\] NO_PROTECTED_GLOBAL_ADMIN/);
    expect(run.stderr).toMatch(/finding\(s\) of severity error or worse/);
  }, 120_000);
});
