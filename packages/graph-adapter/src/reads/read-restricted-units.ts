/**
 * The second signal: restricted management administrative units and their direct members.
 * `isMemberManagementRestricted` is filtered in code, not in `$filter`, so that a unit whose flag Graph
 * reports as `null` is never mistaken for anything but an ordinary unit. Members are listed per unit, a
 * few units at a time; a hidden-membership unit lists its members only to apps with Member.Read.Hidden.
 * See https://learn.microsoft.com/graph/api/administrativeunit-list-members
 */
import { mapConcurrently } from "@rotation-exclusion/core/internal";
import type { RestrictedUnit, RestrictedUnitsRead, UnitMembers } from "@rotation-exclusion/core/ports";
import { toDirectoryFailure } from "../errors/directory-failure.js";
import { createGraphDirectoryError } from "../errors/graph-directory-error.js";
import { nextStepFor } from "../errors/graph-response-error.js";
import type { DirectoryContext } from "./directory-context.js";
import { directoryObjectKind, objectId, stringOrNull } from "./graph-json.js";
import { readListing } from "./read-listing.js";

type UnitHeader = Omit<RestrictedUnit, "members">;

function badItem(context: DirectoryContext, what: string) {
  return createGraphDirectoryError(
    "bad-response",
    `${what} on tenant ${context.tenantId}: an item without an id was returned.`,
  );
}

function badUnit(context: DirectoryContext, what: string, id: string, problem: string) {
  return createGraphDirectoryError(
    "bad-response",
    `${what} on tenant ${context.tenantId}: unit ${id} ${problem}. ${nextStepFor("bad-response")}`,
  );
}

/**
 * Graph documents `dynamic`/`assigned` (responses spell `Dynamic`), `null` meaning assigned. An unknown
 * value is read as dynamic: membership that may change without anyone noticing (decision 0002 §2).
 */
export function membershipTypeOf(value: unknown): { type: UnitHeader["membershipType"]; known: boolean } {
  if (value === null || value === undefined) return { type: "assigned", known: true };
  const text = typeof value === "string" ? value.toLowerCase() : undefined;
  if (text === "assigned") return { type: "assigned", known: true };
  return { type: "dynamic", known: text === "dynamic" };
}

/**
 * Graph documents `HiddenMembership`/`Public`, `null` meaning public. An unknown value is read as hidden,
 * so its member list is never taken as authoritative (decision 0002 §2).
 */
export function visibilityOf(value: unknown): { visibility: UnitHeader["visibility"]; known: boolean } {
  if (value === null || value === undefined) return { visibility: "public", known: true };
  const text = typeof value === "string" ? value.toLowerCase() : undefined;
  if (text === "public") return { visibility: "public", known: true };
  return { visibility: "hiddenMembership", known: text === "hiddenmembership" };
}

/** A restricted unit's header, `undefined` for an ordinary unit; throws on an item Graph does not document. */
function unitHeader(context: DirectoryContext, item: unknown, what: string): UnitHeader | undefined {
  const id = objectId(item);
  if (id === undefined) throw badItem(context, what);
  const record = item as Record<string, unknown>;
  // We `$select`ed the flag: absent is not `null`, and a unit we cannot judge must not read as ordinary
  // while the listing reports complete (decisions 0001 §3 and 0002).
  if (!("isMemberManagementRestricted" in record)) {
    throw badUnit(context, what, id, "has no isMemberManagementRestricted although it was selected");
  }
  const flag = record.isMemberManagementRestricted;
  if (flag !== true && flag !== false && flag !== null) {
    throw badUnit(context, what, id, "has an isMemberManagementRestricted that is not a boolean or null");
  }
  // Only an explicit `true` makes a restricted unit (Graph reads `null` for ordinary units).
  if (flag !== true) return undefined;
  const membership = membershipTypeOf(record.membershipType);
  const visibility = visibilityOf(record.visibility);
  if (!membership.known || !visibility.known) {
    context.logger.warn(
      {
        unitId: id,
        membershipType: String(record.membershipType).slice(0, 40),
        visibility: String(record.visibility).slice(0, 40),
      },
      "restricted unit with an undocumented membershipType or visibility; read as dynamic / hidden",
    );
  }
  return {
    id,
    displayName: stringOrNull(item, "displayName"),
    membershipType: membership.type,
    visibility: visibility.visibility,
  };
}

