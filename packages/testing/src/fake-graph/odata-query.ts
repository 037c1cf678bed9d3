/**
 * OData system query options as Graph applies them to directory listings: `$select`, `$filter`, `$top`
 * (default 100, 1..999), `$skiptoken` paging with absolute `@odata.nextLink`s that keep the original
 * query (and whose tokens only that listing accepts back: `page-tokens.ts`), `$expand` and `$count`. Options a route does not support are a 400, as on Graph.
 * See https://learn.microsoft.com/graph/query-parameters and https://learn.microsoft.com/graph/paging.
 */
import { errorResponse, type GraphResponse, unknownProperty } from "./graph-response.js";
import {
  type FilterCapabilities,
  type FilterExpression,
  isFilterProblem,
  parseFilter,
} from "./odata-filter.js";
import type { RouteContext } from "./route-context.js";

/** Graph's default page size for directory objects. */
export const DEFAULT_PAGE_SIZE = 100;
/** Graph's largest `$top` for directory objects. */
export const MAX_PAGE_SIZE = 999;

/** What a route accepts in its query string. */
export interface QuerySpec {
  /** System query options the route accepts (`$select`, `$filter`, ...). */
  readonly options: readonly string[];
  /** Type name in error messages (`user` for `microsoft.graph.user`). */
  readonly entityType: string;
  /** Resource name in Graph's unsupported-filter message (`User`). */
  readonly resourceName: string;
  /** Properties `$select` and `$filter` may name. */
  readonly knownProperties: ReadonlySet<string>;
  readonly filter?: FilterCapabilities;
  /** Navigation properties `$expand` may name. */
  readonly expand?: readonly string[];
}

/** The parsed options of one request. */
export interface ParsedQuery {
  readonly select: readonly string[] | undefined;
  readonly filter: FilterExpression | undefined;
  readonly top: number | undefined;
  /** 1-based page number and item offset, from `$skiptoken`. */
  readonly page: number;
  readonly offset: number;
  readonly expand: readonly string[];
  readonly count: boolean;
}

/**
 * What a page token is bound to: the route, its object and every query option but `$skiptoken`, decoded
 * and sorted, so a token is good for the listing it came from however the client re-encodes its nextLink.
 */
