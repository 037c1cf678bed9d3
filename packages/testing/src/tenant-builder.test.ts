import {
  BUILT_IN_ROLES,
  isManagementRestricted,
  isTestingError,
  objectKind,
  reportedManagementRestricted,
  TESTING_ERROR_CODES,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("Expected the call to throw.");
}

describe("tenantBuilder", () => {
  it("builds the example from its documentation", () => {
    const t = tenantBuilder({ tenantId: "11111111-2222-4333-8444-555555555555" });
    const bg = t.user("breakglass1");
    const unit = t.unit("Emergency access", { restricted: true, members: [bg] });
    const assignment = t.assignRole("Global Administrator", bg, { kind: "active" });
    const tenant = t.build();
    expect(tenant.tenantId).toBe("11111111-2222-4333-8444-555555555555");
    expect(tenant.users.get(bg)).toEqual({
      id: bg,
      userPrincipalName: "breakglass1@contoso.onmicrosoft.com",
      displayName: "breakglass1",
    });
    expect(tenant.units.get(unit)).toEqual({
      id: unit,
      displayName: "Emergency access",
      isMemberManagementRestricted: true,
      membershipType: null,
      visibility: null,
      memberIds: [bg],
    });
    expect(tenant.roleAssignments).toEqual([
      {
        id: assignment,
        kind: "active",
        roleDefinitionId: BUILT_IN_ROLES["Global Administrator"],
        principalId: bg,
        directoryScopeId: "/",
      },
    ]);
    expect(isManagementRestricted(tenant, bg)).toBe(true);
  });

  it("derives the same RFC 4122 ids from the same seed and names, other ids from another seed", () => {
    const build = (seed: string) => {
      const t = tenantBuilder({ seed });
      return [t.tenantId, t.user("alice"), t.group("Admins"), t.unit("Unit"), t.device("Kiosk")];
    };
    const first = build("a");
    expect(build("a")).toEqual(first);
    for (const id of first) expect(id).toMatch(GUID);
    expect(new Set(first).size).toBe(first.length);
    expect(build("b").some((id, index) => id === first[index])).toBe(false);
  });

  it("holds the built-in roles with their template ids as ids", () => {
    const tenant = tenantBuilder().build();
    expect(tenant.roleDefinitions.get("62e90394-69f5-4237-9190-012177145e10")?.displayName).toBe(
      "Global Administrator",
    );
    expect(tenant.roleDefinitions.get("e8611ab8-c189-46e8-94e1-60213ab1f814")?.displayName).toBe(
      "Privileged Role Administrator",
    );
    expect(tenant.roleDefinitions.get("fe930be7-5e62-47db-91af-98c3a49a38b1")?.displayName).toBe(
      "User Administrator",
    );
    expect(tenant.roleDefinitions.get("729827e3-9c14-49f7-bb1b-9608f156bbb8")?.displayName).toBe(
      "Helpdesk Administrator",
    );
    for (const definition of tenant.roleDefinitions.values()) expect(definition.isBuiltIn).toBe(true);
  });

  it("assigns roles by name or id, active or eligible, tenant-wide or scoped to a unit", () => {
    const t = tenantBuilder();
    const helpdesk = t.user("helpdesk");
    const unit = t.unit("Branch", { members: [helpdesk] });
    const group = t.group("Admins", { roleAssignable: true, members: [t.user("admin")] });
    const app = t.servicePrincipal("Automation");
    const custom = t.roleDefinition("Password rotator");
    t.assignRole("helpdesk administrator", helpdesk, { unitId: unit });
    t.assignRole(BUILT_IN_ROLES["Global Administrator"], group, { kind: "eligible" });
    t.assignRole("Password rotator", app);
    const tenant = t.build();
    expect(
      tenant.roleAssignments.map(({ kind, roleDefinitionId, principalId, directoryScopeId }) => ({
        kind,
        roleDefinitionId,
        principalId,
        directoryScopeId,
      })),
    ).toEqual([
      {
        kind: "active",
        roleDefinitionId: BUILT_IN_ROLES["Helpdesk Administrator"],
        principalId: helpdesk,
        directoryScopeId: `/administrativeUnits/${unit}`,
      },
      {
        kind: "eligible",
        roleDefinitionId: BUILT_IN_ROLES["Global Administrator"],
        principalId: group,
        directoryScopeId: "/",
      },
      { kind: "active", roleDefinitionId: custom, principalId: app, directoryScopeId: "/" },
    ]);
    expect(tenant.roleDefinitions.get(custom)?.isBuiltIn).toBe(false);
    expect(tenant.servicePrincipals.get(app)?.appId).toMatch(GUID);
  });

  it("rejects an unknown member with a TestingError that names the id", () => {
    const t = tenantBuilder();
    const error = thrown(() => t.unit("Emergency access", { restricted: true, members: ["not-a-user"] }));
    expect(isTestingError(error)).toBe(true);
    expect(error).toMatchObject({ name: "TestingError", code: "unknown-reference" });
    expect((error as Error).message).toContain("not-a-user");
    expect((error as Error).message).toContain("Emergency access");
    expect(t.build().units.size).toBe(0);
  });

  it("rejects references of the wrong kind and unknown roles, principals and scopes", () => {
    const t = tenantBuilder();
    const user = t.user("alice");
    const app = t.servicePrincipal("App");
    const plainGroup = t.group("Staff", { members: [user] });
    const roleGroup = t.group("Admins", { roleAssignable: true });
    const codeOf = (action: () => unknown) => (thrown(action) as { code?: string }).code;
    expect(codeOf(() => t.unit("U", { members: [app] }))).toBe("invalid-reference");
    expect(codeOf(() => t.assignRole("Global Administrator", plainGroup))).toBe("invalid-reference");
    expect(codeOf(() => t.addMembers(roleGroup, [plainGroup]))).toBe("invalid-reference");
    expect(codeOf(() => t.assignRole("No such role", user))).toBe("unknown-reference");
    expect(codeOf(() => t.assignRole("Global Administrator", "ghost"))).toBe("unknown-reference");
    expect(codeOf(() => t.assignRole("Global Administrator", user, { unitId: "ghost" }))).toBe(
      "unknown-reference",
    );
    expect(codeOf(() => t.addMembers("ghost", [user]))).toBe("unknown-reference");
    expect(codeOf(() => t.users(-1))).toBe("invalid-argument");
  });

  it("rejects duplicate names, ids and assignments", () => {
    const t = tenantBuilder();
    const alice = t.user("alice");
    t.assignRole("Global Administrator", alice);
    const codeOf = (action: () => unknown) => (thrown(action) as { code?: string }).code;
    expect(codeOf(() => t.user("alice"))).toBe("duplicate-object");
    expect(codeOf(() => t.device("kiosk", { id: alice }))).toBe("duplicate-object");
    expect(codeOf(() => t.assignRole("Global Administrator", alice))).toBe("duplicate-object");
    // Another kind may share a name: a group called "alice" is not the user.
    expect(t.group("alice")).not.toBe(alice);
  });

  it("adds members later without duplicates and splits kinds", () => {
    const t = tenantBuilder();
    const [a, b] = t.users(2);
    const device = t.device("Kiosk");
    const group = t.group("Staff");
    const unit = t.unit("Unit", { members: [a as string] });
    t.addMembers(unit, [a as string, b as string, device, group]);
    t.addMembers(group, [b as string]);
    const tenant = t.build();
    expect(tenant.units.get(unit)?.memberIds).toEqual([a, b, device, group]);
    expect(tenant.groups.get(group)?.memberIds).toEqual([b]);
    expect([a, device, group].map((id) => objectKind(tenant, id as string))).toEqual([
      "user",
      "device",
      "group",
    ]);
    expect(tenant.users.get(a as string)?.userPrincipalName).toBe("user001@contoso.onmicrosoft.com");
  });

  it("builds independent deep copies", () => {
    const t = tenantBuilder();
    const unit = t.unit("Unit", { restricted: true });
    const first = t.build();
    first.units.get(unit)?.memberIds.push("tampered");
    t.user("bob");
    expect(t.build().units.get(unit)?.memberIds).toEqual([]);
    expect(first.users.size).toBe(0);
  });

  it("models the flag Graph reports: null, a lagging true, or computed from membership", () => {
    const t = tenantBuilder();
    const nullFlag = t.user("never", { isManagementRestricted: null });
    const lagging = t.user("lagging", { isManagementRestricted: true });
    const member = t.user("member");
    const plain = t.user("plain");
    t.unit("R", { restricted: true, members: [member] });
    const tenant = t.build();
    expect([nullFlag, lagging, member, plain].map((id) => reportedManagementRestricted(tenant, id))).toEqual([
      null,
      true,
      true,
      null,
    ]);
    expect([nullFlag, lagging, member, plain].map((id) => isManagementRestricted(tenant, id))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("recognises TestingErrors across package copies by their global brand and a known code", () => {
    const brand = Symbol.for("@rotation-exclusion/testing/TestingError");
    const foreign = Object.assign(new Error("x"), { [brand]: true, code: "unknown-reference" });
    expect(isTestingError(foreign)).toBe(true);
    expect(isTestingError(Object.assign(new Error("x"), { [brand]: true, code: "no-such-code" }))).toBe(
      false,
    );
    expect(isTestingError(Object.assign(new Error("x"), { code: "unknown-reference" }))).toBe(false);
    expect(isTestingError(null)).toBe(false);
    expect(TESTING_ERROR_CODES).toContain("injected-failure");
  });
});
