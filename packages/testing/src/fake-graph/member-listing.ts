/**
 * What every directoryObject member listing shares (administrative unit members, group members): the
 * query options Graph accepts there and the page of members, each with its `@odata.type`.
 * See https://learn.microsoft.com/graph/api/administrativeunit-list-members and
 * https://learn.microsoft.com/graph/api/group-list-members.
 */
import {
  DIRECTORY_OBJECT_PROPERTIES,
  directoryObjectEntity,
  USER_DEFAULT_PROPERTIES,
} from "./directory-entities.js";

const isUser = (entity: Readonly<Record<string, unknown>>) =>
  entity["@odata.type"] === "#microsoft.graph.user" || entity["@odata.type"] === "#microsoft.graph.agentUser";

import { type GraphResponse, jsonResponse } from "./graph-response.js";
import { collectionPage, contextUrl, type ParsedQuery, parseQuery, project } from "./odata-query.js";
import type { RouteContext } from "./route-context.js";

/** Parses a member listing's query; `$filter` and `$search` are advanced queries there, so refused. */
export function parseMemberListQuery(ctx: RouteContext): ParsedQuery | GraphResponse {
  return parseQuery(ctx, {
    options: ["$select", "$top", "$skiptoken", "$count"],
    entityType: "directoryObject",
    resourceName: "DirectoryObject",
    knownProperties: DIRECTORY_OBJECT_PROPERTIES,
  });
}

/** One page of the members named by `memberIds`; ids with no object (deleted) are not listed, as in Graph. */
export function memberListPage(
  ctx: RouteContext,
  query: ParsedQuery,
  memberIds: readonly string[],
): GraphResponse {
  const members = memberIds.flatMap((memberId) => {
    const entity = directoryObjectEntity(ctx.tenant, memberId);
    return entity === undefined ? [] : [entity];
  });
  return jsonResponse(
    ctx.stamp,
    // Without `$select` each member comes with its type's default properties, as Graph sends them (a
    // user's default set, not every property the fake knows).
    collectionPage(ctx, members, query, contextUrl(ctx, "directoryObjects", query.select), (entity) =>
      project(entity, query.select, isUser(entity) ? USER_DEFAULT_PROPERTIES : undefined),
    ),
  );
}
