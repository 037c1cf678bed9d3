/**
 * The findings of a role import: roles that do not exist, role reads that failed (with the permission
 * the app most likely lacks), and roles held by principals that are never imported.
 */
import type { DirectoryFailure, RoleReadFailure } from "../ports/directory-reader.js";
import type { Finding } from "../snapshot/finding.js";
import type { RoleImportOther, RoleImportRole } from "./plan-role-import.js";

// Permissions per Microsoft Graph's permission reference for each list call:
// https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments,
// https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances,
// https://learn.microsoft.com/graph/api/group-list-members.
const PERMISSION = {
  definition: "RoleManagement.Read.Directory",
  active: "RoleManagement.Read.Directory",
  eligible: "RoleEligibilitySchedule.Read.Directory",
  group: "GroupMember.Read.All",
} as const;

function describeFailure(failure: DirectoryFailure): string {
  const status = failure.status === undefined ? "" : ` ${failure.status}`;
  return `${failure.kind}${status}: ${failure.message}`;
}

function nextStep(failure: DirectoryFailure, permission: string): string {
  switch (failure.kind) {
    case "permission-missing":
      return `The app likely lacks ${permission}; grant it and plan the import again.`;
    case "unsupported":
      // The directory cannot serve this read at all (for PIM: no Entra ID P2 / ID Governance licence);
      // retrying or granting a permission will not help.
      return "The tenant cannot serve this read (see the message above); retrying will not change it.";
    default:
      return `Plan the import again later (this read needs ${permission}).`;
  }
}

function roleName(role: RoleImportRole): string {
  const { requested } = role;
  if (role.role === null) return `"${requested}"`;
  return `"${role.role.displayName ?? requested}" (${role.role.id})`;
}

const LIST_STEPS = {
  "role-definition": {
    code: "ROLE_ASSIGNMENTS_UNREADABLE",
    what: "The definition of role",
    lost: "none of its holders are in the plan",
    permission: PERMISSION.definition,
  },
  "active-assignments": {
    code: "ROLE_ASSIGNMENTS_UNREADABLE",
    what: "Active assignments of role",
    lost: "its active holders are not in the plan",
    permission: PERMISSION.active,
  },
  "eligible-assignments": {
    code: "ROLE_ELIGIBILITY_UNREADABLE",
    what: "PIM-eligible assignments of role",
    lost: "its eligible holders are not in the plan",
    permission: PERMISSION.eligible,
  },
} as const;

function failureFinding(role: RoleImportRole, entry: RoleReadFailure): Finding {
  const name = roleName(role);
  const roleId = role.role?.id;
  const { failure } = entry;
  const why = describeFailure(failure);
  if (entry.step === "group-members") {
    const group =
      entry.groupDisplayName === undefined || entry.groupDisplayName === null
        ? `group ${entry.groupId ?? "(unknown id)"}`
        : `group "${entry.groupDisplayName}" (${entry.groupId ?? "unknown id"})`;
    return {
      code: "ROLE_GROUP_UNREADABLE",
      severity: "error",
      message: `Members of role-assignable ${group}, which holds role ${name}, could not be read (${why}); its users are not in the plan, and the plan is incomplete. ${nextStep(failure, PERMISSION.group)}`,
      roleId,
      objectId: entry.groupId,
    };
  }
  const step = LIST_STEPS[entry.step];
  return {
    code: step.code,
    severity: "error",
    message: `${step.what} ${name} could not be read (${why}); ${step.lost}. ${nextStep(failure, step.permission)}`,
    roleId,
  };
}

/** Computes the findings of a role import plan from its role reads and its other principals. */
export function collectRoleFindings(
  roles: readonly RoleImportRole[],
  others: readonly RoleImportOther[],
): Finding[] {
  const findings: Finding[] = [];
  for (const role of roles) {
    // A role that is simply not there (not a failed read) is worth a warning: likely a typo.
    if (role.role === null && role.failures.length === 0) {
      findings.push({
        code: "ROLE_NOT_FOUND",
        severity: "warning",
        message: `No directory role is named "${role.requested}" or has that role template id; nothing was planned for it. Check the spelling, or name the role by its template id.`,
      });
    }
    for (const entry of role.failures) findings.push(failureFinding(role, entry));
  }
  for (const other of others) {
    if (other.principalType !== "servicePrincipal") continue;
    const roles = [...new Set(other.paths.map((path) => path.roleDisplayName ?? path.roleId))];
    const name =
      other.displayName === null ? other.principalId : `"${other.displayName}" (${other.principalId})`;
    findings.push({
      code: "ROLE_HELD_BY_SERVICE_PRINCIPAL",
      severity: "info",
      message: `Service principal ${name} holds ${roles.join(", ")}; it has no password to rotate here and is not imported.`,
      objectId: other.principalId,
    });
  }
  return findings;
}
