/**
 * Maps a method and path to a route of the fake server, names the objects and page a request targets (so
 * faults can match them), and runs the route's handler. Unknown paths and methods answer as Graph does.
 */
import type { TenantModel } from "../tenant-model.js";
import { findUser } from "./directory-entities.js";
import type { GraphResponse } from "./graph-response.js";
import { type FilterCapabilities, isFilterProblem, parseFilter, pinnedValues } from "./odata-filter.js";
import { claimedPage } from "./page-tokens.js";
import {
  getRoleDefinition,
  listGroupMembers,
  listRoleAssignments,
  listRoleDefinitions,
  listRoleEligibilities,
} from "./role-routes.js";
import type { FakeGraphRoute, RouteContext } from "./route-context.js";
import { unitChangesPage } from "./unit-delta-route.js";
import { listUnitMembers, listUnits } from "./unit-routes.js";
import { getUser, listUsers, patchUser } from "./user-routes.js";

/** A resolved route and its decoded path parameters. */
export interface RouteMatch {
  readonly route: FakeGraphRoute;
  readonly params: Readonly<Record<string, string>>;
}

/** A path Graph would refuse before reaching any resource. */
export interface RouteRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

interface RoutePattern {
  readonly segments: readonly string[];
  readonly methods: Readonly<Partial<Record<string, FakeGraphRoute>>>;
}

// `{id}` matches one segment. Order matters only for readability: patterns never overlap.
const PATTERNS: readonly RoutePattern[] = [
  { segments: ["$batch"], methods: { POST: "batch" } },
  { segments: ["users"], methods: { GET: "users.list" } },
  { segments: ["users", "{id}"], methods: { GET: "users.get", PATCH: "users.patch" } },
  { segments: ["directory", "administrativeUnits"], methods: { GET: "administrativeUnits.list" } },
  { segments: ["directory", "administrativeUnits", "delta"], methods: { GET: "administrativeUnits.delta" } },
  {
    segments: ["directory", "administrativeUnits", "{id}", "members"],
    methods: { GET: "administrativeUnits.members" },
  },
  { segments: ["roleManagement", "directory", "roleDefinitions"], methods: { GET: "roleDefinitions.list" } },
  {
    segments: ["roleManagement", "directory", "roleDefinitions", "{id}"],
    methods: { GET: "roleDefinitions.get" },
  },
  { segments: ["roleManagement", "directory", "roleAssignments"], methods: { GET: "roleAssignments.list" } },
  {
    segments: ["roleManagement", "directory", "roleEligibilityScheduleInstances"],
    methods: { GET: "roleEligibility.list" },
  },
  { segments: ["groups", "{id}", "members"], methods: { GET: "groups.members" } },
];

// Collections whose members may be addressed with OData key syntax: `users('key')` as well as `users/key`.
const KEYED_COLLECTIONS: ReadonlySet<string> = new Set([
  "users",
  "groups",
  "administrativeUnits",
  "roleDefinitions",
]);
const KEY_SEGMENT = /^([A-Za-z]+)\('((?:[^']|'')*)'\)$/;

/**
 * Rewrites OData key syntax (`users('$adele@contoso.com')`, quotes doubled inside the literal) into the
 * path form the patterns use (`users`, `$adele@contoso.com`). Graph documents this form for UPNs that
 * start with `$`: https://learn.microsoft.com/graph/api/user-get (HTTP request).
 */
function expandKeySegments(segments: readonly string[]): string[] {
  return segments.flatMap((segment) => {
    const key = KEY_SEGMENT.exec(segment);
    if (key === null || !KEYED_COLLECTIONS.has(key[1] as string)) return [segment];
    return [key[1] as string, (key[2] as string).replaceAll("''", "'")];
  });
}

