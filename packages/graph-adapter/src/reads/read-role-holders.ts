/**
 * The holders of one directory role, for "import every Global Administrator": the role definition (by
 * display name through an OData string literal, or by id), its active assignments and its PIM eligibility
 * instances with `$expand=principal`, and each role-assignable group expanded once to its direct user
 * members, a few groups at a time (members that are not users are reported as other holders). Every
 * failed step is reported (never thrown), so an unreadable group makes the read incomplete instead of
 * silently dropping its members; a tenant without the licence PIM needs is said to be one.
 * See https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments,
 * https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances and
 * https://learn.microsoft.com/graph/api/group-list-members.
 */
import { isGuid, mapConcurrently } from "@rotation-exclusion/core/internal";
import type {
  DirectoryFailure,
  DirectoryUser,
  RoleHoldersRead,
  RoleOtherHolder,
  RoleUserHolder,
} from "@rotation-exclusion/core/ports";
import { needsPremiumLicence, toDirectoryFailure } from "../errors/directory-failure.js";
import {
  createGraphDirectoryError,
  type GraphDirectoryError,
  isGraphDirectoryError,
} from "../errors/graph-directory-error.js";
import { whatFailed } from "../errors/graph-response-error.js";
import { readAllPages } from "../requests/graph-paging.js";
import { type DirectoryContext, graphUrl } from "./directory-context.js";
import { directoryObjectKind, objectId, stringOrNull } from "./graph-json.js";
import { readListing } from "./read-listing.js";
import { type AssignmentItem, directoryUser, readAssignmentItem } from "./role-assignment-items.js";

type RoleReadFailure = RoleHoldersRead["failures"][number];

/** An OData string literal: single quotes doubled (https://docs.oasis-open.org/odata/odata/v4.01/). */
function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A failed step as core sees it. A 403 is `permission-missing` with a plain account of what failed; core
 * names the permission each step needs (role-import-findings.ts), so it is said once, in one place.
 */
function failureOf(error: GraphDirectoryError): DirectoryFailure {
  const failure = toDirectoryFailure(error);
  if (needsPremiumLicence(error)) {
    // Not a query to fix or a read to retry: this tenant lacks the licence PIM needs (decision 0008).
    return {
      ...failure,
      kind: "unsupported",
      message: `${whatFailed(error)} The tenant has no Microsoft Entra ID P2 or ID Governance licence, which PIM eligibility needs; its eligible holders cannot be listed.`,
    };
  }
  if (error.status !== 403) return failure;
  return { ...failure, kind: "permission-missing", message: whatFailed(error) };
}

function badPage(context: DirectoryContext, what: string, problem: string): GraphDirectoryError {
  return createGraphDirectoryError("bad-response", `${what} on tenant ${context.tenantId}: ${problem}.`);
}

type RoleLookup =
  | { readonly role: { readonly id: string; readonly displayName: string | null } | null }
  | { readonly error: GraphDirectoryError };

