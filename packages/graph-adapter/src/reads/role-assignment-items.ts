/**
 * Reads one page item of `roleAssignments` or `roleEligibilityScheduleInstances` (with
 * `$expand=principal`) into what the role read needs: the assignment's id and scope, and the principal
 * classified by its `@odata.type`. A principal Graph expands to `null` (deleted since the assignment was
 * made) or of a type we do not know is kept as "other", never guessed to be a user.
 * See https://learn.microsoft.com/graph/api/resources/unifiedroleassignment.
 */
import type { DirectoryUser } from "@rotation-exclusion/core/ports";
import { directoryObjectKind, objectId, stringOrNull } from "./graph-json.js";

/** The principal of an assignment, classified. */
export type AssignmentPrincipal =
  | { readonly type: "user"; readonly user: DirectoryUser }
  | { readonly type: "group"; readonly id: string; readonly displayName: string | null }
  | {
      readonly type: "servicePrincipal" | "agentUser" | "other";
      readonly id: string;
      readonly displayName: string | null;
    };

/** One active or eligible assignment of the role. */
export interface AssignmentItem {
  readonly assignmentId: string;
  readonly kind: "active" | "eligible";
  /** `/` for tenant-wide, `/administrativeUnits/{id}` for a unit-scoped assignment. */
  readonly directoryScopeId: string;
  readonly principal: AssignmentPrincipal;
}

/** A user as a principal or a member carries it. */
export function directoryUser(item: unknown, id: string): DirectoryUser {
  return {
    id,
    userPrincipalName: stringOrNull(item, "userPrincipalName"),
    displayName: stringOrNull(item, "displayName"),
  };
}

function classify(principal: unknown, principalId: string): AssignmentPrincipal {
  const expanded = typeof principal === "object" && principal !== null ? principal : undefined;
  const id = (expanded !== undefined ? objectId(expanded) : undefined) ?? principalId;
  const displayName = expanded !== undefined ? stringOrNull(expanded, "displayName") : null;
  const kind = expanded !== undefined ? directoryObjectKind(expanded) : "unknown";
  switch (kind) {
    case "user":
      return { type: "user", user: directoryUser(expanded, id) };
    case "group":
      return { type: "group", id, displayName };
    // An agent user holds the role but has no password to rotate: reported, never imported.
    case "servicePrincipal":
    case "agentUser":
      return { type: kind, id, displayName };
    default:
      return { type: "other", id, displayName };
  }
}

/**
 * Reads one item, or returns a problem in words when the item is not what Graph documents (the caller
 * then rejects the whole page as a bad response).
 */
export function readAssignmentItem(
  item: unknown,
  kind: "active" | "eligible",
): AssignmentItem | { readonly problem: string } {
  const assignmentId = objectId(item);
  if (assignmentId === undefined) return { problem: "an assignment without an id was returned" };
  const record = item as Record<string, unknown>;
  // Never default the scope: a unit-scoped assignment read as tenant-wide would overstate the role.
  const directoryScopeId = record.directoryScopeId;
  if (typeof directoryScopeId !== "string" || directoryScopeId.length === 0) {
    return { problem: `assignment ${assignmentId} has no directoryScopeId` };
  }
  const principalId =
    stringOrNull(record, "principalId") ?? (record.principal ? objectId(record.principal) : undefined);
  if (principalId === undefined || principalId === null || principalId === "") {
    return { problem: `assignment ${assignmentId} has no principalId` };
  }
  return { assignmentId, kind, directoryScopeId, principal: classify(record.principal, principalId) };
}
