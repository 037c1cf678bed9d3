/**
 * Ready-made tenants: {@link emergencyAccessTenant}, small and full of the cases that matter, and
 * {@link largeTenant}, big and quick to build for scale tests. Both return the model plus the ids of
 * the notable objects, so tests assert on names instead of positions.
 */

import { BUILT_IN_ROLES } from "./built-in-roles.js";
import { deterministicGuid } from "./deterministic-guid.js";
import { tenantBuilder } from "./tenant-builder.js";
import type { TenantModel, TenantUnit } from "./tenant-model.js";
import { createTestingError } from "./testing-error.js";

/** Options of {@link emergencyAccessTenant}. */
export interface EmergencyAccessTenantOptions {
  readonly seed?: string;
  readonly tenantId?: string;
  /** How many ordinary users (in no unit, holding no role). */
  readonly ordinaryUsers?: number;
}

/** The ids of the notable objects of {@link emergencyAccessTenant}. */
export interface EmergencyAccessTenantIds {
  /** Active Global Administrators, direct members of `emergencyAccessUnit`: protected. */
  readonly breakGlass1: string;
  readonly breakGlass2: string;
  /** Restricted, `Assigned`, `Public` unit holding the two break-glass accounts. */
  readonly emergencyAccessUnit: string;
  /** Ordinary security group placed in `groupUnit`; its members are NOT protected (no transitivity). */
  readonly securityGroup: string;
  readonly securityGroupMembers: readonly string[];
  /** Restricted unit holding `securityGroup` and `kioskDevice`, and no user. */
  readonly groupUnit: string;
  readonly kioskDevice: string;
  /** Ordinary (unrestricted) unit with `ordinaryUnitAdmin` in it: not protected. */
  readonly ordinaryUnit: string;
  /** Active User Administrator, member of `ordinaryUnit`: not protected. */
  readonly ordinaryUnitAdmin: string;
  /** Active Privileged Role Administrator, in no unit: not protected. */
  readonly activeAdmin: string;
  /** PIM-eligible Global Administrator, in no unit: not protected. */
  readonly eligibleAdmin: string;
  /** Helpdesk Administrator scoped to `ordinaryUnit`: not protected. */
  readonly scopedHelpdesk: string;
  /** Role-assignable group holding Global Administrator (active), and its one member (not protected). */
  readonly adminGroup: string;
  readonly adminGroupMember: string;
  /** Restricted unit with `HiddenMembership` and one member, `hiddenMember` (protected). */
  readonly hiddenUnit: string;
  readonly hiddenMember: string;
  /** Restricted unit with `Dynamic` membership and one member, `dynamicMember` (protected). */
  readonly dynamicUnit: string;
  readonly dynamicMember: string;
  /** Service principal holding Privileged Role Administrator (active). */
  readonly automationPrincipal: string;
  readonly ordinaryUsers: readonly string[];
  /** Every protected user id (direct members of restricted units), in creation order. */
  readonly protectedUsers: readonly string[];
  /** Every restricted unit id, in creation order. */
  readonly restrictedUnits: readonly string[];
}

/** A fixture tenant and the ids of its notable objects. */
export interface TenantFixture<Ids> {
  readonly tenant: TenantModel;
  readonly ids: Ids;
}

/**
 * An MSP customer tenant with emergency-access accounts in a restricted unit and every look-alike that
 * must NOT count as protected (group members, ordinary-unit members, eligible and group-held admins).
 *
 * @example
 * const { tenant, ids } = emergencyAccessTenant();
 * const directory = createInMemoryDirectory(tenant);
 */
export function emergencyAccessTenant(
  options: EmergencyAccessTenantOptions = {},
): TenantFixture<EmergencyAccessTenantIds> {
  const t = tenantBuilder({
    seed: options.seed ?? "emergency-access",
    ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
  });
  const breakGlass1 = t.user("breakglass1", { displayName: "Emergency access 1" });
  const breakGlass2 = t.user("breakglass2", { displayName: "Emergency access 2" });
  const emergencyAccessUnit = t.unit("Emergency access", {
    restricted: true,
    membershipType: "Assigned",
    visibility: "Public",
    members: [breakGlass1, breakGlass2],
  });
  t.assignRole("Global Administrator", breakGlass1);
  t.assignRole("Global Administrator", breakGlass2);

  const securityGroupMembers = [t.user("finance.lead"), t.user("finance.clerk")];
  const securityGroup = t.group("Finance", { members: securityGroupMembers });
  const kioskDevice = t.device("Lobby kiosk");
  const groupUnit = t.unit("Protected finance objects", {
    restricted: true,
    members: [securityGroup, kioskDevice],
  });

  const ordinaryUnitAdmin = t.user("branch.admin");
  const ordinaryUnit = t.unit("Branch office", { members: [ordinaryUnitAdmin] });
  t.assignRole("User Administrator", ordinaryUnitAdmin);

  const activeAdmin = t.user("it.admin");
  t.assignRole("Privileged Role Administrator", activeAdmin);
  const eligibleAdmin = t.user("oncall.admin");
  t.assignRole("Global Administrator", eligibleAdmin, { kind: "eligible" });
  const scopedHelpdesk = t.user("branch.helpdesk");
  t.assignRole("Helpdesk Administrator", scopedHelpdesk, { unitId: ordinaryUnit });

  const adminGroupMember = t.user("cloud.admin");
  const adminGroup = t.group("Tenant admins", { roleAssignable: true, members: [adminGroupMember] });
  t.assignRole("Global Administrator", adminGroup);

  const hiddenMember = t.user("ceo");
  const hiddenUnit = t.unit("Executives", {
    restricted: true,
    visibility: "HiddenMembership",
    members: [hiddenMember],
  });
  const dynamicMember = t.user("hr.director");
  const dynamicUnit = t.unit("HR leadership", {
    restricted: true,
    membershipType: "Dynamic",
    members: [dynamicMember],
  });

  const automationPrincipal = t.servicePrincipal("Provisioning automation");
  t.assignRole("Privileged Role Administrator", automationPrincipal);

  const ordinaryUsers = t.users(options.ordinaryUsers ?? 36, "staff");

  return {
    tenant: t.build(),
    ids: {
      breakGlass1,
      breakGlass2,
      emergencyAccessUnit,
      securityGroup,
      securityGroupMembers,
      groupUnit,
      kioskDevice,
      ordinaryUnit,
      ordinaryUnitAdmin,
      activeAdmin,
      eligibleAdmin,
      scopedHelpdesk,
      adminGroup,
      adminGroupMember,
      hiddenUnit,
      hiddenMember,
      dynamicUnit,
      dynamicMember,
      automationPrincipal,
      ordinaryUsers,
      protectedUsers: [breakGlass1, breakGlass2, hiddenMember, dynamicMember],
      restrictedUnits: [emergencyAccessUnit, groupUnit, hiddenUnit, dynamicUnit],
    },
  };
}

