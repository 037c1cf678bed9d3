/**
 * Findings: what an operator should know about the tenant's restricted units and about how well we
 * could read them. Core computes them from the directory reads; the CLI prints their codes.
 */
import type { ProtectedUsersRead, RestrictedUnit, RestrictedUnitsRead } from "../ports/directory-reader.js";

/** The finding codes. The list is fixed: the CLI and hosts switch on it. */
export type FindingCode =
  | "UNIT_MEMBERS_UNREADABLE"
  | "GROUP_IN_RESTRICTED_UNIT"
  | "EMPTY_RESTRICTED_UNIT"
  | "DYNAMIC_RESTRICTED_UNIT"
  | "NON_USER_MEMBER"
  | "PRIMARY_SIGNAL_UNAVAILABLE"
  | "PROTECTED_SET_INCOMPLETE"
  | "UNIT_LIST_INCOMPLETE"
  | "ROLE_NOT_FOUND"
  | "ROLE_GROUP_UNREADABLE"
  | "ROLE_ASSIGNMENTS_UNREADABLE"
  | "ROLE_ELIGIBILITY_UNREADABLE"
  | "ROLE_HELD_BY_SERVICE_PRINCIPAL";

/** All finding codes, in a stable order. */
export const FINDING_CODES = [
  "UNIT_MEMBERS_UNREADABLE",
  "GROUP_IN_RESTRICTED_UNIT",
  "EMPTY_RESTRICTED_UNIT",
  "DYNAMIC_RESTRICTED_UNIT",
  "NON_USER_MEMBER",
  "PRIMARY_SIGNAL_UNAVAILABLE",
  "PROTECTED_SET_INCOMPLETE",
  "UNIT_LIST_INCOMPLETE",
  "ROLE_NOT_FOUND",
  "ROLE_GROUP_UNREADABLE",
  "ROLE_ASSIGNMENTS_UNREADABLE",
  "ROLE_ELIGIBILITY_UNREADABLE",
  "ROLE_HELD_BY_SERVICE_PRINCIPAL",
] as const satisfies readonly FindingCode[];

/** One thing worth telling an operator about the tenant, safe to print. */
export interface Finding {
  readonly code: FindingCode;
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  /** The restricted unit concerned, when there is one. */
  readonly unitId?: string | undefined;
  /** The directory object concerned (a group, a non-user member), when there is one. */
  readonly objectId?: string | undefined;
  /** The directory role concerned (role import findings), when there is one. */
  readonly roleId?: string | undefined;
}

/**
 * A unit is readable (its list proves who is NOT a member) when its member list was read completely and,
 * for a hidden-membership unit, the reader confirmed Member.Read.Hidden (`hiddenMembersVisible`).
 * Without that permission Graph may answer 200 with a short or empty list (docs/decisions/0002), so a
 * hidden unit that lists some members proves nothing about the others. Members a list does name are
 * positive evidence either way.
 */
export function isUnitReadable(unit: RestrictedUnit): boolean {
  if (!unit.members.complete) return false;
  return unit.visibility !== "hiddenMembership" || unit.members.hiddenMembersVisible === true;
}

function unitName(unit: RestrictedUnit): string {
  return unit.displayName === null ? `unit ${unit.id}` : `unit "${unit.displayName}" (${unit.id})`;
}

function unitFindings(unit: RestrictedUnit, fallback: boolean): Finding[] {
  const findings: Finding[] = [];
  const name = unitName(unit);
  const m = unit.members;
  if (!isUnitReadable(unit)) {
    const why = !m.complete
      ? `its member list could not be read completely${m.failure ? ` (${m.failure.kind}: ${m.failure.message})` : ""}`
      : "it has hidden membership and Member.Read.Hidden could not be confirmed, so its list may be short (grant Member.Read.Hidden to read every member)";
    findings.push({
      code: "UNIT_MEMBERS_UNREADABLE",
      // Without the primary signal, an unreadable unit leaves every account undecided.
      severity: fallback ? "error" : "warning",
      message: `Members of ${name} are unreadable: ${why}. It is never treated as empty.`,
      unitId: unit.id,
    });
  } else if (m.userIds.length + m.groupIds.length + m.deviceIds.length + m.otherIds.length === 0) {
    findings.push({
      code: "EMPTY_RESTRICTED_UNIT",
      severity: "info",
      message: `Restricted ${name} has no members.`,
      unitId: unit.id,
    });
  }
  if (unit.membershipType === "dynamic") {
    findings.push({
      code: "DYNAMIC_RESTRICTED_UNIT",
      severity: "warning",
      message: `Restricted ${name} has dynamic membership: its rule can add or drop accounts without anyone noticing.`,
      unitId: unit.id,
    });
  }
  for (const groupId of m.groupIds) {
    const names = m.groupDisplayNames;
    const groupName = names !== undefined && Object.hasOwn(names, groupId) ? names[groupId] : undefined;
    const group = typeof groupName === "string" ? `"${groupName}" (${groupId})` : groupId;
    findings.push({
      code: "GROUP_IN_RESTRICTED_UNIT",
      severity: "warning",
      message: `Group ${group} is a member of restricted ${name}; its members are NOT protected by the unit (membership is not transitive). Add the users themselves to protect them.`,
      unitId: unit.id,
      objectId: groupId,
    });
  }
  for (const otherId of m.otherIds) {
    findings.push({
      code: "NON_USER_MEMBER",
      severity: "warning",
      message: `Object ${otherId} in restricted ${name} is listed with a type that is neither a user, a group nor a device (or with no type); a managed account with this id stays undecided (unknown) until the directory names its type.`,
      unitId: unit.id,
      objectId: otherId,
    });
  }
  return findings;
}

/** Computes the findings of one snapshot from the protected-set read and the unit read. */
export function collectFindings(
  protectedRead: ProtectedUsersRead,
  unitsRead: RestrictedUnitsRead,
): Finding[] {
  const findings: Finding[] = [];
  const fallback = protectedRead.primarySignal !== "available";
  if (fallback) {
    const why =
      protectedRead.primarySignal === "unsupported"
        ? "the directory does not support filtering users on isManagementRestricted"
        : "the app may not read isManagementRestricted (403)";
    findings.push({
      code: "PRIMARY_SIGNAL_UNAVAILABLE",
      severity: "warning",
      message: `The protected-user query is ${protectedRead.primarySignal}: ${why}${
        protectedRead.failure ? ` (${protectedRead.failure.message})` : ""
      }. Restricted-unit membership is the only signal.`,
    });
  } else if (!protectedRead.complete) {
    findings.push({
      code: "PROTECTED_SET_INCOMPLETE",
      severity: "error",
      message: `The protected-user query stopped early${
        protectedRead.failure ? ` (${protectedRead.failure.kind}: ${protectedRead.failure.message})` : ""
      }; accounts outside the pages read stay undecided this cycle.`,
    });
  }
  if (!unitsRead.complete) {
    findings.push({
      code: "UNIT_LIST_INCOMPLETE",
      severity: fallback ? "error" : "warning",
      message: `The restricted-unit list stopped early${
        unitsRead.failure ? ` (${unitsRead.failure.kind}: ${unitsRead.failure.message})` : ""
      }; units beyond the pages read are unknown.`,
    });
  }
  for (const unit of unitsRead.units) findings.push(...unitFindings(unit, fallback));
  return findings;
}
