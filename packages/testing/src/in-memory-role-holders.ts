/**
 * The role-holder read of the in-memory directory: active and PIM-eligible assignments of one role,
 * role-assignable groups expanded to their direct user members, each failed step reported (never thrown)
 * so an unreadable group makes the read incomplete instead of silently dropping its users.
 */
import type {
  RoleHoldersRead,
  RoleOtherHolder,
  RoleReadFailure,
  RoleUserHolder,
} from "@rotation-exclusion/core/ports";
import type { ContractFaultKind } from "./contract/directory-harness.js";
import { failureForFault, type InMemoryFault } from "./in-memory-faults.js";
import { objectKind, type TenantModel } from "./tenant-model.js";

// Each step answers to its in-memory fault name and to its contract fault name.
const FAULT_OPERATIONS = {
  "role-definition": ["role-definition"],
  "active-assignments": ["active-assignments", "role-assignments"],
  "eligible-assignments": ["eligible-assignments", "role-eligibility"],
} as const satisfies Record<string, readonly InMemoryFault["operation"][]>;

const strikes = (step: keyof typeof FAULT_OPERATIONS) => (fault: InMemoryFault) =>
  (FAULT_OPERATIONS[step] as readonly string[]).includes(fault.operation);

/** What the role read needs from its directory: request counting and fault matching. */
export interface RoleReadContext {
  request(endpoint: string): Promise<void>;
  takeFault(endpoint: string, matches: (fault: InMemoryFault) => boolean): ContractFaultKind | undefined;
}

const ENDPOINT = {
  definitions: "roleManagement/directory/roleDefinitions",
  active: "roleManagement/directory/roleAssignments",
  eligible: "roleManagement/directory/roleEligibilityScheduleInstances",
  groupMembers: "groups/{id}/members",
} as const;

/** Reads the holders of `role` (display name or id, case-insensitive) from the tenant model. */
export async function readRoleHoldersInMemory(
  tenant: TenantModel,
  role: string,
  context: RoleReadContext,
): Promise<RoleHoldersRead> {
  const users: RoleUserHolder[] = [];
  const others: RoleOtherHolder[] = [];
  const failures: RoleReadFailure[] = [];

  await context.request(ENDPOINT.definitions);
  const definitionFault = context.takeFault(ENDPOINT.definitions, strikes("role-definition"));
  if (definitionFault) {
    const failure = failureForFault(definitionFault, `Role definition "${role}"`);
    return { role: null, users, others, complete: false, failures: [{ step: "role-definition", failure }] };
  }
  const wanted = role.toLowerCase();
  const definition = [...tenant.roleDefinitions.values()].find(
    (candidate) => candidate.id.toLowerCase() === wanted || candidate.displayName.toLowerCase() === wanted,
  );
  // No such role is a finding for the caller, not a failed read.
  if (!definition) return { role: null, users, others, complete: true, failures };

  for (const kind of ["active", "eligible"] as const) {
    const step = kind === "active" ? "active-assignments" : "eligible-assignments";
    const endpoint = kind === "active" ? ENDPOINT.active : ENDPOINT.eligible;
    await context.request(endpoint);
    const listFault = context.takeFault(endpoint, strikes(step));
    if (listFault) {
      failures.push({
        step,
        failure: failureForFault(listFault, `${kind} assignments of "${definition.displayName}"`),
      });
      continue;
    }
    const assignments = tenant.roleAssignments.filter(
      (assignment) => assignment.kind === kind && assignment.roleDefinitionId === definition.id,
    );
    for (const assignment of assignments) {
      const base = { kind, directoryScopeId: assignment.directoryScopeId, assignmentId: assignment.id };
      const user = tenant.users.get(assignment.principalId);
      const group = tenant.groups.get(assignment.principalId);
      const servicePrincipal = tenant.servicePrincipals.get(assignment.principalId);
      if (user?.agentUser === true) {
        // An agent user holds the role but has no password to rotate: reported, never imported.
        others.push({
          ...base,
          principalId: user.id,
          principalType: "agentUser",
          displayName: user.displayName,
        });
      } else if (user) {
        users.push({
          ...base,
          user: { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName },
          via: null,
        });
      } else if (group) {
        await context.request(ENDPOINT.groupMembers);
        const groupFault = context.takeFault(
          ENDPOINT.groupMembers,
          (fault) => fault.operation === "group-members" && fault.groupId === group.id,
        );
        if (groupFault) {
          const failure = failureForFault(
            groupFault,
            `Members of role-assignable group "${group.displayName}"`,
          );
          failures.push({
            step: "group-members",
            groupId: group.id,
            groupDisplayName: group.displayName,
            failure,
          });
          continue;
        }
        for (const memberId of group.memberIds) {
          const member = tenant.users.get(memberId);
          if (member?.agentUser === true) {
            others.push({
              ...base,
              principalId: member.id,
              principalType: "agentUser",
              displayName: member.displayName,
            });
            continue;
          }
          if (!member) {
            // Like the Graph reader: a non-user member holds the role too; it is reported, never imported.
            const kind = objectKind(tenant, memberId);
            if (kind === undefined) continue; // deleted objects are not listed by Graph either
            const principal =
              kind === "servicePrincipal" ? tenant.servicePrincipals.get(memberId) : undefined;
            others.push({
              ...base,
              principalId: memberId,
              principalType: kind === "servicePrincipal" ? "servicePrincipal" : "other",
              displayName:
                principal?.displayName ??
                tenant.groups.get(memberId)?.displayName ??
                tenant.devices.get(memberId)?.displayName ??
                null,
            });
            continue;
          }
          users.push({
            ...base,
            user: {
              id: member.id,
              userPrincipalName: member.userPrincipalName,
              displayName: member.displayName,
            },
            via: { groupId: group.id, groupDisplayName: group.displayName },
          });
        }
      } else if (servicePrincipal) {
        others.push({
          ...base,
          principalId: servicePrincipal.id,
          principalType: "servicePrincipal",
          displayName: servicePrincipal.displayName,
        });
      } else {
        others.push({
          ...base,
          principalId: assignment.principalId,
          principalType: "other",
          displayName: tenant.otherObjects?.get(assignment.principalId)?.displayName ?? null,
        });
      }
    }
  }
  return {
    role: { id: definition.id, displayName: definition.displayName },
    users,
    others,
    complete: failures.length === 0,
    failures,
  };
}