/** Options of {@link largeTenant}. */
export interface LargeTenantOptions {
  /** Total users, protected ones included. */
  readonly users: number;
  /** Restricted units; protected users are spread over them round-robin. */
  readonly restrictedUnits: number;
  /** How many users are direct members of a restricted unit (spread evenly over the user list). */
  readonly protectedUsers: number;
  readonly seed?: string;
  /** Ordinary units, each holding a slice of the unprotected users. Default 1. */
  readonly ordinaryUnits?: number;
}

/** The ids of {@link largeTenant}. */
export interface LargeTenantIds {
  readonly users: readonly string[];
  readonly protectedUsers: readonly string[];
  readonly restrictedUnits: readonly string[];
  readonly ordinaryUnits: readonly string[];
}

/**
 * A big tenant (10,000+ users in a few tens of milliseconds) for scale and paging tests. It writes the
 * model directly instead of going through the builder, whose per-call validation would dominate.
 */
export function largeTenant(options: LargeTenantOptions): TenantFixture<LargeTenantIds> {
  const { users: userCount, restrictedUnits: unitCount, protectedUsers: protectedCount } = options;
  const seed = options.seed ?? "large-tenant";
  const ordinaryUnitCount = options.ordinaryUnits ?? 1;
  for (const [name, value] of Object.entries({ userCount, unitCount, protectedCount, ordinaryUnitCount })) {
    if (!Number.isInteger(value) || value < 0) {
      throw createTestingError(
        "invalid-argument",
        `largeTenant: ${name} must be a whole number >= 0 (got ${value}).`,
      );
    }
  }
  if (protectedCount > userCount || (protectedCount > 0 && unitCount === 0)) {
    throw createTestingError(
      "invalid-argument",
      `largeTenant: ${protectedCount} protected users need at least that many users (${userCount}) and one restricted unit.`,
    );
  }
  const base = tenantBuilder({ seed }).build();
  const userIds: string[] = [];
  for (let index = 0; index < userCount; index++) {
    const name = `user${String(index + 1).padStart(6, "0")}`;
    const id = deterministicGuid(seed, "user", name);
    base.users.set(id, { id, userPrincipalName: `${name}@contoso.onmicrosoft.com`, displayName: name });
    userIds.push(id);
  }
  const newUnit = (name: string, restricted: boolean): TenantUnit => {
    const unit: TenantUnit = {
      id: deterministicGuid(seed, "unit", name),
      displayName: name,
      isMemberManagementRestricted: restricted,
      membershipType: null,
      visibility: null,
      memberIds: [],
    };
    base.units.set(unit.id, unit);
    return unit;
  };
  const restricted = Array.from({ length: unitCount }, (_, index) =>
    newUnit(`Restricted ${index + 1}`, true),
  );
  const ordinary = Array.from({ length: ordinaryUnitCount }, (_, index) =>
    newUnit(`Ordinary ${index + 1}`, false),
  );

  // Evenly spaced, so protected users appear on every page of a paged listing.
  const stride = protectedCount === 0 ? 0 : userCount / protectedCount;
  const protectedIds: string[] = [];
  const protectedSet = new Set<number>();
  for (let index = 0; index < protectedCount; index++) {
    const position = Math.floor(index * stride);
    protectedSet.add(position);
    const id = userIds[position] as string;
    protectedIds.push(id);
    restricted[index % unitCount]?.memberIds.push(id);
  }
  let slot = 0;
  userIds.forEach((id, position) => {
    if (protectedSet.has(position) || ordinary.length === 0 || position % 10 !== 0) return;
    ordinary[slot++ % ordinary.length]?.memberIds.push(id);
  });
  const globalAdmin = protectedIds[0] ?? userIds[0];
  if (globalAdmin !== undefined) {
    base.roleAssignments.push({
      id: deterministicGuid(seed, "roleAssignment", "global-admin"),
      kind: "active",
      roleDefinitionId: BUILT_IN_ROLES["Global Administrator"],
      principalId: globalAdmin,
      directoryScopeId: "/",
    });
  }
  return {
    tenant: base,
    ids: {
      users: userIds,
      protectedUsers: protectedIds,
      restrictedUnits: restricted.map((unit) => unit.id),
      ordinaryUnits: ordinary.map((unit) => unit.id),
    },
  };
}
