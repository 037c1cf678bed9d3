/**
 * The OData system query options each route's Microsoft Graph v1.0 documentation page names, and what a
 * fake server in strict mode (`startFakeGraphServer(tenant, { strictQueryOptions: true })`) answers to
 * any other: Graph's 400 for an unsupported query option. Graph may well serve an option its page does
 * not name (`$top` on unit members, `$select` on role definitions), but nothing promises it, and a client
 * that depends on one breaks the day Graph stops; strict mode finds that dependency.
 *
 * A page is what Microsoft's published page (microsoftgraph/microsoft-graph-docs-contrib, the source of
 * learn.microsoft.com/graph) says in its "Optional query parameters" section; each table entry quotes it.
 * `$skiptoken` is never named there but is how every listing pages: the fake always accepts the tokens of
 * its own nextLinks on a listing route, and only those (`page-tokens.ts`), strict or not.
 */
import { errorResponse, type GraphResponse, type ResponseStamp } from "./graph-response.js";
import { FAKE_GRAPH_LISTING_ROUTES } from "./graph-router.js";
import type { FakeGraphRoute } from "./route-context.js";

/** The options a route's page names, and the page. */
export interface DocumentedQueryOptions {
  readonly options: readonly string[];
  /** The page on learn.microsoft.com. */
  readonly url: string;
  /** Its source in microsoftgraph/microsoft-graph-docs-contrib. */
  readonly source: string;
}

const API = "https://learn.microsoft.com/graph/api";
const DOCS = "api-reference/v1.0/api";

/** Every route's documented options, quoted from its page. */
export const DOCUMENTED_QUERY_OPTIONS = {
  // "This method supports the $count, $expand, $filter, $orderby, $search, $select, and $top OData query
  // parameters to help customize the response. $skip isn't supported."
  "users.list": {
    options: ["$count", "$expand", "$filter", "$orderby", "$search", "$select", "$top"],
    url: `${API}/user-list?view=graph-rest-1.0`,
    source: `${DOCS}/user-list.md`,
  },
  // "This method supports the $select OData query parameter to retrieve specific user properties,
  // including those that aren't returned by default."
  "users.get": {
    options: ["$select"],
    url: `${API}/user-get?view=graph-rest-1.0`,
    source: `${DOCS}/user-get.md`,
  },
  // The page has no "Optional query parameters" section: a PATCH takes none.
  "users.patch": {
    options: [],
    url: `${API}/user-update?view=graph-rest-1.0`,
    source: `${DOCS}/user-update.md`,
  },
  // "This method supports the $count, $select, $search, $filter (eq), and $expand OData query parameters
  // to help customize the response." No $top (the administrativeUnit resource page mentions one; this
  // route's page does not).
  "administrativeUnits.list": {
    options: ["$count", "$select", "$search", "$filter", "$expand"],
    url: `${API}/directory-list-administrativeunits?view=graph-rest-1.0`,
    source: `${DOCS}/directory-list-administrativeunits.md`,
  },
  // "You can use a $select query parameter as in any GET request … There is limited support for $filter"
  // (id only); $deltatoken and $skiptoken are the round's state tokens.
  "administrativeUnits.delta": {
    options: ["$select", "$filter", "$deltatoken", "$skiptoken"],
    url: `${API}/administrativeunit-delta?view=graph-rest-1.0`,
    source: `${DOCS}/administrativeunit-delta.md`,
  },
  // "This method (when used without $ref) supports the $search, $count, and $filter OData query
  // parameters to help customize the response." No $select, no $top.
  "administrativeUnits.members": {
    options: ["$search", "$count", "$filter"],
    url: `${API}/administrativeunit-list-members?view=graph-rest-1.0`,
    source: `${DOCS}/administrativeunit-list-members.md`,
  },
  // "This method supports the $filter (eq and in operators) OData query parameter on id, displayName, and
  // isBuiltIn properties. It also supports $expand on the relationships." No $select, no $top.
  "roleDefinitions.list": {
    options: ["$filter", "$expand"],
    url: `${API}/rbacapplication-list-roledefinitions?view=graph-rest-1.0`,
    source: `${DOCS}/rbacapplication-list-roledefinitions.md`,
  },
  // "This method supports the $select OData query parameter to help customize the response."
  "roleDefinitions.get": {
    options: ["$select"],
    url: `${API}/unifiedroledefinition-get?view=graph-rest-1.0`,
    source: `${DOCS}/unifiedroledefinition-get.md`,
  },
  // "This method supports the $filter, $expand, and $select OData query parameters to help customize the
  // response." No $top.
  "roleAssignments.list": {
    options: ["$filter", "$expand", "$select"],
    url: `${API}/rbacapplication-list-roleassignments?view=graph-rest-1.0`,
    source: `${DOCS}/rbacapplication-list-roleassignments.md`,
  },
  // "This method supports the $select, $filter, and $expand OData query parameters to help customize the
  // response." No $top.
  "roleEligibility.list": {
    options: ["$select", "$filter", "$expand"],
    url: `${API}/rbacapplication-list-roleeligibilityscheduleinstances?view=graph-rest-1.0`,
    source: `${DOCS}/rbacapplication-list-roleeligibilityscheduleinstances.md`,
  },
  // "This method supports the $filter, $count, $select, $search, $top, and $expand OData query parameters
  // to help customize the response."
  "groups.members": {
    options: ["$filter", "$count", "$select", "$search", "$top", "$expand"],
    url: `${API}/group-list-members?view=graph-rest-1.0`,
    source: `${DOCS}/group-list-members.md`,
  },
  // JSON batching names no query option on POST /$batch; each item carries its own in its url.
  batch: {
    options: [],
    url: "https://learn.microsoft.com/graph/json-batching",
    source: "concepts/json-batching.md",
  },
} as const satisfies Readonly<Record<FakeGraphRoute, DocumentedQueryOptions>>;

const LISTING_ROUTES: ReadonlySet<FakeGraphRoute> = new Set(FAKE_GRAPH_LISTING_ROUTES);

/** The first system query option (`$...`) of a request that the route's page does not name, if any. */
export function undocumentedQueryOption(route: FakeGraphRoute, query: URLSearchParams): string | undefined {
  const documented: readonly string[] = DOCUMENTED_QUERY_OPTIONS[route].options;
  for (const name of query.keys()) {
    if (!name.startsWith("$") || documented.includes(name)) continue;
    // Whether the token is one of ours is the listing's own check, strict or not.
    if (name === "$skiptoken" && LISTING_ROUTES.has(route)) continue;
    return name;
  }
  return undefined;
}

/**
 * Graph's answer to a query option a resource does not support: 400 Request_BadRequest, "'$skip' is not
 * supported by the service." (as answered for `GET /users?$skip=…`: microsoftgraph/msgraph-metadata#135,
 * microsoftgraph/microsoft-graph-docs#9279).
 */
export function unsupportedQueryOption(stamp: ResponseStamp, option: string): GraphResponse {
  return errorResponse(stamp, 400, "Request_BadRequest", `'${option}' is not supported by the service.`);
}
