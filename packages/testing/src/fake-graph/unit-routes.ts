/**
 * Administrative unit routes: the unit list (v1.0 serves it under `/directory`, not `/administrativeUnits`)
 * and a unit's direct members, each with its `@odata.type`. Hidden-membership units list members only to
 * apps with Member.Read.Hidden; without it, they answer 403, an empty list or a list short of its users.
 * See https://learn.microsoft.com/graph/api/directory-list-administrativeunits and
 * https://learn.microsoft.com/graph/api/administrativeunit-list-members.
 */
import { UNIT_PROPERTIES, unitEntity } from "./directory-entities.js";
import { forbidden, type GraphResponse, jsonResponse, resourceNotFound } from "./graph-response.js";
import { memberListPage, parseMemberListQuery } from "./member-listing.js";
import { matchesFilter } from "./odata-filter.js";
import { collectionPage, contextUrl, isQueryError, parseQuery, project } from "./odata-query.js";
import type { RouteContext } from "./route-context.js";

/** `GET /directory/administrativeUnits` */
export function listUnits(ctx: RouteContext): GraphResponse {
  const query = parseQuery(ctx, {
    options: ["$select", "$filter", "$top", "$skiptoken", "$count"],
    entityType: "administrativeUnit",
    resourceName: "AdministrativeUnit",
    knownProperties: UNIT_PROPERTIES,
    // Graph documents $filter on id, displayName and description only; not on isMemberManagementRestricted.
    filter: { id: ["eq"], displayName: ["eq", "in", "startsWith"], description: ["eq", "in", "startsWith"] },
  });
  if (isQueryError(query)) return query;
  const units = [...ctx.tenant.units.values()]
    .map(unitEntity)
    .filter((entity) => query.filter === undefined || matchesFilter(query.filter, entity));
  return jsonResponse(
    ctx.stamp,
    collectionPage(
      ctx,
      units,
      query,
      contextUrl(ctx, "directory/administrativeUnits", query.select),
      (entity) => project(entity, query.select, undefined),
    ),
  );
}

/** `GET /directory/administrativeUnits/{id}/members` */
export function listUnitMembers(ctx: RouteContext): GraphResponse {
  const id = ctx.params.id ?? "";
  const query = parseMemberListQuery(ctx);
  if (isQueryError(query)) return query;
  const unit = ctx.tenant.units.get(id);
  if (unit === undefined) return resourceNotFound(ctx.stamp, id);
  let memberIds = unit.memberIds;
  if (unit.visibility === "HiddenMembership" && !ctx.settings.permissions.memberReadHidden) {
    const behavior = ctx.settings.permissions.hiddenUnitBehavior;
    if (behavior === "forbidden") return forbidden(ctx.stamp);
    memberIds = behavior === "empty" ? [] : memberIds.filter((memberId) => !ctx.tenant.users.has(memberId));
  }
  return memberListPage(ctx, query, memberIds);
}