async function findRole(
  context: DirectoryContext,
  role: string,
  signal: AbortSignal | undefined,
): Promise<RoleLookup> {
  const what = `Reading role definition "${role}"`;
  if (isGuid(role)) {
    const id = role.toLowerCase();
    try {
      return await context.runner.run({
        route: "GET /roleManagement/directory/roleDefinitions/{id}",
        what,
        idempotent: true,
        signal,
        request: () => ({
          method: "GET",
          url: graphUrl(context, `/roleManagement/directory/roleDefinitions/${id}?$select=id,displayName`),
        }),
        accept: ({ json }) => {
          const found = objectId(json);
          if (found === undefined) throw badPage(context, what, "the role definition has no id");
          return { role: { id: found, displayName: stringOrNull(json, "displayName") } };
        },
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isGraphDirectoryError(error)) throw error;
      // No such role is a finding for the caller, not a failed read.
      if (error.code === "not-found") return { role: null };
      return { error };
    }
  }
  const found: { id: string; displayName: string | null }[] = [];
  const filter = encodeURIComponent(`displayName eq ${odataString(role)}`);
  const result = await readListing(context, {
    route: "GET /roleManagement/directory/roleDefinitions",
    path: "/roleManagement/directory/roleDefinitions",
    // https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions names $filter, not $select.
    documented: { $filter: filter },
    undocumented: { $select: "id,displayName" },
    what,
    signal,
    restart() {
      found.length = 0;
    },
    onPage(items) {
      const page = items.map((item) => {
        const id = objectId(item);
        if (id === undefined) throw badPage(context, what, "a role definition without an id was returned");
        return { id, displayName: stringOrNull(item, "displayName") };
      });
      found.push(...page);
    },
  });
  // A match already read is positive evidence; a later page's failure cannot undo it.
  if (found[0] !== undefined) return { role: found[0] };
  if (result.error !== undefined) return { error: result.error };
  return { role: null };
}

async function readAssignments(
  context: DirectoryContext,
  role: { readonly id: string; readonly displayName: string | null },
  kind: "active" | "eligible",
  signal: AbortSignal | undefined,
): Promise<{ items: AssignmentItem[]; error?: GraphDirectoryError | undefined }> {
  const items: AssignmentItem[] = [];
  const entitySet = kind === "active" ? "roleAssignments" : "roleEligibilityScheduleInstances";
  const what = `Listing ${kind} assignments of role "${role.displayName ?? role.id}"`;
  const filter = encodeURIComponent(`roleDefinitionId eq ${odataString(role.id)}`);
  const result = await readAllPages(context.runner, {
    firstUrl: graphUrl(context, `/roleManagement/directory/${entitySet}?$filter=${filter}&$expand=principal`),
    route: `GET /roleManagement/directory/${entitySet}`,
    what,
    tenantId: context.tenantId,
    maxPages: context.maxPages,
    signal,
    onPage(page) {
      const read: AssignmentItem[] = [];
      for (const raw of page) {
        const item = readAssignmentItem(raw, kind);
        if ("problem" in item) throw badPage(context, what, item.problem);
        read.push(item);
      }
      items.push(...read);
    },
  });
  return { items, error: result.error };
}

/** A member of a role-assignable group that is not a user: it holds the role, but is never imported. */
interface NonUserMember {
  readonly id: string;
  readonly type: RoleOtherHolder["principalType"];
  readonly displayName: string | null;
}

interface GroupMembers {
  readonly users: DirectoryUser[];
  readonly nonUsers: NonUserMember[];
  readonly error?: GraphDirectoryError | undefined;
}

async function readGroupMembers(
  context: DirectoryContext,
  groupId: string,
  signal: AbortSignal | undefined,
): Promise<GroupMembers> {
  const users: DirectoryUser[] = [];
  const nonUsers: NonUserMember[] = [];
  const what = `Listing members of role-assignable group ${groupId}`;
  const result = await readAllPages(context.runner, {
    firstUrl: graphUrl(
      context,
      `/groups/${encodeURIComponent(groupId)}/members?$select=id,userPrincipalName,displayName&$top=${context.pageSizes.members}`,
    ),
    route: "GET /groups/{id}/members",
    what,
    tenantId: context.tenantId,
    maxPages: context.maxPages,
    signal,
    onPage(items) {
      const page: DirectoryUser[] = [];
      const others: NonUserMember[] = [];
      for (const item of items) {
        const id = objectId(item);
        if (id === undefined) throw badPage(context, what, "a member without an id was returned");
        const kind = directoryObjectKind(item);
        // Only users are accounts to import. Anything else (a service principal, an agent user, or a
        // type we do not know) still holds the role through the group, so it is reported, never dropped.
        if (kind === "user") page.push(directoryUser(item, id));
        else
          others.push({
            id,
            type: kind === "servicePrincipal" || kind === "agentUser" ? kind : "other",
            displayName: stringOrNull(item, "displayName"),
          });
      }
      users.push(...page);
      nonUsers.push(...others);
    },
  });
  return { users, nonUsers, error: result.error };
}

/** Reads the holders of `role` (display name or role definition id); rejects only with the abort reason. */
export async function readRoleHolders(
  context: DirectoryContext,
  role: string,
  signal: AbortSignal | undefined,
): Promise<RoleHoldersRead> {
  signal?.throwIfAborted();
  const users: RoleUserHolder[] = [];
  const others: RoleOtherHolder[] = [];
  const failures: RoleReadFailure[] = [];
  const lookup = await findRole(context, role, signal);
  if ("error" in lookup) {
    const failure = failureOf(lookup.error);
    return { role: null, users, others, complete: false, failures: [{ step: "role-definition", failure }] };
  }
  const definition = lookup.role;
  if (definition === null) return { role: null, users, others, complete: true, failures };

  const assignments: AssignmentItem[] = [];
  for (const kind of ["active", "eligible"] as const) {
    const read = await readAssignments(context, definition, kind, signal);
    assignments.push(...read.items);
    if (read.error !== undefined) {
      const step = kind === "active" ? "active-assignments" : "eligible-assignments";
      failures.push({ step, failure: failureOf(read.error) });
    }
  }

  // Each group once, however many assignments it holds the role through.
  const groups = new Map<string, string | null>();
  for (const { principal } of assignments) {
    if (principal.type === "group" && !groups.has(principal.id))
      groups.set(principal.id, principal.displayName);
  }
  const groupIds = [...groups.keys()];
  const expanded = await mapConcurrently(groupIds, (groupId) => readGroupMembers(context, groupId, signal), {
    concurrency: context.memberReadConcurrency,
  });
  const membersOf = new Map(groupIds.map((groupId, index) => [groupId, expanded[index] as GroupMembers]));
  for (const [groupId, members] of membersOf) {
    if (members.error === undefined) continue;
    failures.push({
      step: "group-members",
      groupId,
      groupDisplayName: groups.get(groupId) ?? null,
      failure: failureOf(members.error),
    });
  }

  for (const assignment of assignments) {
    const base = {
      kind: assignment.kind,
      directoryScopeId: assignment.directoryScopeId,
      assignmentId: assignment.assignmentId,
    };
    const { principal } = assignment;
    if (principal.type === "user") {
      users.push({ ...base, user: principal.user, via: null });
    } else if (principal.type === "group") {
      const via = { groupId: principal.id, groupDisplayName: principal.displayName };
      // Members read before a failing page are still holders; the failure makes the read incomplete.
      const members = membersOf.get(principal.id);
      for (const user of members?.users ?? []) users.push({ ...base, user, via });
      for (const member of members?.nonUsers ?? []) {
        others.push({
          ...base,
          principalId: member.id,
          principalType: member.type,
          displayName: member.displayName,
        });
      }
    } else {
      others.push({
        ...base,
        principalId: principal.id,
        principalType: principal.type,
        displayName: principal.displayName,
      });
    }
  }
  return {
    role: definition,
    users,
    others,
    complete: failures.length === 0,
    failures,
  };
}
