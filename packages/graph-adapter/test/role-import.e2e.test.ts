/**
 * The whole chain over real HTTPS: core's rotation guard on the Graph adapter against the fake Graph
 * server, with the in-memory account store. Role import (Global Administrators of the emergency-access
 * tenant), the pending path back to rotation, and one full exclusion run.
 */
import { createRotationGuard, type RotationGuard } from "@rotation-exclusion/core";
import {
  createInMemoryAccountStore,
  emergencyAccessTenant,
  type InitialManagedAccount,
  type InMemoryAccountStore,
  managedAccountsFor,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { type DirectoryOverFakeGraph, directoryOverFakeGraph } from "./fake-graph-fixture.js";

const GA = ["Global Administrator"];
const ids = (entries: readonly { objectId: string }[]) => entries.map((entry) => entry.objectId).sort();

interface Setup extends AsyncDisposable {
  readonly graph: DirectoryOverFakeGraph;
  readonly store: InMemoryAccountStore;
  readonly guard: RotationGuard;
  /** Moves the guard's clock, so its snapshot ages and the next call reads Graph again. */
  advance(ms: number): void;
}

async function setUp(
  tenant: ReturnType<typeof emergencyAccessTenant>["tenant"],
  accounts: readonly InitialManagedAccount[] = [],
): Promise<Setup> {
  const graph = await directoryOverFakeGraph(tenant);
  const store = createInMemoryAccountStore(accounts);
  let nowMs = Date.parse("2026-01-05T09:00:00Z");
  const guard = createRotationGuard({
    tenantId: tenant.tenantId,
    directory: graph.directory,
    accounts: store,
    clock: () => nowMs,
  });
  return {
    graph,
    store,
    guard,
    advance(ms) {
      nowMs += ms;
    },
    [Symbol.asyncDispose]: () => graph[Symbol.asyncDispose](),
  };
}

describe("role import over the Graph adapter and the fake Graph server", () => {
  it("imports every Global Administrator: emergency access off with unit evidence, the others rotating", async () => {
    const fixture = emergencyAccessTenant();
    const { breakGlass1, breakGlass2, emergencyAccessUnit, eligibleAdmin, adminGroupMember } = fixture.ids;
    await using setup = await setUp(fixture.tenant);
    const plan = await setup.guard.planRoleImport({ roles: GA });
    expect(plan.complete).toBe(true);
    expect(plan.roles[0]?.role?.displayName).toBe("Global Administrator");
    expect(ids(plan.accounts)).toEqual([breakGlass1, breakGlass2, eligibleAdmin, adminGroupMember].sort());
    const viaGroup = plan.accounts.find((account) => account.objectId === adminGroupMember);
    expect(viaGroup?.paths[0]?.via?.groupId).toBe(fixture.ids.adminGroup);

    const report = await setup.guard.applyRoleImport(plan);
    expect(report.complete).toBe(true);
    expect(ids(report.added.excluded)).toEqual([breakGlass1, breakGlass2].sort());
    expect(ids(report.added.rotating)).toEqual([eligibleAdmin, adminGroupMember].sort());
    expect(report.added.pending).toEqual([]);
    for (const id of [breakGlass1, breakGlass2]) {
      const stored = setup.store.snapshot().find((account) => account.objectId === id);
      expect(stored).toMatchObject({
        autoRotate: false,
        record: { kind: "exclusion", changedBy: "rotation-exclusion", unitIds: [emergencyAccessUnit] },
      });
      const evidence = stored?.record?.evidence.map((item) => item.kind).sort();
      expect(evidence).toEqual(["restricted-flag", "unit-member"]);
    }
    for (const id of [eligibleAdmin, adminGroupMember]) {
      const stored = setup.store.snapshot().find((account) => account.objectId === id);
      expect(stored).toMatchObject({ autoRotate: true });
      expect(stored?.record).toBeUndefined();
    }
    // The role read went to Graph: definitions, both assignment lists, one group's members.
    const routes = new Set(setup.graph.server.requests.map((request) => request.route));
    for (const route of [
      "roleDefinitions.list",
      "roleAssignments.list",
      "roleEligibility.list",
      "groups.members",
    ]) {
      expect(routes).toContain(route);
    }
  });

  it("imports accounts it cannot verify as pending, and a later fault-free exclusion run activates them", async () => {
    const fixture = emergencyAccessTenant();
    const { breakGlass1, breakGlass2, eligibleAdmin, adminGroupMember } = fixture.ids;
    await using setup = await setUp(fixture.tenant);
    const throttled = {
      effect: {
        kind: "throttled",
        retryAfterSeconds: 0.01,
        retryAfterFormat: "decimal-seconds",
      },
    } as const;
    // The protected set and the per-user checks are throttled for good: nobody can be shown unprotected.
    setup.graph.server.addFault({ match: { route: "users.list" }, ...throttled });
    setup.graph.server.addFault({ match: { route: "users.get" }, ...throttled });

    const report = await setup.guard.applyRoleImport(await setup.guard.planRoleImport({ roles: GA }));
    expect(report.added.rotating).toEqual([]);
    expect(ids(report.added.pending)).toEqual([eligibleAdmin, adminGroupMember].sort());
    // Restricted-unit membership is positive evidence even without the primary signal.
    expect(ids(report.added.excluded)).toEqual([breakGlass1, breakGlass2].sort());
    for (const id of [eligibleAdmin, adminGroupMember]) {
      expect(setup.store.snapshot().find((account) => account.objectId === id)).toMatchObject({
        autoRotate: false,
        record: { kind: "pendingVerification", changedBy: "rotation-exclusion" },
      });
    }

    setup.graph.server.clearFaults();
    setup.advance(10 * 60_000);
    const run = await setup.guard.excludeFromAutoRotation();
    expect(run.snapshot.complete).toBe(true);
    expect(run.activated.map((outcome) => outcome.accountId).sort()).toEqual(
      [eligibleAdmin, adminGroupMember].sort(),
    );
    expect(run.pending).toEqual([]);
    for (const id of [eligibleAdmin, adminGroupMember]) {
      expect(setup.store.snapshot().find((account) => account.objectId === id)).toMatchObject({
        autoRotate: true,
      });
    }
    for (const id of [breakGlass1, breakGlass2]) {
      expect(setup.store.snapshot().find((account) => account.objectId === id)?.autoRotate).toBe(false);
    }
  });

  it("names the permission a refused role read needs exactly once in each finding, in plain sentences", async () => {
    const fixture = emergencyAccessTenant();
    await using setup = await setUp(fixture.tenant);
    const messageOf = async (code: string) => {
      const plan = await setup.guard.planRoleImport({ roles: GA });
      expect(plan.complete).toBe(false);
      return plan.findings.find((finding) => finding.code === code)?.message ?? "";
    };
    setup.graph.server.configure({ permissions: { groupMemberRead: false } });
    const group = await messageOf("ROLE_GROUP_UNREADABLE");
    setup.graph.server.configure({ permissions: { groupMemberRead: true } });
    setup.graph.server.addFault({
      match: { route: "roleAssignments.list" },
      effect: { kind: "error", status: 403 },
    });
    const active = await messageOf("ROLE_ASSIGNMENTS_UNREADABLE");
    const expected = [
      [group, "GroupMember.Read.All"],
      [active, "RoleManagement.Read.Directory"],
    ] as const;
    for (const [message, permission] of expected) {
      expect(message).toContain("HTTP 403 Authorization_RequestDenied");
      expect(message.split(permission)).toHaveLength(2);
      expect(message).not.toMatch(/\.\./);
      expect(message).not.toContain("Grant the app the Graph application permission this read needs");
    }
  });
});

describe("an exclusion run over the Graph adapter and the fake Graph server", () => {
  it("turns off every protected managed account and leaves look-alikes rotating", async () => {
    const fixture = emergencyAccessTenant();
    const { breakGlass1, breakGlass2, hiddenMember, dynamicMember } = fixture.ids;
    const lookAlikes = [
      fixture.ids.activeAdmin,
      fixture.ids.ordinaryUnitAdmin,
      fixture.ids.adminGroupMember,
      ...fixture.ids.securityGroupMembers,
    ];
    const managed = [breakGlass1, breakGlass2, hiddenMember, dynamicMember, ...lookAlikes];
    await using setup = await setUp(fixture.tenant, managedAccountsFor(fixture.tenant, managed));
    const report = await setup.guard.excludeFromAutoRotation();
    expect(report.snapshot).toMatchObject({ complete: true, primarySignal: "available" });
    expect(report.excluded.map((outcome) => outcome.accountId).sort()).toEqual(
      [breakGlass1, breakGlass2, hiddenMember, dynamicMember].sort(),
    );
    expect(report.notProtectedCount).toBe(lookAlikes.length);
    expect(report.deferred).toEqual([]);
    for (const id of lookAlikes) expect(setup.store.get(id)?.autoRotate).toBe(true);
    for (const id of [breakGlass1, breakGlass2, hiddenMember, dynamicMember]) {
      expect(setup.store.get(id)).toMatchObject({ autoRotate: false, record: { kind: "exclusion" } });
    }
  });
});
