/**
 * Who the rotation app may reset a password for, as Entra decides it (docs/decisions/0015): a member of
 * a restricted management administrative unit only with a role scoped to that unit (and never an
 * administrator), an administrator only with Privileged Authentication Administrator or Global
 * Administrator tenant-wide, anyone else with any role that resets passwords.
 * See https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions
 * and https://learn.microsoft.com/entra/identity/role-based-access-control/admin-units-restricted-management.
 */
import { BUILT_IN_ROLES } from "../built-in-roles.js";
import type { TenantModel } from "../tenant-model.js";

/** The rotation app as the fake Graph sees it when it changes passwords. */
export interface FakeGraphRotationApp {
  /**
   * Directory roles the app holds tenant-wide, by display name or template id. Default: Privileged
   * Authentication Administrator, which resets every password outside restricted units.
   */
  readonly directoryRoles?: readonly string[];
  /**
   * The app's service principal in the tenant model: its role assignments there count too, including
   * assignments scoped to an administrative unit.
   */
  readonly servicePrincipalId?: string;
}

/** What Graph does with a password reset. */
export type PasswordResetDecision = "allowed" | "restricted-unit" | "insufficient-privileges";

const ADMIN_RESETTERS: ReadonlySet<string> = new Set<string>([
  BUILT_IN_ROLES["Global Administrator"],
  BUILT_IN_ROLES["Privileged Authentication Administrator"],
]);
const USER_RESETTERS: ReadonlySet<string> = new Set<string>([
  ...ADMIN_RESETTERS,
  BUILT_IN_ROLES["User Administrator"],
  BUILT_IN_ROLES["Helpdesk Administrator"],
  BUILT_IN_ROLES["Password Administrator"],
  BUILT_IN_ROLES["Authentication Administrator"],
]);

function roleIds(tenant: TenantModel, names: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const name of names) {
    const wanted = name.toLowerCase();
    for (const role of tenant.roleDefinitions.values()) {
      if (role.id.toLowerCase() === wanted || role.displayName.toLowerCase() === wanted) ids.add(role.id);
    }
  }
  return ids;
}

/** True when the user holds an active directory role, directly or through a role-assignable group. */
function isAdministrator(tenant: TenantModel, userId: string): boolean {
  return tenant.roleAssignments.some(
    (assignment) =>
      assignment.kind === "active" &&
      (assignment.principalId === userId ||
        tenant.groups.get(assignment.principalId)?.memberIds.includes(userId) === true),
  );
}

/** Decides a password reset of `userId` by the app. */
export function passwordResetDecision(
  tenant: TenantModel,
  app: FakeGraphRotationApp,
  userId: string,
): PasswordResetDecision {
  const tenantWide = roleIds(tenant, app.directoryRoles ?? ["Privileged Authentication Administrator"]);
  const scoped = new Map<string, Set<string>>();
  for (const assignment of tenant.roleAssignments) {
    if (assignment.kind !== "active" || assignment.principalId !== app.servicePrincipalId) continue;
    if (assignment.directoryScopeId === "/") tenantWide.add(assignment.roleDefinitionId);
    const unitId = /^\/administrativeUnits\/(.+)$/i.exec(assignment.directoryScopeId)?.[1]?.toLowerCase();
    if (unitId !== undefined)
      scoped.set(unitId, (scoped.get(unitId) ?? new Set()).add(assignment.roleDefinitionId));
  }
  const admin = isAdministrator(tenant, userId);
  const restrictedUnits = [...tenant.units.values()].filter(
    (unit) => unit.isMemberManagementRestricted && unit.memberIds.includes(userId),
  );
  if (restrictedUnits.length > 0) {
    // Only a role scoped to one of the user's restricted units reaches it, and no such role resets an
    // administrator's password.
    const reached = restrictedUnits.some((unit) =>
      [...(scoped.get(unit.id.toLowerCase()) ?? [])].some((role) => USER_RESETTERS.has(role)),
    );
    return reached && !admin ? "allowed" : "restricted-unit";
  }
  const resetters = admin ? ADMIN_RESETTERS : USER_RESETTERS;
  return [...tenantWide].some((role) => resetters.has(role)) ? "allowed" : "insufficient-privileges";
}
