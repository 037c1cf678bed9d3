/** A guard created without an account store: it reads and decides, and refuses every write by name. */
import { createRotationGuard, isRotationExclusionError } from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { createFakeDirectory } from "./directory-fixture.js";
import { ALICE, BOB, PUBLIC_UNIT, standardTenant, TENANT_ID } from "./guard-fixture.js";
import { GLOBAL_ADMIN, roleTenant } from "./role-fixture.js";

const DENIAL = {
  status: 403,
  code: "Authorization_RequestDenied",
  message: "Target object is a member of a restricted management administrative unit.",
};

function readOnlyGuard() {
  let now = Date.UTC(2026, 0, 1);
  const directory = createFakeDirectory(roleTenant(), { canReadHidden: true });
  const guard = createRotationGuard({ tenantId: TENANT_ID, directory: directory.reader, clock: () => now });
  return { guard, directory, advance: (ms: number) => (now += ms) };
}

async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be refused");
}

describe("a guard without an account store", () => {
  test("checks accounts, plans role imports and reads snapshots", async () => {
    const { guard } = readOnlyGuard();
    expect(await guard.checkProtection(ALICE)).toMatchObject({ status: "protected", unitIds: [PUBLIC_UNIT] });
    expect(await guard.isRotationProtected(BOB)).toBe(false);
    const plan = await guard.planRoleImport({ roles: ["Global Administrator"] });
    expect(plan.roles[0]?.role?.id).toBe(GLOBAL_ADMIN);
    expect(plan.accounts.find((a) => a.objectId === ALICE)?.verdict.status).toBe("protected");
  });

  test("refreshSnapshot reads the directory again every time, as a run does", async () => {
    const { guard, directory, advance } = readOnlyGuard();
    const first = await guard.refreshSnapshot();
    expect(first.complete).toBe(true);
    expect([...first.protectedUsers.keys()]).toContain(ALICE);
    advance(1_000);
    const second = await guard.refreshSnapshot();
    expect(directory.calls.protectedUsers).toBe(2);
    expect(second.protectedSetObservedAt > first.protectedSetObservedAt).toBe(true);
    expect(guard.lastSnapshot()).toBe(second);
    // A snapshot read for a check within snapshotMaxAgeMs is the same one: no third read.
    await guard.checkProtection(BOB);
    expect(directory.calls.protectedUsers).toBe(2);
  });

  test.each([
    [
      "excludeFromAutoRotation",
      (g: ReturnType<typeof readOnlyGuard>["guard"]) => g.excludeFromAutoRotation(),
    ],
    [
      "recordRotationFailure",
      (g: ReturnType<typeof readOnlyGuard>["guard"]) => g.recordRotationFailure(ALICE, DENIAL),
    ],
    [
      "applyRoleImport",
      async (g: ReturnType<typeof readOnlyGuard>["guard"]) =>
        g.applyRoleImport(await g.planRoleImport({ roles: ["Global Administrator"] })),
    ],
  ])("%s is refused with unsupported, naming the operation and what to pass", async (name, call) => {
    const { guard, directory } = readOnlyGuard();
    const error = await refusal(() => call(guard));
    expect(isRotationExclusionError(error) && error.code).toBe("unsupported");
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain("createRotationGuard({ accounts })");
    expect((error as { tenantId?: string }).tenantId).toBe(TENANT_ID);
    // Refused before anything was read for it (a plan's own reads aside).
    if (name !== "applyRoleImport") expect(directory.calls.protectedUsers).toBe(0);
  });

  test("a store without list and update is still refused when given", () => {
    const directory = createFakeDirectory(standardTenant());
    expect(() =>
      createRotationGuard({ tenantId: TENANT_ID, directory: directory.reader, accounts: {} as never }),
    ).toThrow(/accounts must implement list and update/);
  });
});