async function readMembers(
  context: DirectoryContext,
  unit: UnitHeader,
  signal: AbortSignal | undefined,
): Promise<UnitMembers> {
  let userIds: string[] = [];
  let groupIds: string[] = [];
  let deviceIds: string[] = [];
  let otherIds: string[] = [];
  let groupDisplayNames: Record<string, string> = {};
  const seen = new Set<string>();
  const what = `Listing members of restricted unit ${unit.id}`;
  const result = await readListing(context, {
    route: "GET /directory/administrativeUnits/{id}/members",
    path: `/directory/administrativeUnits/${encodeURIComponent(unit.id)}/members`,
    // The page names neither (https://learn.microsoft.com/graph/api/administrativeunit-list-members):
    // without them Graph sends whole objects, 100 a page, and `@odata.type` still tells users apart.
    // `displayName` names a group in a finding; without `$select` whole objects carry it anyway.
    undocumented: { $select: "id,displayName", $top: String(context.pageSizes.members) },
    what,
    signal,
    restart() {
      [userIds, groupIds, deviceIds, otherIds] = [[], [], [], []];
      groupDisplayNames = {};
      seen.clear();
    },
    onPage(items) {
      const sorted: Array<[string[], string]> = [];
      for (const item of items) {
        const id = objectId(item);
        if (id === undefined) throw badItem(context, what);
        // Graph names the type as "#microsoft.graph.user". An agent user is a user here; a missing or
        // unknown type is never treated as a user, and core never lets it prove "not protected" either.
        const kind = directoryObjectKind(item);
        const bucket =
          kind === "user" || kind === "agentUser"
            ? userIds
            : kind === "group"
              ? groupIds
              : kind === "device"
                ? deviceIds
                : otherIds;
        sorted.push([bucket, id]);
        const name = kind === "group" ? stringOrNull(item, "displayName") : null;
        if (name !== null) groupDisplayNames[id] = name;
      }
      // A member listed twice (Graph pages are not snapshots) is one member.
      for (const [bucket, id] of sorted) {
        if (seen.has(id.toLowerCase())) continue;
        seen.add(id.toLowerCase());
        bucket.push(id);
      }
    },
  });
  return {
    userIds,
    groupIds,
    ...(Object.keys(groupDisplayNames).length > 0 ? { groupDisplayNames } : {}),
    deviceIds,
    otherIds,
    complete: result.error === undefined,
    ...(result.error !== undefined ? { failure: toDirectoryFailure(result.error) } : {}),
    // Asked after the read, so the token it used has been seen. Public units list everyone to everyone.
    ...(unit.visibility === "hiddenMembership"
      ? { hiddenMembersVisible: context.hiddenMembersVisible() }
      : {}),
  };
}

/** Reads restricted units with their members; never rejects except with the caller's abort reason. */
export async function readRestrictedUnits(
  context: DirectoryContext,
  signal: AbortSignal | undefined,
): Promise<RestrictedUnitsRead> {
  const headers: UnitHeader[] = [];
  const what = "Listing administrative units";
  const result = await readListing(context, {
    route: "GET /directory/administrativeUnits",
    path: "/directory/administrativeUnits",
    // https://learn.microsoft.com/graph/api/directory-list-administrativeunits names $select, not $top.
    documented: { $select: "id,displayName,isMemberManagementRestricted,membershipType,visibility" },
    undocumented: { $top: String(context.pageSizes.units) },
    what,
    signal,
    restart() {
      headers.length = 0;
    },
    onPage(items) {
      const page: UnitHeader[] = [];
      for (const item of items) {
        const header = unitHeader(context, item, what);
        if (header !== undefined) page.push(header);
      }
      headers.push(...page);
    },
  });
  let membersRead = 0;
  const units = await mapConcurrently(
    headers,
    async (unit) => {
      const members = await readMembers(context, unit, signal);
      membersRead += 1;
      try {
        context.onUnitMembersRead?.(membersRead, headers.length);
      } catch {
        // A progress display that fails must not fail the read it reports on.
      }
      return { ...unit, members };
    },
    { concurrency: context.memberReadConcurrency },
  );
  if (result.error === undefined) return { units, complete: true };
  return { units, complete: false, failure: toDirectoryFailure(result.error) };
}