/** Resolves `/v1.0/...` (still percent-encoded) to a route, or to Graph's refusal. */
export function resolveRoute(method: string, path: string): RouteMatch | RouteRefusal {
  let segments: string[];
  try {
    // Split before decoding, so an encoded "/" inside a UPN stays part of its segment.
    segments = path
      .split("/")
      .filter((segment) => segment.length > 0)
      .map(decodeURIComponent);
  } catch {
    return { status: 400, code: "BadRequest", message: "The request URI is not valid." };
  }
  const [version, ...resourceSegments] = segments;
  if (version !== "v1.0") {
    return { status: 400, code: "BadRequest", message: `Invalid version: ${version ?? ""}` };
  }
  const rest = expandKeySegments(resourceSegments);
  // OData reserves a leading `$` for system segments: a key like `$adele@contoso.com` must use the
  // key-in-parentheses form, as Graph documents for such UPNs.
  const reserved = resourceSegments.find((segment) => segment.startsWith("$") && segment !== "$batch");
  if (reserved !== undefined) {
    return { status: 400, code: "BadRequest", message: `Resource not found for the segment '${reserved}'.` };
  }
  for (const pattern of PATTERNS) {
    if (pattern.segments.length !== rest.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.segments.every((expected, index) => {
      const actual = rest[index] as string;
      if (expected === "{id}") {
        params.id = actual;
        return true;
      }
      return expected === actual;
    });
    if (!matches) continue;
    const route = pattern.methods[method.toUpperCase()];
    if (route === undefined) {
      return {
        status: 405,
        code: "Request_BadRequest",
        message: "Specified HTTP method is not allowed for the request target.",
      };
    }
    return { route, params };
  }
  const known = (segment: string, index: number) =>
    PATTERNS.some((p) => p.segments[index] === segment || p.segments[index] === "{id}");
  const unknown = rest.find((segment, index) => !known(segment, index)) ?? rest[rest.length - 1] ?? "";
  return { status: 400, code: "BadRequest", message: `Resource not found for the segment '${unknown}'.` };
}

/** True when `resolveRoute` refused the path. */
export function isRouteRefusal(value: RouteMatch | RouteRefusal): value is RouteRefusal {
  return "status" in value;
}

/**
 * The routes the fake server answers with pages (`value`, maybe `@odata.nextLink`, a `$skiptoken` page
 * number): the ones a listing fault (truncated page, nextLink loop) can target.
 */
export const FAKE_GRAPH_LISTING_ROUTES = [
  "users.list",
  "administrativeUnits.list",
  "administrativeUnits.members",
  "administrativeUnits.delta",
  "roleDefinitions.list",
  "roleAssignments.list",
  "roleEligibility.list",
  "groups.members",
] as const satisfies readonly FakeGraphRoute[];

const LIST_ROUTES: ReadonlySet<FakeGraphRoute> = new Set(FAKE_GRAPH_LISTING_ROUTES);

// Any property, any operator: only to read which ids a filter pins, never to validate it.
const PERMISSIVE: FilterCapabilities = new Proxy({}, { get: () => ["eq", "ne", "in", "startsWith"] });

function filterValues(query: URLSearchParams, properties: readonly string[]): string[] {
  const text = query.get("$filter");
  if (text === null) return [];
  const parsed = parseFilter(text, PERMISSIVE, new Set());
  if (isFilterProblem(parsed)) return [];
  return properties.flatMap((property) => pinnedValues(parsed, property));
}

/** The targeted objects (ids as sent, and resolved user ids) and the 1-based page of a listing. */
export interface RequestTarget {
  readonly objectIds: readonly string[];
  readonly page: number | undefined;
}

/** Names what a request targets, for fault matching and the request log. */
export function describeTarget(
  tenant: TenantModel,
  match: RouteMatch,
  query: URLSearchParams,
): RequestTarget {
  const keys: string[] = [];
  if (match.params.id !== undefined) keys.push(match.params.id);
  if (match.route === "users.list") keys.push(...filterValues(query, ["id", "userPrincipalName"]));
  if (match.route === "roleAssignments.list" || match.route === "roleEligibility.list") {
    keys.push(...filterValues(query, ["roleDefinitionId", "principalId"]));
  }
  if (match.route === "roleDefinitions.list") keys.push(...filterValues(query, ["id", "displayName"]));
  const objectIds = new Set(keys);
  if (match.route.startsWith("users.")) {
    // A user named by UPN is still the same object: faults keyed by object id must hit it.
    for (const key of keys) {
      const user = findUser(tenant, key);
      if (user !== undefined) objectIds.add(user.id);
    }
  }
  let page: number | undefined;
  if (LIST_ROUTES.has(match.route)) {
    const token = query.get("$skiptoken");
    // A delta page's skiptoken carries its round after the page token (unit-delta-route.ts).
    page = token === null ? 1 : (claimedPage(token.split(".")[0] ?? token) ?? 1);
  }
  return { objectIds: [...objectIds], page };
}

const HANDLERS: Readonly<Record<Exclude<FakeGraphRoute, "batch">, (ctx: RouteContext) => GraphResponse>> = {
  "users.list": listUsers,
  "users.get": getUser,
  "users.patch": patchUser,
  "administrativeUnits.list": listUnits,
  "administrativeUnits.members": listUnitMembers,
  "administrativeUnits.delta": unitChangesPage,
  "roleDefinitions.list": listRoleDefinitions,
  "roleDefinitions.get": getRoleDefinition,
  "roleAssignments.list": listRoleAssignments,
  "roleEligibility.list": listRoleEligibilities,
  "groups.members": listGroupMembers,
};

/** Runs the handler of a (non-batch) route. */
export function runRoute(route: Exclude<FakeGraphRoute, "batch">, ctx: RouteContext): GraphResponse {
  return HANDLERS[route](ctx);
}