function listingKey(ctx: RouteContext): string {
  const options = [...ctx.request.query].filter(([name]) => name !== "$skiptoken").sort();
  return JSON.stringify([ctx.route, ctx.params.id ?? null, options]);
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Parses and validates a request's query options, or answers the 400 Graph would. */
export function parseQuery(ctx: RouteContext, spec: QuerySpec): ParsedQuery | GraphResponse {
  const { query } = ctx.request;
  const { stamp } = ctx;
  for (const key of query.keys()) {
    if (key.startsWith("$") && !spec.options.includes(key)) {
      return errorResponse(
        stamp,
        400,
        "BadRequest",
        `Query option '${key}' is not allowed for this resource.`,
      );
    }
  }

  let select: string[] | undefined;
  const selectText = query.get("$select");
  if (selectText !== null) {
    select = splitList(selectText);
    for (const property of select) {
      if (!spec.knownProperties.has(property)) return unknownProperty(stamp, property, spec.entityType);
    }
  }

  let filter: FilterExpression | undefined;
  const filterText = query.get("$filter");
  if (filterText !== null) {
    const parsed = parseFilter(filterText, spec.filter ?? {}, spec.knownProperties);
    if (isFilterProblem(parsed)) {
      if (parsed.kind === "unknown-property") return unknownProperty(stamp, parsed.property, spec.entityType);
      if (parsed.kind === "unsupported") {
        return errorResponse(
          stamp,
          400,
          "Request_UnsupportedQuery",
          `Unsupported or invalid query filter clause specified for property '${parsed.property}' of resource '${spec.resourceName}'.`,
        );
      }
      return errorResponse(stamp, 400, "BadRequest", `Invalid filter clause: ${parsed.detail}.`);
    }
    filter = parsed;
  }

  let top: number | undefined;
  const topText = query.get("$top");
  if (topText !== null) {
    top = /^\d+$/.test(topText) ? Number(topText) : Number.NaN;
    if (!(top >= 1 && top <= MAX_PAGE_SIZE)) {
      return errorResponse(
        stamp,
        400,
        "Request_UnsupportedQuery",
        `Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`,
      );
    }
  }

  let page = 1;
  let offset = 0;
  const skipToken = query.get("$skiptoken");
  if (skipToken !== null) {
    // Only a token this server issued for this very listing: Graph's tokens are opaque, never forged.
    const decoded = ctx.pageTokens.read(listingKey(ctx), skipToken);
    if (decoded === undefined) {
      return errorResponse(
        stamp,
        400,
        "Request_BadRequest",
        "Invalid value specified for query parameter '$skiptoken'.",
      );
    }
    ({ page, offset } = decoded);
  }

  const expand = splitList(query.get("$expand") ?? "");
  for (const navigation of expand) {
    if (!(spec.expand ?? []).includes(navigation)) return unknownProperty(stamp, navigation, spec.entityType);
  }

  const count = query.get("$count") === "true";
  // $count on directory objects is an advanced query: it needs ConsistencyLevel: eventual.
  if (count && ctx.request.headers.consistencylevel?.toLowerCase() !== "eventual") {
    return errorResponse(stamp, 400, "Request_BadRequest", "$count is not currently supported.");
  }
  return { select, filter, top, page, offset, expand, count };
}

/** True when `parseQuery` answered an error instead of options. */
export function isQueryError(value: ParsedQuery | GraphResponse): value is GraphResponse {
  return "status" in value;
}

/** The `@odata.context` of an entity set, with the `$select` list as Graph writes it. */
export function contextUrl(
  ctx: RouteContext,
  entitySet: string,
  select: readonly string[] | undefined,
): string {
  return `${ctx.baseUrl}/v1.0/$metadata#${entitySet}${select === undefined ? "" : `(${select.join(",")})`}`;
}

/** The query string of the current request without its `$skiptoken`, exactly as the client encoded it. */
function queryWithoutSkipToken(rawQuery: string): string[] {
  return rawQuery.split("&").filter((part) => part.length > 0 && !/^(\$|%24)skiptoken=/i.test(part));
}

/**
 * One page of a listing as a Graph collection body: `value`, and an absolute `@odata.nextLink` with a new
 * `$skiptoken` while items remain. Graph may return fewer items than `$top`; `maxPageSize` caps pages.
 */
export function collectionPage<T>(
  ctx: RouteContext,
  items: readonly T[],
  query: ParsedQuery,
  context: string,
  toJson: (item: T) => unknown,
): Record<string, unknown> {
  const pageSize = Math.max(1, Math.min(query.top ?? DEFAULT_PAGE_SIZE, ctx.settings.maxPageSize));
  const slice = items.slice(query.offset, query.offset + pageSize);
  const body: Record<string, unknown> = { "@odata.context": context };
  if (query.count) body["@odata.count"] = items.length;
  const nextOffset = query.offset + pageSize;
  if (nextOffset < items.length) {
    const parts = queryWithoutSkipToken(ctx.request.rawQuery);
    const token = ctx.pageTokens.issue(listingKey(ctx), { page: query.page + 1, offset: nextOffset });
    parts.push(`$skiptoken=${token}`);
    body["@odata.nextLink"] = `${ctx.baseUrl}${ctx.request.path}?${parts.join("&")}`;
  }
  body.value = slice.map(toJson);
  return body;
}

/** Keeps only the selected properties of an entity (Graph emits `id` only when selected), or the defaults. */
export function project(
  entity: Readonly<Record<string, unknown>>,
  select: readonly string[] | undefined,
  defaults: readonly string[] | undefined,
): Record<string, unknown> {
  const keep = select ?? defaults;
  if (keep === undefined) return { ...entity };
  const result: Record<string, unknown> = {};
  if (typeof entity["@odata.type"] === "string") result["@odata.type"] = entity["@odata.type"];
  for (const property of keep) {
    if (property in entity) result[property] = entity[property];
  }
  return result;
}
