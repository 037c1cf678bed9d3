/**
 * The built `rotation-exclusion` executable, run as a subprocess against the fake Graph server: exit
 * statuses, one JSON document on stdout, logs on stderr, and no token or secret in either.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  emergencyAccessTenant,
  type FakeGraphServer,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The built executable (vitest's global setup builds it when stale). */
const CLI_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

const TOKEN = "tok-SECRET-7f3a9c0e1d";
const CLIENT_SECRET = "sec-SECRET-client-5b2e";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// A module hook that makes loading the testing kit fail, to prove which commands never load it.
const WITHOUT_TESTING_KIT = `data:text/javascript,${encodeURIComponent(`
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function resolve(specifier, context, next) {" +
  "  if (specifier.startsWith('@rotation-exclusion/testing')) throw new Error('loaded the testing kit');" +
  "  return next(specifier, context);" +
  "}"));
`)}`;

// Async on purpose: the fake server answers from this process's event loop while the CLI runs.
function cli(
  args: readonly string[],
  env: Record<string, string> = {},
  nodeOptions: readonly string[] = [],
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeOptions, CLI_MAIN, ...args],
      // No run may reach a real instance metadata service (a managed identity's probe).
      {
        env: {
          PATH: process.env.PATH ?? "",
          AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9",
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function expectNoSecrets(run: Run): void {
  for (const secret of [TOKEN, CLIENT_SECRET]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 6 });
let server: FakeGraphServer;
let graph: (extra?: Record<string, string>) => Record<string, string>;
let target: string[];

beforeAll(async () => {
  server = await startFakeGraphServer(tenant);
  graph = (extra = {}) => ({ NODE_EXTRA_CA_CERTS: server.caFile, GRAPH_ACCESS_TOKEN: TOKEN, ...extra });
  target = ["--tenant-id", tenant.tenantId, "--graph-base-url", server.url];
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const upn = (id: string) => tenant.users.get(id)?.userPrincipalName as string;

describe("rotation-exclusion (built CLI)", () => {
  it("shows help with an example", async () => {
    const run = await cli(["scan", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Example/);
    expect(run.stdout).toContain("--graph-base-url");
  });

  it("demo: the unguarded cycle fails on the protected accounts, the guarded one skips them with evidence", async () => {
    const run = await cli(["demo", "--format", "json"]);
    expect(run.code).toBe(0);
    const demo = JSON.parse(run.stdout);
    expect(demo.summary).toBe(
      "Without the guard: 2 of 4 rotations failed (RMAU 403). With the guard: 0 failed, 2 skipped with evidence, 2 rotated.",
    );
    const skipped = demo.withGuard.cycle.outcomes.filter((o: { status: string }) => o.status === "skipped");
    expect(skipped[0].record.evidence).toContainEqual(
      expect.objectContaining({ kind: "unit-member", unitDisplayName: "Emergency access" }),
    );
    const table = await cli(["demo"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/FAILED 403 Authorization_RequestDenied/);
    expect(table.stdout).toMatch(/skipped: rotation off +unit "Emergency access"/);
    // The look-alikes of the demo tenant are named, not silently trusted.
    expect(table.stdout).toMatch(/GROUP_IN_RESTRICTED_UNIT: .*NOT protected/);
    expect(table.stdout).toMatch(/DYNAMIC_RESTRICTED_UNIT: Restricted unit "HR leadership"/);
  });

  it("scan: protected users, role holders by path and a chosen user, as one JSON document (exit 0)", async () => {
    const ordinary = ids.ordinaryUsers[0] as string;
    const run = await cli(
      [
        "scan",
        ...target,
        "--role",
        "Global Administrator",
        "--user",
        upn(ordinary),
        "--format",
        "json",
        "--log-level",
        "debug",
      ],
      graph(),
    );
    expectNoSecrets(run);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      kind: "rotation-exclusion.scan",
      schemaVersion: 1,
      generator: { name: "@rotation-exclusion/cli", version: "0.0.0" },
      tenantId: tenant.tenantId,
      complete: true,
    });
    // When the tenant was read: during this run, in ISO 8601.
    expect(Math.abs(Date.parse(report.generatedAt) - Date.now())).toBeLessThan(120_000);
    expect(report.graphRequests).toBeGreaterThan(0);
    const byId = new Map(report.accounts.map((a: { id: string }) => [a.id, a]));
    expect(byId.get(ids.breakGlass1)).toMatchObject({
      status: "protected",
      displayName: expect.any(String),
      unitIds: [ids.emergencyAccessUnit],
      units: [{ id: ids.emergencyAccessUnit, displayName: expect.any(String) }],
      sources: ["protected set", "Global Administrator (active, direct)"],
    });
    expect(byId.get(ids.eligibleAdmin)).toMatchObject({
      status: "not-protected",
      sources: ["Global Administrator (eligible, direct)"],
    });
    expect(byId.get(ids.adminGroupMember)).toMatchObject({
      sources: ["Global Administrator (active, via group Tenant admins)"],
    });
    expect(byId.get(ordinary)).toMatchObject({
      status: "not-protected",
      sources: [`--user ${upn(ordinary)}`],
    });
    for (const member of ids.securityGroupMembers) expect(byId.has(member)).toBe(false);
    expect(report.restrictedUnits).toHaveLength(4);
    // Each unit names its members beside the bare ids, and says it read no description.
    for (const unit of report.restrictedUnits) {
      expect(unit.description).toBeNull();
      expect(unit.members.map((member: { id: string }) => member.id)).toEqual(unit.userIds);
    }
    const breakGlassUnit = report.restrictedUnits.find(
      (unit: { id: string }) => unit.id === ids.emergencyAccessUnit,
    );
    expect(breakGlassUnit.members).toContainEqual({
      id: ids.breakGlass1,
      userPrincipalName: expect.stringContaining("@"),
      displayName: expect.any(String),
    });
    const codes = report.warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(expect.arrayContaining(["GROUP_IN_RESTRICTED_UNIT", "DYNAMIC_RESTRICTED_UNIT"]));
    // Debug logs went to stderr as JSON lines, and stdout held nothing but the document.
    expect(run.stderr.split("\n").filter(Boolean).length).toBeGreaterThan(0);
    expect(() => JSON.parse(run.stderr.split("\n")[0] as string)).not.toThrow();
  });

  it("scan and audit never load the testing kit; only the demo does", async () => {
    const noKit = ["--import", WITHOUT_TESTING_KIT];
    const scan = await cli(
      ["scan", ...target, "--role", "Global Administrator", "--format", "json"],
      graph(),
      noKit,
    );
    expect(scan.code, scan.stderr).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ tenantId: tenant.tenantId, complete: true });
    const audit = await cli(["audit", ...target, "--format", "json"], graph(), noKit);
    expect(audit.code, audit.stderr).toBe(0);
    const auditDocument = JSON.parse(audit.stdout);
    expect(auditDocument).toMatchObject({
      kind: "rotation-exclusion.audit",
      schemaVersion: 1,
      generator: { name: "@rotation-exclusion/cli", version: "0.0.0" },
      tenantId: tenant.tenantId,
    });
    expect(auditDocument.restrictedUnits).toHaveLength(4);
    const protectedAdmin = auditDocument.globalAdministrators.find(
      (admin: { status: string }) => admin.status === "protected",
    );
    expect(protectedAdmin.displayName).toEqual(expect.any(String));
    expect(protectedAdmin.units).toEqual(
      protectedAdmin.unitIds.map((id: string) => ({ id, displayName: expect.any(String) })),
    );
    // The hook does refuse the kit: the demo, which needs it, fails under it.
    const demo = await cli(["demo", "--format", "json"], {}, noKit);
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain("loaded the testing kit");
  });

  it("scan: a --user Graph does not know is 'not found' (exit 2) with its verdict still unknown; an unreadable role group leaves the report undecided (exit 3)", async () => {
    const missing = "nobody@contoso.onmicrosoft.com";
    const run = await cli(["scan", ...target, "--user", missing, "--format", "json"], graph());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `rotation-exclusion scan: --user: "${missing}" was not found in tenant ${tenant.tenantId} (Graph answered 404); check the spelling or the object id.\n`,
    );
    const report = JSON.parse(run.stdout);
    expect(
      report.accounts.find((a: { sources: string[] }) => a.sources.includes(`--user ${missing}`)),
    ).toMatchObject({
      id: null,
      status: "unknown",
      reasonCode: "not-found",
    });
    server.configure({ permissions: { groupMemberRead: false } });
    try {
      const roles = await cli(
        ["scan", ...target, "--role", "Global Administrator", "--format", "json"],
        graph(),
      );
      expectNoSecrets(roles);
      expect(roles.code).toBe(3);
      const incomplete = JSON.parse(roles.stdout);
      expect(incomplete.complete).toBe(false);
      expect(incomplete.warnings.map((w: { code: string }) => w.code)).toContain("ROLE_GROUP_UNREADABLE");
    } finally {
      server.configure({ permissions: { groupMemberRead: true } });
    }
  });

  it("scan: a rejected token means nothing could be read (exit 1), and the token is never shown", async () => {
    server.configure({ acceptToken: () => false });
    try {
      const run = await cli(["scan", ...target, "--format", "json", "--log-level", "trace"], graph());
      expectNoSecrets(run);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/nothing could be read from tenant/);
      // No result at all: an empty report would read as "nothing is protected".
      expect(run.stdout).toBe("");
    } finally {
      server.configure({ acceptToken: (token) => token.length > 0 });
    }
  });

  it("rejects bad input with the flag and the value named (exit 2)", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["scan", ...target, "--bogus"], graph(), /Unknown option '--bogus'/],
      [
        ["scan", ...target, "--role", "No Such Role", "--format", "json"],
        graph(),
        /--role: "No Such Role" matches no role/,
      ],
      [["scan", ...target], { NODE_EXTRA_CA_CERTS: server.caFile }, /GRAPH_ACCESS_TOKEN/],
    ];
    const runs = await Promise.all(cases.map(([args, env]) => cli(args, env)));
    runs.forEach((run, index) => {
      const [, , message] = cases[index] as (typeof cases)[number];
      expect({ index, code: run.code }).toEqual({ index, code: 2 });
      expect(run.stderr).toMatch(message);
      expectNoSecrets(run);
    });
  });

  it("never shows a client secret, even when signing in fails (exit 1)", async () => {
    const run = await cli(["scan", ...target, "--format", "json"], {
      NODE_EXTRA_CA_CERTS: server.caFile,
      AZURE_CLIENT_ID: "11111111-1111-4111-8111-111111111111",
      AZURE_CLIENT_SECRET: CLIENT_SECRET,
      // Sign-in goes to the fake Graph server, which is no authority: the token request fails fast.
      AZURE_AUTHORITY_HOST: server.url,
    });
    expectNoSecrets(run);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Could not sign in to tenant .* client-secret of AZURE_CLIENT_ID/);
  });

  it("audit: protected Global Administrators, unprotected ones and every finding with what to do", async () => {
    const run = await cli(["audit", ...target, "--format", "json"], graph());
    expectNoSecrets(run);
    expect(run.code).toBe(0);
    const audit = JSON.parse(run.stdout);
    expect(audit.globalAdministrators).toHaveLength(4);
    const codes = audit.findings.map((f: { code: string }) => f.code);
    expect(codes[0]).toBe("PROTECTED_GLOBAL_ADMINS");
    expect(codes.filter((code: string) => code === "UNPROTECTED_GLOBAL_ADMIN")).toHaveLength(2);
    expect(codes).toContain("GROUP_IN_RESTRICTED_UNIT");
    for (const finding of audit.findings) {
      expect(["info", "warning", "error"]).toContain(finding.severity);
      expect(finding.action.length).toBeGreaterThan(10);
    }
    const table = await cli(["audit", ...target], graph());
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/What to do:/);
  });

  it("audit: an app holding a password-resetting role scoped to a restricted unit is a warning naming both", async () => {
    const t = tenantBuilder({ seed: "cli-audit-app-scope" });
    const breakGlass = t.user("breakglass");
    const member = t.user("member");
    const unit = t.unit("Emergency access", { restricted: true, members: [breakGlass, member] });
    const app = t.servicePrincipal("Password rotation app");
    t.assignRole("Global Administrator", breakGlass);
    t.assignRole("Helpdesk Administrator", app, { unitId: unit });
    const scoped = t.build();
    await using other = await startFakeGraphServer(scoped);
    const run = await cli(
      ["audit", "--tenant-id", scoped.tenantId, "--graph-base-url", other.url, "--format", "json"],
      { NODE_EXTRA_CA_CERTS: other.caFile, GRAPH_ACCESS_TOKEN: TOKEN },
    );
    expect(run.code, run.stderr).toBe(0);
    const audit = JSON.parse(run.stdout);
    // Holders of the password roles are read, but only Global Administrators are listed as such.
    expect(audit.globalAdministrators.map((admin: { id: string }) => admin.id)).toEqual([breakGlass]);
    const finding = audit.findings.find(
      (f: { code: string }) => f.code === "ROLE_SCOPED_TO_RESTRICTED_UNIT_HELD_BY_APP",
    );
    expect(finding).toMatchObject({ severity: "warning", unitId: unit, objectId: app });
    expect(finding.message).toContain("Password rotation app");
    expect(finding.message).toContain("Helpdesk Administrator");
  });
});
