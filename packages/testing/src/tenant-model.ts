/**
 * The data model of a test tenant: plain, mutable data that the in-memory directory reads and the fake
 * Graph server serves, so that both describe the same tenant. Values follow Microsoft Graph's spelling
 * (`membershipType: "Dynamic"`, `visibility: "HiddenMembership"`) so the fake server can emit them as is.
 *
 * Mutate it between cycles (move a user into a restricted unit, delete a unit) to simulate a changing
 * directory; readers see the change on their next read.
 */

/** A user (`microsoft.graph.user`). */
export interface TenantUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /**
   * What the directory reports as `isManagementRestricted`, when it differs from unit membership: `null`
   * (Graph's unset value, read as false) or a lagging flag (eventual consistency). Absent: computed.
   */
  isManagementRestricted?: boolean | null;
  /**
   * An agent user (`#microsoft.graph.agentUser`, a declared subtype of user): a user for unit membership,
   * but it has no password, so a role import never adds it to the store.
   */
  agentUser?: boolean;
}

/** A group (`microsoft.graph.group`); `isAssignableToRole` marks role-assignable groups. */
export interface TenantGroup {
  id: string;
  displayName: string;
  isAssignableToRole: boolean;
  /** Direct members: user, group or device ids. */
  memberIds: string[];
}

/** A device (`microsoft.graph.device`). */
export interface TenantDevice {
  id: string;
  displayName: string;
}

/** A service principal (`microsoft.graph.servicePrincipal`). */
export interface TenantServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  /** One of the declared subtypes Graph names instead (`#microsoft.graph.agentIdentity`, …). */
  agentKind?: "agentIdentity" | "agentIdentityBlueprintPrincipal";
}

/**
 * A directory object of another kind, listed with the `@odata.type` given (`null`: none at all), to test
 * what a reader does with a type it cannot read as a user, group or device.
 */
export interface TenantOtherObject {
  id: string;
  displayName: string | null;
  odataType: string | null;
}

/** An administrative unit (`microsoft.graph.administrativeUnit`). */
export interface TenantUnit {
  id: string;
  displayName: string;
  /** True for a restricted management administrative unit (RMAU). */
  isMemberManagementRestricted: boolean;
  /** Graph's values; `null` behaves like `Assigned`. */
  membershipType: "Assigned" | "Dynamic" | null;
  /** Graph's values; `null` behaves like `Public`. */
  visibility: "Public" | "HiddenMembership" | null;
  /** Direct members: user, group or device ids. */
  memberIds: string[];
}

/** A directory role definition (`unifiedRoleDefinition`); built-in roles use their template id as id. */
export interface TenantRoleDefinition {
  id: string;
  displayName: string;
  isBuiltIn: boolean;
}

/** An active (`unifiedRoleAssignment`) or PIM-eligible (`unifiedRoleEligibilityScheduleInstance`) assignment. */
export interface TenantRoleAssignment {
  id: string;
  kind: "active" | "eligible";
  roleDefinitionId: string;
  /** A user, a role-assignable group or a service principal. */
  principalId: string;
  /** `/` for the whole tenant, `/administrativeUnits/{id}` for a unit-scoped assignment. */
  directoryScopeId: string;
}

/** A whole test tenant. */
export interface TenantModel {
  tenantId: string;
  users: Map<string, TenantUser>;
  groups: Map<string, TenantGroup>;
  devices: Map<string, TenantDevice>;
  servicePrincipals: Map<string, TenantServicePrincipal>;
  units: Map<string, TenantUnit>;
  roleDefinitions: Map<string, TenantRoleDefinition>;
  roleAssignments: TenantRoleAssignment[];
  /** Objects of other or unknown types (optional; see {@link TenantOtherObject}). */
  otherObjects?: Map<string, TenantOtherObject>;
}

/**
 * Entra's `isManagementRestricted` for a user: true when the user is a direct member of any restricted
 * management administrative unit. Membership is never transitive (a group in the unit does not count).
 */
export function isManagementRestricted(tenant: TenantModel, userId: string): boolean {
  // An explicit value on the user stands for what Entra reports, lag included.
  const reported = tenant.users.get(userId)?.isManagementRestricted;
  if (reported !== undefined) return reported === true;
  for (const unit of tenant.units.values()) {
    if (unit.isMemberManagementRestricted && unit.memberIds.includes(userId)) return true;
  }
  return false;
}

/** The kind of directory object an id names in the tenant, or `undefined` when none. */
export function objectKind(
  tenant: TenantModel,
  id: string,
): "user" | "group" | "device" | "servicePrincipal" | "other" | undefined {
  if (tenant.users.has(id)) return "user";
  if (tenant.groups.has(id)) return "group";
  if (tenant.devices.has(id)) return "device";
  if (tenant.servicePrincipals.has(id)) return "servicePrincipal";
  if (tenant.otherObjects?.has(id)) return "other";
  return undefined;
}

/**
 * The `isManagementRestricted` value Graph would return for a user: the user's explicit value when set
 * (`null` included), else `true` for a direct member of a restricted unit and `null` otherwise (Graph
 * documents `null` as the default, behaving as false).
 */
export function reportedManagementRestricted(tenant: TenantModel, userId: string): boolean | null {
  const reported = tenant.users.get(userId)?.isManagementRestricted;
  if (reported !== undefined) return reported;
  return isManagementRestricted(tenant, userId) ? true : null;
}
