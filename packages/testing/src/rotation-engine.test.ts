import { createRotationGuard } from "@rotation-exclusion/core";
import {
  createInMemoryAccountStore,
  createInMemoryDirectory,
  createRotationEngine,
  emergencyAccessTenant,
  generatePassword,
  isTestingError,
  managedAccountsFor,
  RESTRICTED_MANAGEMENT_DENIAL_MESSAGE,
  startFakeGraphServer,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const PASSWORD = "Pw-SECRET-never-shown-9";
const credential = { getToken: async () => ({ token: "tok-engine-test" }) };

async function setup(options: { guarded: boolean; ordinaryUsers?: number }) {
  const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: options.ordinaryUsers ?? 2 });
  const server = await startFakeGraphServer(tenant);
  const managed = [ids.breakGlass1, ids.breakGlass2, ids.eligibleAdmin, ids.adminGroupMember];
  const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, managed));
  const guard = options.guarded
    ? createRotationGuard({ tenantId: tenant.tenantId, directory: createInMemoryDirectory(tenant), accounts })
    : undefined;
  const engine = createRotationEngine({
    graphBaseUrl: server.url,
    ca: server.ca,
    credential,
    accounts,
    guard,
    passwordGenerator: () => PASSWORD,
  });
  return { tenant, ids, server, accounts, engine };
}

describe("createRotationEngine", () => {
  it("without a guard, protected accounts fail every cycle with the restricted-unit 403", async () => {
    const { ids, server, engine } = await setup({ guarded: false });
    await using _server = server;
    const report = await engine.runCycle();
    expect(report).toMatchObject({ rotated: 2, skipped: 0, failed: 2 });
    const failed = report.outcomes.filter((outcome) => outcome.status === "failed");
    expect(failed.map((outcome) => outcome.objectId)).toEqual([ids.breakGlass1, ids.breakGlass2]);
    for (const outcome of failed) {
      if (outcome.status !== "failed") continue;
      expect(outcome.failure).toMatchObject({
        status: 403,
        code: "Authorization_RequestDenied",
        message: RESTRICTED_MANAGEMENT_DENIAL_MESSAGE,
      });
      expect(outcome.failure.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(outcome.learned).toBeNull();
    }
    expect(server.passwordChanges.map((change) => change.userId).sort()).toEqual(
      [ids.eligibleAdmin, ids.adminGroupMember].sort(),
    );
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it("with the guard, protected accounts are skipped with their verdict and never sent to Graph", async () => {
    const { ids, server, engine } = await setup({ guarded: true });
    await using _server = server;
    const report = await engine.runCycle();
    expect(report).toMatchObject({ rotated: 2, skipped: 2, failed: 0 });
    const skipped = report.outcomes.filter((outcome) => outcome.status === "skipped");
    expect(skipped.map((outcome) => outcome.objectId)).toEqual([ids.breakGlass1, ids.breakGlass2]);
    for (const outcome of skipped) {
      if (outcome.status !== "skipped" || outcome.cause !== "guard") throw new Error("expected a guard skip");
      expect(outcome.verdict?.status).toBe("protected");
      expect(outcome.verdict?.unitIds).toEqual([ids.emergencyAccessUnit]);
    }
    const patched = server.requests.filter((request) => request.method === "PATCH");
    expect(patched).toHaveLength(2);
    expect(patched.every((request) => request.status === 204)).toBe(true);
  });

  it("learns from a denial the snapshot had not seen: the account is excluded with the denial as evidence", async () => {
    const { tenant, ids, server, accounts, engine } = await setup({ guarded: true });
    await using _server = server;
    await engine.runCycle();
    // The eligible admin is moved into the emergency unit after the guard's snapshot was taken.
    tenant.units.get(ids.emergencyAccessUnit)?.memberIds.push(ids.eligibleAdmin);
    const report = await engine.runCycle();
    const outcome = report.outcomes.find((o) => o.objectId === ids.eligibleAdmin);
    expect(outcome?.status).toBe("failed");
    if (outcome?.status !== "failed") return;
    expect(outcome.learned).toMatchObject({ status: "protected", reasonCode: "rotation-denied-by-unit" });
    expect(accounts.get(ids.eligibleAdmin)).toMatchObject({
      autoRotate: false,
      record: { kind: "exclusion" },
    });
    const third = await engine.runCycle();
    expect(third.outcomes.find((o) => o.objectId === ids.eligibleAdmin)).toMatchObject({
      status: "skipped",
      cause: "auto-rotate-off",
      record: { kind: "exclusion", reasonCode: "rotation-denied-by-unit" },
    });
  });

  it("reports accounts with rotation off and leaves out accounts that are not due", async () => {
    const { ids, server, accounts, engine: _unused } = await setup({ guarded: false });
    await using _server = server;
    accounts.operatorChange(ids.breakGlass1, { autoRotate: false });
    const engine = createRotationEngine({
      graphBaseUrl: server.url,
      ca: server.ca,
      credential,
      accounts,
      dueAccounts: (account) => account.objectId !== ids.breakGlass2,
    });
    const report = await engine.runCycle();
    expect(report.outcomes.map((o) => o.objectId)).not.toContain(ids.breakGlass2);
    expect(report.outcomes.find((o) => o.objectId === ids.breakGlass1)).toMatchObject({
      status: "skipped",
      cause: "auto-rotate-off",
      record: null,
    });
    expect(report.rotated).toBe(2);
  });

  it("reports a rejected token as a failure with Graph's status, without the token", async () => {
    const { server, engine } = await setup({ guarded: false });
    await using _server = server;
    server.configure({ acceptToken: () => false });
    const report = await engine.runCycle();
    expect(report.failed).toBe(4);
    expect(report.outcomes[0]).toMatchObject({ status: "failed", failure: { status: 401 } });
    expect(JSON.stringify(report)).not.toContain("tok-engine-test");
  });

  it("refuses a Graph root that is not https", () => {
    const accounts = createInMemoryAccountStore();
    expect(() => createRotationEngine({ graphBaseUrl: "http://127.0.0.1:1", credential, accounts })).toThrow(
      expect.objectContaining({ code: "invalid-argument" }),
    );
    let caught: unknown;
    try {
      createRotationEngine({ graphBaseUrl: "not a url", credential, accounts });
    } catch (error) {
      caught = error;
    }
    expect(isTestingError(caught)).toBe(true);
  });

  it("generates passwords that meet Entra's complexity rule", () => {
    const passwords = Array.from({ length: 50 }, generatePassword);
    for (const password of passwords) {
      expect(password).toHaveLength(24);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
    }
    expect(new Set(passwords).size).toBe(50);
  });
});
