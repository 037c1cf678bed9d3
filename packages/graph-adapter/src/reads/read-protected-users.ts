/**
 * The primary signal: every user whose `isManagementRestricted` is true, in one paged query.
 * Graph documents this filter as a plain `$filter` on `/users` (no `ConsistencyLevel: eventual` and no
 * `$count` needed): https://learn.microsoft.com/graph/api/user-list ("List all users whose management is
 * restricted"). A cloud without the property answers 400 naming it; an app without User.Read.All gets 403.
 */
import type { DirectoryUser, PrimarySignal, ProtectedUsersRead } from "@rotation-exclusion/core/ports";
import { namesMissingRestrictedProperty, toDirectoryFailure } from "../errors/directory-failure.js";
import { createGraphDirectoryError } from "../errors/graph-directory-error.js";
import { nextStepFor } from "../errors/graph-response-error.js";
import { readAllPages } from "../requests/graph-paging.js";
import { type DirectoryContext, graphUrl } from "./directory-context.js";
import { objectId, stringOrNull } from "./graph-json.js";

/** Reads the protected set; never rejects except with the caller's abort reason. */
export async function readProtectedUsers(
  context: DirectoryContext,
  signal: AbortSignal | undefined,
): Promise<ProtectedUsersRead> {
  const users: DirectoryUser[] = [];
  const query =
    `$filter=${encodeURIComponent("isManagementRestricted eq true")}` +
    `&$select=id,userPrincipalName,displayName,isManagementRestricted&$top=${context.pageSizes.users}`;
  const result = await readAllPages(context.runner, {
    firstUrl: graphUrl(context, `/users?${query}`),
    route: "GET /users",
    what: "Listing protected users",
    tenantId: context.tenantId,
    maxPages: context.maxPages,
    signal,
    onPage(items) {
      const page: DirectoryUser[] = [];
      const bad = (problem: string) =>
        createGraphDirectoryError(
          "bad-response",
          `Listing protected users on tenant ${context.tenantId}: ${problem}. ${nextStepFor("bad-response")}`,
        );
      for (const item of items) {
        const id = objectId(item);
        if (id === undefined) throw bad("a user without an id was returned");
        // Every item must carry the flag the filter asked for: a server that ignored the filter (or a
        // proxy that rewrote it) must never make us exclude everyone. Absent is not true (decision 0001).
        const flag = (item as Record<string, unknown>).isManagementRestricted;
        if (flag !== true) {
          throw bad(
            `user ${id} was returned with isManagementRestricted ${flag === undefined ? "absent" : String(JSON.stringify(flag)).slice(0, 40)}, contradicting the filter`,
          );
        }
        page.push({
          id,
          userPrincipalName: stringOrNull(item, "userPrincipalName"),
          displayName: stringOrNull(item, "displayName"),
        });
      }
      users.push(...page);
    },
  });
  const { error } = result;
  if (error === undefined) return { primarySignal: "available", users, complete: true };
  if (result.pagesRead === 0) {
    let primarySignal: PrimarySignal | undefined;
    if (namesMissingRestrictedProperty(error)) primarySignal = "unsupported";
    else if (error.status === 403) primarySignal = "forbidden";
    if (primarySignal !== undefined) {
      context.logger.warn(
        { primarySignal, status: error.status, graphCode: error.graphCode },
        "protected-users query unavailable; falling back to unit enumeration",
      );
      return {
        primarySignal,
        users: [],
        complete: false,
        failure: toDirectoryFailure(
          error,
          primarySignal === "unsupported" ? "unsupported" : "permission-missing",
        ),
      };
    }
  }
  return { primarySignal: "available", users, complete: false, failure: toDirectoryFailure(error) };
}
