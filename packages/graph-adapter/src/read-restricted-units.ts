/**
 * The second signal: restricted management administrative units and their direct members.
 * `isMemberManagementRestricted` is filtered in code, not in `$filter`, so that a unit whose flag Graph
 * reports as `null` is never mistaken for anything but an ordinary unit. Members are listed per unit, a
 * few units at a time; a hidden-membership unit lists its members only to apps with Member.Read.Hidden.
 * See https://learn.microsoft.com/graph/api/administrativeunit-list-members
 */
import type { RestrictedUnit, RestrictedUnitsRead, UnitMembers } from "@rotation-exclusion/core";
import { type DirectoryContext, graphUrl, objectId, stringOrNull } from "./directory-context.js";
import { toDirectoryFailure } from "./directory-failure.js";
import { createGraphDirectoryError } from "./graph-directory-error.js";
import { readAllPages } from "./graph-paging.js";

type UnitHeader = Omit<RestrictedUnit, "members">;

function badItem(context: DirectoryContext, what: string) {
  return createGraphDirectoryError(
    "bad-response",
    `${what} on tenant ${context.tenantId}: an item without an id was returned.`,
  );
}

async function readMembers(
  context: DirectoryContext,
  unit: UnitHeader,
  signal: AbortSignal | undefined,
): Promise<UnitMembers> {
  const userIds: string[] = [];
  const groupIds: string[] = [];
  const deviceIds: string[] = [];
  const otherIds: string[] = [];
  const what = `Listing members of restricted unit ${unit.id}`;
  const result = await readAllPages(context.runner, {
    firstUrl: graphUrl(
      context,
      `/directory/administrativeUnits/${encodeURIComponent(unit.id)}/members?$select=id&$top=${context.pageSizes.members}`,
    ),
    route: "GET /directory/administrativeUnits/{id}/members",
    what,
    tenantId: context.tenantId,
    signal,
    onPage(items) {
      const sorted: Array<[string[], string]> = [];
      for (const item of items) {
        const id = objectId(item);
        if (id === undefined) throw badItem(context, what);
        // Graph names the type as "#microsoft.graph.user"; anything unknown is never treated as a user.
        const type = stringOrNull(item, "@odata.type")?.replace(/^#/, "").toLowerCase();
        const bucket =
          type === "microsoft.graph.user"
            ? userIds
            : type === "microsoft.graph.group"
              ? groupIds
              : type === "microsoft.graph.device"
                ? deviceIds
                : otherIds;
        sorted.push([bucket, id]);
      }
      for (const [bucket, id] of sorted) bucket.push(id);
    },
  });
  return {
    userIds,
    groupIds,
    deviceIds,
    otherIds,
    complete: result.error === undefined,
    ...(result.error !== undefined ? { failure: toDirectoryFailure(result.error) } : {}),
  };
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Reads restricted units with their members; never rejects except with the caller's abort reason. */
export async function readRestrictedUnits(
  context: DirectoryContext,
  signal: AbortSignal | undefined,
): Promise<RestrictedUnitsRead> {
  const headers: UnitHeader[] = [];
  const what = "Listing administrative units";
  const result = await readAllPages(context.runner, {
    firstUrl: graphUrl(
      context,
      `/directory/administrativeUnits?$select=id,displayName,isMemberManagementRestricted,membershipType,visibility&$top=${context.pageSizes.units}`,
    ),
    route: "GET /directory/administrativeUnits",
    what,
    tenantId: context.tenantId,
    signal,
    onPage(items) {
      const page: UnitHeader[] = [];
      for (const item of items) {
        const id = objectId(item);
        if (id === undefined) throw badItem(context, what);
        // Only an explicit `true` makes a restricted unit (Graph reads `null` for ordinary units).
        if ((item as Record<string, unknown>).isMemberManagementRestricted !== true) continue;
        page.push({
          id,
          displayName: stringOrNull(item, "displayName"),
          membershipType:
            stringOrNull(item, "membershipType")?.toLowerCase() === "dynamic" ? "dynamic" : "assigned",
          visibility:
            stringOrNull(item, "visibility")?.toLowerCase() === "hiddenmembership"
              ? "hiddenMembership"
              : "public",
        });
      }
      headers.push(...page);
    },
  });
  const units = await mapBounded(headers, context.memberReadConcurrency, async (unit) => ({
    ...unit,
    members: await readMembers(context, unit, signal),
  }));
  if (result.error === undefined) return { units, complete: true };
  return { units, complete: false, failure: toDirectoryFailure(result.error) };
}
