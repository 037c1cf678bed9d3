/**
 * `GET /directory/administrativeUnits/delta`: change tracking of administrative units in Microsoft's wire
 * format (docs/decisions/0016). A round is pages of `value` linked by `@odata.nextLink` and ending in an
 * `@odata.deltaLink`; a new unit comes whole, an updated one with its id and what changed, a member
 * change as `members@delta` entries (with `@removed` for a member that left), a deleted unit as its id
 * and `@removed`. `$deltatoken=latest` starts tracking from now with no data. An expired or unknown token
 * answers Graph's `syncStateNotFound`; a cloud without the function answers 400 for the segment.
 * See https://learn.microsoft.com/graph/api/administrativeunit-delta and
 * https://learn.microsoft.com/graph/delta-query-overview.
 */
import { type TrackedUnitChange, unitChangeTrackerFor } from "../unit-change-tracker.js";
import { directoryObjectEntity, UNIT_PROPERTIES } from "./directory-entities.js";
import { errorResponse, type GraphResponse, jsonResponse, unknownProperty } from "./graph-response.js";
import { DEFAULT_PAGE_SIZE } from "./odata-query.js";
import type { RouteContext } from "./route-context.js";

const OPTIONS = new Set(["$select", "$filter", "$deltatoken", "$skiptoken"]);
const SELECTABLE = new Set([...UNIT_PROPERTIES, "members"]);
const PATH = "/v1.0/directory/administrativeUnits/delta";

/** Graph's answer to an expired delta token (Microsoft 365 Developer Blog, 3 July 2020). */
function syncStateNotFound(ctx: RouteContext): GraphResponse {
  return errorResponse(
    ctx.stamp,
    400,
    "syncStateNotFound",
    "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
  );
}

function memberEntry(ctx: RouteContext, id: string, removed: boolean): Record<string, unknown> {
  const type = directoryObjectEntity(ctx.tenant, id)?.["@odata.type"] ?? "#microsoft.graph.directoryObject";
  return removed
    ? { "@odata.type": type, id, "@removed": { reason: "deleted" } }
    : { "@odata.type": type, id };
}

function wireEntry(
  ctx: RouteContext,
  change: TrackedUnitChange,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  // A deleted unit can be restored from deletedItems: reason `changed` (delta-query-overview.md).
  if (change.removed) return { id: change.id, "@removed": { reason: "changed" } };
  const entry: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(change.properties)) {
    if (select === undefined || select.includes(name)) entry[name] = value;
  }
  entry.id = change.id;
  const members = [
    ...change.membersAdded.map((member) => memberEntry(ctx, member.id, false)),
    ...change.membersRemoved.map((id) => memberEntry(ctx, id, true)),
  ];
  if (members.length > 0 && (select === undefined || select.includes("members"))) {
    entry["members@delta"] = members;
  }
  return entry;
}

/** `GET /directory/administrativeUnits/delta` */
export function unitChangesPage(ctx: RouteContext): GraphResponse {
  if (!ctx.settings.unitChangeTracking) {
    return errorResponse(ctx.stamp, 400, "BadRequest", "Resource not found for the segment 'delta'.");
  }
  const { query } = ctx.request;
  for (const name of query.keys()) {
    if (name.startsWith("$") && !OPTIONS.has(name)) {
      return errorResponse(
        ctx.stamp,
        400,
        "Request_BadRequest",
        `'${name}' is not supported by the service.`,
      );
    }
  }
  if (query.has("$filter")) {
    // Graph tracks chosen units by id only; the fake has no use for it and says so rather than ignore it.
    return errorResponse(
      ctx.stamp,
      400,
      "Request_BadRequest",
      "The fake Graph does not filter delta rounds.",
    );
  }
  const select = query
    .get("$select")
    ?.split(",")
    .map((name) => name.trim());
  const unknown = select?.find((name) => !SELECTABLE.has(name));
  if (unknown !== undefined) return unknownProperty(ctx.stamp, unknown, "microsoft.graph.administrativeUnit");

  const tracker = unitChangeTrackerFor(ctx.tenant);
  const deltaLink = (token: string) => `${ctx.baseUrl}${PATH}?$deltatoken=${token}`;
  let roundId: string;
  let page = 1;
  let offset = 0;
  const skipToken = query.get("$skiptoken");
  const deltaToken = query.get("$deltatoken");
  if (skipToken !== null) {
    const [pageToken = "", id = ""] = skipToken.split(".");
    const position = ctx.pageTokens.read(`administrativeUnits.delta ${id}`, pageToken);
    if (position === undefined || tracker.round(id) === undefined) return syncStateNotFound(ctx);
    ({ page, offset } = position);
    roundId = id;
  } else if (deltaToken === "latest") {
    // "Sync from now": a link and no resource data (delta-query-overview.md).
    return jsonResponse(ctx.stamp, {
      "@odata.context": `${ctx.baseUrl}/v1.0/$metadata#administrativeUnits`,
      "@odata.deltaLink": deltaLink(tracker.mark()),
      value: [],
    });
  } else {
    const changes = deltaToken === null ? tracker.currentUnits() : tracker.changesSince(deltaToken);
    if (changes === undefined) return syncStateNotFound(ctx);
    // The round ends at the state it started from: the token is taken now, the pages hand it out.
    roundId = tracker.openRound(changes, tracker.mark());
  }
  const round = tracker.round(roundId);
  if (round === undefined) return syncStateNotFound(ctx);
  const pageSize = Math.max(1, Math.min(DEFAULT_PAGE_SIZE, ctx.settings.maxPageSize));
  const slice = round.changes.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.baseUrl}/v1.0/$metadata#administrativeUnits`,
  };
  if (offset + pageSize < round.changes.length) {
    const token = ctx.pageTokens.issue(`administrativeUnits.delta ${roundId}`, {
      page: page + 1,
      offset: offset + pageSize,
    });
    body["@odata.nextLink"] = `${ctx.baseUrl}${PATH}?$skiptoken=${token}.${roundId}`;
  } else {
    body["@odata.deltaLink"] = deltaLink(round.endToken);
  }
  body.value = slice.map((change) => wireEntry(ctx, change, select));
  return jsonResponse(ctx.stamp, body);
}
