/**
 * Import by role, end to end over the in-memory kit: the guard plans and applies role imports against
 * `emergencyAccessTenant()`, and the next exclusion runs settle the accounts parked for verification.
 */
import {
  type AutoRotateRecord,
  createRotationGuard,
  ROTATION_EXCLUSION_ACTOR,
  type RoleImportPlan,
} from "@rotation-exclusion/core";
import {
  BUILT_IN_ROLES,
  createInMemoryAccountStore,
  createInMemoryDirectory,
  deterministicGuid,
  type EmergencyAccessTenantIds,
  emergencyAccessTenant,
  type InitialManagedAccount,
  type InMemoryDirectoryOptions,
  isManagementRestricted,
  type TenantModel,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const GA = "Global Administrator";
const PRA = "Privileged Role Administrator";

function setUp(
  options: { directory?: InMemoryDirectoryOptions; accounts?: readonly InitialManagedAccount[] } = {},
) {
  const { tenant, ids } = emergencyAccessTenant();
  // A member of the ordinary group that sits in a restricted unit, holding Global Administrator: the
  // group protects none of its members.
  const groupMember = ids.securityGroupMembers[0] as string;
  tenant.roleAssignments.push({
    id: deterministicGuid("role-import-test", "assignment", groupMember),
    kind: "active",
    roleDefinitionId: BUILT_IN_ROLES[GA],
    principalId: groupMember,
    directoryScopeId: "/",
  });
  let nowMs = Date.UTC(2026, 2, 1);
  const directory = createInMemoryDirectory(tenant, options.directory);
  const store = createInMemoryAccountStore(options.accounts ?? []);
  const guard = createRotationGuard({
    tenantId: tenant.tenantId,
    directory,
    accounts: store,
    clock: () => nowMs,
  });
  return {
    tenant,
    ids,
    groupMember,
    directory,
    store,
    guard,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const ids = (list: readonly { objectId: string }[]) => list.map((entry) => entry.objectId);
const accountOf = (plan: RoleImportPlan, id: string) => plan.accounts.find((a) => a.objectId === id);

/** Nothing with rotation on may be protected: the safety rule every scenario re-checks. */
function expectNoProtectedAccountRotating(tenant: TenantModel, store: ReturnType<typeof setUp>["store"]) {
  for (const account of store.snapshot()) {
    if (account.autoRotate) expect(isManagementRestricted(tenant, account.objectId ?? "")).toBe(false);
  }
}

function gaHolders(x: EmergencyAccessTenantIds, groupMember: string) {
  // Active assignments first (in assignment order, groups expanded in place), then eligible ones.
  return [x.breakGlass1, x.breakGlass2, x.adminGroupMember, groupMember, x.eligibleAdmin];
}

describe("import by role over the in-memory kit", () => {
  it("imports every Global Administrator: break-glass accounts off with evidence, every other holder on", async () => {
    const t = setUp();
    const plan = await t.guard.planRoleImport({ roles: [GA, PRA] });
    expect(plan.complete).toBe(true);
    expect(ids(plan.accounts)).toEqual([...gaHolders(t.ids, t.groupMember), t.ids.activeAdmin]);
    expect(accountOf(plan, t.ids.adminGroupMember)?.paths).toEqual([
      expect.objectContaining({
        kind: "active",
        via: { groupId: t.ids.adminGroup, groupDisplayName: "Tenant admins" },
      }),
    ]);
    expect(accountOf(plan, t.ids.eligibleAdmin)?.paths[0]?.kind).toBe("eligible");

    const report = await t.guard.applyRoleImport(plan);
    expect(report.complete).toBe(true);
    expect(ids(report.added.excluded)).toEqual([t.ids.breakGlass1, t.ids.breakGlass2]);
    expect(ids(report.added.rotating)).toEqual([
      t.ids.adminGroupMember,
      t.groupMember,
      t.ids.eligibleAdmin,
      t.ids.activeAdmin,
    ]);
    for (const id of [t.ids.breakGlass1, t.ids.breakGlass2]) {
      const account = t.store.get(id);
      expect(account).toMatchObject({
        autoRotate: false,
        record: {
          kind: "exclusion",
          changedBy: ROTATION_EXCLUSION_ACTOR,
          unitIds: [t.ids.emergencyAccessUnit],
        },
      });
      expect(account?.record?.evidence).toEqual([
        { kind: "restricted-flag", observedAt: expect.any(String) },
        {
          kind: "unit-member",
          unitId: t.ids.emergencyAccessUnit,
          unitDisplayName: "Emergency access",
          observedAt: expect.any(String),
        },
      ]);
    }
    // In a restricted unit only through the Finance group: not protected.
    expect(t.store.get(t.groupMember)).toMatchObject({ autoRotate: true, record: undefined });
    expect(report.skipped.map((other) => [other.principalId, other.principalType])).toEqual([
      [t.ids.automationPrincipal, "servicePrincipal"],
    ]);
    expect(t.store.get(t.ids.automationPrincipal)).toBeUndefined();
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        code: "ROLE_HELD_BY_SERVICE_PRINCIPAL",
        objectId: t.ids.automationPrincipal,
      }),
    );
    expectNoProtectedAccountRotating(t.tenant, t.store);
  });

  it("parks undecided accounts as pending with rotation off; the next clean run activates or excludes them", async () => {
    // A cloud without isManagementRestricted, and the emergency unit unreadable: nobody can be decided.
    const t = setUp({ directory: { faults: [{ operation: "protected-users", kind: "unsupported" }] } });
    t.directory.injectFault({
      operation: "unit-members",
      unitId: t.ids.emergencyAccessUnit,
      kind: "throttled",
    });
    const plan = await t.guard.planRoleImport({ roles: [GA] });
    expect(plan.accounts.map((a) => a.verdict.status)).toEqual(Array(5).fill("unknown"));
    const report = await t.guard.applyRoleImport(plan);
    expect(ids(report.added.pending)).toEqual(gaHolders(t.ids, t.groupMember));
    expect(report.added.rotating).toEqual([]);
    for (const account of t.store.snapshot()) {
      expect(account).toMatchObject({
        autoRotate: false,
        record: { kind: "pendingVerification", changedBy: ROTATION_EXCLUSION_ACTOR },
      });
    }
    expect(t.store.get(t.ids.breakGlass1)?.record?.reasonCode).toBe("throttled");

    // Still undecided: listed as pending every cycle, nothing written.
    const undecided = await t.guard.excludeFromAutoRotation();
    expect(undecided.pending).toHaveLength(5);
    expect(t.store.writeLog().filter((entry) => entry.operation === "update")).toEqual([]);

    t.directory.clearFaults();
    t.advance(60_000);
    const settled = await t.guard.excludeFromAutoRotation();
    expect(settled.snapshot.complete).toBe(true);
    expect(settled.activated.map((o) => o.key)).toEqual([
      t.ids.adminGroupMember,
      t.groupMember,
      t.ids.eligibleAdmin,
    ]);
    expect(settled.activated[0]?.verdict.status).toBe("not-protected");
    expect(settled.excluded.map((o) => o.key)).toEqual([t.ids.breakGlass1, t.ids.breakGlass2]);
    expect(settled.pending).toEqual([]);
    expect(t.store.get(t.ids.eligibleAdmin)).toMatchObject({ autoRotate: true, record: undefined });
    expect(t.store.get(t.ids.breakGlass2)).toMatchObject({
      autoRotate: false,
      record: { kind: "exclusion", reasonCode: "restricted-flag", unitIds: [t.ids.emergencyAccessUnit] },
    });
    expectNoProtectedAccountRotating(t.tenant, t.store);
  });

  it("missing permission for eligibility: a finding, an incomplete plan, and no eligible holder imported", async () => {
    const t = setUp({ directory: { faults: [{ operation: "role-eligibility", kind: "forbidden" }] } });
    const plan = await t.guard.planRoleImport({ roles: [GA] });
    expect(plan.complete).toBe(false);
    const finding = plan.findings.find((f) => f.code === "ROLE_ELIGIBILITY_UNREADABLE");
    expect(finding?.message).toContain("RoleEligibilitySchedule.Read.Directory");
    expect(ids(plan.accounts)).not.toContain(t.ids.eligibleAdmin);
    const report = await t.guard.applyRoleImport(plan);
    expect(report.complete).toBe(false);
    expect(t.store.get(t.ids.eligibleAdmin)).toBeUndefined();
    expect(ids(report.added.excluded)).toEqual([t.ids.breakGlass1, t.ids.breakGlass2]);
    expectNoProtectedAccountRotating(t.tenant, t.store);
  });

  it("an unreadable role group: ROLE_GROUP_UNREADABLE names it and the permission, and the plan is incomplete", async () => {
    const t = setUp();
    t.directory.injectFault({ operation: "group-members", groupId: t.ids.adminGroup, kind: "forbidden" });
    const plan = await t.guard.planRoleImport({ roles: [GA] });
    expect(plan.complete).toBe(false);
    expect(plan.roles[0]?.failures).toEqual([
      expect.objectContaining({ step: "group-members", groupId: t.ids.adminGroup }),
    ]);
    const finding = plan.findings.find((f) => f.code === "ROLE_GROUP_UNREADABLE");
    expect(finding).toMatchObject({ severity: "error", objectId: t.ids.adminGroup });
    expect(finding?.message).toMatch(/"Tenant admins".*GroupMember\.Read\.All/);
    expect(ids(plan.accounts)).not.toContain(t.ids.adminGroupMember);
  });

  it("applying the same plan twice adds nothing the second time", async () => {
    const t = setUp();
    const plan = await t.guard.planRoleImport({ roles: [GA, PRA] });
    await t.guard.applyRoleImport(plan);
    const writes = t.store.writeLog().length;
    const again = await t.guard.applyRoleImport(plan);
    expect(t.store.writeLog()).toHaveLength(writes);
    expect(again.added).toEqual({ rotating: [], excluded: [], pending: [] });
    expect(again.alreadyManaged).toHaveLength(6);
    const replanned = await t.guard.applyRoleImport(await t.guard.planRoleImport({ roles: [GA, PRA] }));
    expect(replanned.alreadyManaged).toHaveLength(6);
    expect(t.store.writeLog()).toHaveLength(writes);
  });

  it("an account the operator excluded keeps its toggle; so does every managed account", async () => {
    const operator: AutoRotateRecord = {
      kind: "exclusion",
      changedBy: "ops@msp.example",
      reasonCode: "not-restricted",
      reason: "on-call account, rotated by hand",
      unitIds: [],
      evidence: [],
      changedAt: "2026-02-01T00:00:00.000Z",
    };
    const { tenant, ids: x } = emergencyAccessTenant();
    const upn = (id: string) => tenant.users.get(id)?.userPrincipalName as string;
    const t = setUp({
      accounts: [
        { key: "oncall", userPrincipalName: upn(x.eligibleAdmin), autoRotate: false, record: operator },
        { key: "bg1", objectId: x.breakGlass1, autoRotate: true },
      ],
    });
    const report = await t.guard.applyRoleImport(await t.guard.planRoleImport({ roles: [GA] }));
    expect(report.alreadyManaged.map((entry) => [entry.key, entry.autoRotate])).toEqual([
      ["bg1", true],
      ["oncall", false],
    ]);
    expect(t.store.get("oncall")).toMatchObject({ autoRotate: false, record: operator });
    expect(t.store.writeLog().filter((entry) => entry.operation === "update")).toEqual([]);
    expect(ids(report.added.rotating)).toEqual([t.ids.adminGroupMember, t.groupMember]);
    // Turning the protected account off is the exclusion run's job, on its own evidence.
    const run = await t.guard.excludeFromAutoRotation();
    expect(run.excluded.map((o) => o.key)).toContain("bg1");
    expect(t.store.get("oncall")).toMatchObject({ autoRotate: false, record: operator });
  });
});
