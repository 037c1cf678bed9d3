import {
  BUILT_IN_ROLES,
  emergencyAccessTenant,
  isManagementRestricted,
  largeTenant,
  type TenantModel,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const holdersOf = (tenant: TenantModel, role: string, kind: "active" | "eligible") =>
  tenant.roleAssignments
    .filter((assignment) => assignment.roleDefinitionId === role && assignment.kind === kind)
    .map((assignment) => assignment.principalId);

describe("emergencyAccessTenant", () => {
  const { tenant, ids } = emergencyAccessTenant();

  it("protects exactly the direct members of restricted units", () => {
    const protectedIds = [...tenant.users.keys()].filter((id) => isManagementRestricted(tenant, id));
    expect(protectedIds.sort()).toEqual([...ids.protectedUsers].sort());
    expect(ids.protectedUsers).toEqual([
      ids.breakGlass1,
      ids.breakGlass2,
      ids.hiddenMember,
      ids.dynamicMember,
    ]);
  });

  it("holds two active emergency-access Global Administrators in a restricted, assigned, public unit", () => {
    const unit = tenant.units.get(ids.emergencyAccessUnit);
    expect(unit).toMatchObject({
      isMemberManagementRestricted: true,
      membershipType: "Assigned",
      visibility: "Public",
    });
    expect(unit?.memberIds).toEqual([ids.breakGlass1, ids.breakGlass2]);
    const globalAdmins = holdersOf(tenant, BUILT_IN_ROLES["Global Administrator"], "active");
    expect(globalAdmins).toEqual(expect.arrayContaining([ids.breakGlass1, ids.breakGlass2, ids.adminGroup]));
  });

  it("puts a security group (not its members) and a device in a restricted unit", () => {
    expect(tenant.units.get(ids.groupUnit)?.memberIds).toEqual([ids.securityGroup, ids.kioskDevice]);
    expect(tenant.groups.get(ids.securityGroup)).toMatchObject({ isAssignableToRole: false });
    expect(tenant.groups.get(ids.securityGroup)?.memberIds).toEqual(ids.securityGroupMembers);
    for (const id of ids.securityGroupMembers) expect(isManagementRestricted(tenant, id)).toBe(false);
  });

  it("has admins that look important but are not protected", () => {
    expect(tenant.units.get(ids.ordinaryUnit)).toMatchObject({
      isMemberManagementRestricted: false,
      memberIds: [ids.ordinaryUnitAdmin],
    });
    expect(holdersOf(tenant, BUILT_IN_ROLES["User Administrator"], "active")).toEqual([
      ids.ordinaryUnitAdmin,
    ]);
    expect(holdersOf(tenant, BUILT_IN_ROLES["Global Administrator"], "eligible")).toEqual([
      ids.eligibleAdmin,
    ]);
    expect(holdersOf(tenant, BUILT_IN_ROLES["Privileged Role Administrator"], "active")).toEqual([
      ids.activeAdmin,
      ids.automationPrincipal,
    ]);
    expect(
      tenant.roleAssignments.find((assignment) => assignment.principalId === ids.scopedHelpdesk),
    ).toMatchObject({
      directoryScopeId: `/administrativeUnits/${ids.ordinaryUnit}`,
    });
    expect(tenant.groups.get(ids.adminGroup)).toMatchObject({
      isAssignableToRole: true,
      memberIds: [ids.adminGroupMember],
    });
    expect(tenant.servicePrincipals.has(ids.automationPrincipal)).toBe(true);
    for (const id of [
      ids.ordinaryUnitAdmin,
      ids.activeAdmin,
      ids.eligibleAdmin,
      ids.adminGroupMember,
      ids.scopedHelpdesk,
    ]) {
      expect(isManagementRestricted(tenant, id)).toBe(false);
    }
  });

  it("has a hidden-membership and a dynamic restricted unit with one member each", () => {
    expect(tenant.units.get(ids.hiddenUnit)).toMatchObject({
      isMemberManagementRestricted: true,
      visibility: "HiddenMembership",
      memberIds: [ids.hiddenMember],
    });
    expect(tenant.units.get(ids.dynamicUnit)).toMatchObject({
      isMemberManagementRestricted: true,
      membershipType: "Dynamic",
      memberIds: [ids.dynamicMember],
    });
    expect(ids.restrictedUnits).toHaveLength(4);
  });

  it("has a few dozen ordinary users in no unit and is the same on every call", () => {
    expect(ids.ordinaryUsers.length).toBeGreaterThanOrEqual(24);
    const inAnyUnit = new Set([...tenant.units.values()].flatMap((unit) => unit.memberIds));
    for (const id of ids.ordinaryUsers) expect(inAnyUnit.has(id)).toBe(false);
    expect(emergencyAccessTenant().ids).toEqual(ids);
    expect(emergencyAccessTenant({ seed: "other" }).ids.breakGlass1).not.toBe(ids.breakGlass1);
  });
});

describe("largeTenant", () => {
  it("builds 10,000+ users quickly, with the protected users spread over the restricted units", () => {
    const started = performance.now();
    const { tenant, ids } = largeTenant({
      users: 12_000,
      restrictedUnits: 7,
      protectedUsers: 150,
      seed: "scale",
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(tenant.users.size).toBe(12_000);
    expect(ids.protectedUsers).toHaveLength(150);
    expect(ids.restrictedUnits).toHaveLength(7);
    const protectedIds = ids.users.filter((id) => isManagementRestricted(tenant, id));
    expect(protectedIds).toEqual(ids.protectedUsers);
    const sizes = ids.restrictedUnits.map((id) => tenant.units.get(id)?.memberIds.length ?? 0);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // Spread, not clustered at the start: the last protected user sits in the last tenth of the list.
    expect(ids.users.indexOf(ids.protectedUsers.at(-1) as string)).toBeGreaterThan(10_800);
    for (const id of ids.ordinaryUnits)
      expect(tenant.units.get(id)?.isMemberManagementRestricted).toBe(false);
  });

  it("is deterministic per seed", () => {
    const options = { users: 50, restrictedUnits: 2, protectedUsers: 5 };
    expect(largeTenant({ ...options, seed: "x" }).ids).toEqual(largeTenant({ ...options, seed: "x" }).ids);
    expect(largeTenant({ ...options, seed: "y" }).ids.users[0]).not.toBe(
      largeTenant({ ...options, seed: "x" }).ids.users[0],
    );
  });

  it("rejects impossible shapes", () => {
    expect(() => largeTenant({ users: 3, restrictedUnits: 1, protectedUsers: 4 })).toThrow(/protected users/);
    expect(() => largeTenant({ users: 3, restrictedUnits: 0, protectedUsers: 1 })).toThrow(/restricted unit/);
    expect(() => largeTenant({ users: -1, restrictedUnits: 0, protectedUsers: 0 })).toThrow(/whole number/);
  });
});
