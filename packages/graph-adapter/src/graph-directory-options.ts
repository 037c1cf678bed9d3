/**
 * Options of the Graph directory, their defaults, and their validation. A bad value is named in a
 * GraphDirectoryError("invalid-options"); secrets are never echoed (credentials embedded in a URL are
 * rejected without repeating them).
 */
import type { TokenCredential } from "@azure/identity";
import { bindLogger } from "@rotation-exclusion/core/internal";
import { type Logger, silentLogger } from "@rotation-exclusion/core/ports";
import { createGraphDirectoryError } from "./errors/graph-directory-error.js";
import { GRAPH_CLOUDS, type GraphCloud, isGraphCloud } from "./graph-clouds.js";
import { DEFAULT_MAX_PAGES } from "./requests/graph-paging.js";
import { createGraphQueryMemo, type GraphQueryMemo } from "./requests/graph-query-memo.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./requests/retry-policy.js";
import type { ThrottleBudget } from "./requests/throttle-budget.js";
import {
  createGraphConnectionPool,
  defaultConnectionPool,
  exchangeViaFetch,
  exchangeViaPool,
  type FetchFunction,
  type GraphConnectionPool,
  type HttpExchange,
  isGraphConnectionPool,
} from "./transport/graph-http.js";

/** Page sizes (`$top`) per listing. */
export interface GraphPageSizes {
  /** `GET /users?$filter=isManagementRestricted eq true`. Default 999 (Graph's maximum for users). */
  readonly users: number;
  /** `GET /directory/administrativeUnits`. Default 100. */
  readonly units: number;
  /** `GET /directory/administrativeUnits/{id}/members`. Default 999. */
  readonly members: number;
}

/** Options of `createGraphDirectory`. */
export interface GraphDirectoryOptions {
  /** The Entra tenant (GUID or verified domain) this directory reads. */
  readonly tenantId: string;
  /** App-only credential; see `createGraphCredential` for one that matches the cloud. */
  readonly credential: TokenCredential;
  /** Default `global`. Decides the Graph root and, always, the token scope. */
  readonly cloud?: GraphCloud;
  /**
   * Graph root without `/v1.0` (`https://graph.microsoft.com`): https only, no user info, no path.
   * Overrides the cloud's root (for a proxy or a test server); the token scope still comes from `cloud`.
   */
  readonly baseUrl?: string;
  /**
   * Keep-alive connections to share between every directory of the app (`createGraphConnectionPool`).
   * Default: the adapter's process-wide pool, or with `ca` a pool of this directory's own.
   */
  readonly connectionPool?: GraphConnectionPool;
  /** Send requests with this fetch instead of a connection pool (a host with its own HTTP stack). */
  readonly fetch?: FetchFunction;
  /** Extra trusted CA certificates (PEM) for TLS to the Graph root. Ignored with `fetch` or `connectionPool`. */
  readonly ca?: string | Buffer;
  /**
   * Where the adapter logs (a pino logger fits): every line carries `tenantId`, and fields named like a
   * secret (authorization, token, clientSecret, password) are redacted. Default silent.
   */
  readonly logger?: Logger;
  /** Retry policy per logical request; each field defaults to `DEFAULT_RETRY_POLICY`. */
  readonly retry?: Partial<RetryPolicy>;
  /** `$top` for every listing, or per listing. */
  readonly pageSize?: number | Partial<GraphPageSizes>;
  /** Restricted units whose members are read at the same time. Default 4. */
  readonly memberReadConcurrency?: number;
  /**
   * Set `true` when the app is known to hold the Member.Read.Hidden application permission although its
   * access tokens do not say so (a credential that returns opaque tokens). Without it the adapter trusts
   * a hidden-membership unit's member list only when the token's `roles` claim names Member.Read.Hidden,
   * because without the permission Graph answers 200 with a short or empty list (docs/decisions/0002).
   * Never set it on a guess: a wrong `true` lets an empty listing prove that nobody is protected.
   * Default false.
   */
  readonly memberReadHidden?: boolean;
  /**
   * Pages read at most per listing; a listing still linking onward after that is reported incomplete
   * (`bad-response`), never as complete. Default 1000.
   */
  readonly maxPages?: number;
  /**
   * A client-side throttle budget shared by every directory of the app (`createThrottleBudget`), so
   * requests wait before Graph's limits are reached. Default: none.
   */
  readonly throttleBudget?: ThrottleBudget | undefined;
  /**
   * The app's memory of listings Graph refused with query options their Microsoft page does not name
   * (`createGraphQueryMemo`), shared by every directory of the app like the throttle budget, so the 400
   * is paid once per app instead of once per tenant and cycle. Default: a memo of this directory only.
   */
  readonly queryMemo?: GraphQueryMemo;
  /**
   * Told each time the members of one restricted unit have been read (`read` of `total` restricted units),
   * for a progress display. A hook that throws is ignored. Default: none.
   */
  readonly onUnitMembersRead?: ((read: number, total: number) => void) | undefined;
}

/** Everything the directory runs with, validated. */
export interface ResolvedGraphDirectoryOptions {
  readonly tenantId: string;
  readonly credential: TokenCredential;
  readonly cloud: GraphCloud;
  /** Graph root origin (`https://graph.microsoft.com`). */
  readonly root: string;
  readonly scope: string;
  readonly exchange: HttpExchange;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly pageSizes: GraphPageSizes;
  readonly memberReadConcurrency: number;
  readonly maxPages: number;
  readonly memberReadHidden: boolean;
  readonly throttleBudget: ThrottleBudget | undefined;
  readonly queryMemo: GraphQueryMemo;
  readonly onUnitMembersRead: ((read: number, total: number) => void) | undefined;
}

const DEFAULTS = {
  cloud: "global",
  pageSizes: { users: 999, units: 100, members: 999 },
  memberReadConcurrency: 4,
  maxPages: DEFAULT_MAX_PAGES,
  memberReadHidden: false,
} as const satisfies {
  cloud: GraphCloud;
  pageSizes: Required<GraphPageSizes>;
  memberReadConcurrency: number;
  maxPages: number;
  memberReadHidden: boolean;
};

function invalid(message: string): never {
  throw createGraphDirectoryError("invalid-options", `Invalid Graph directory options: ${message}`);
}

function positiveInteger(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    invalid(`${name} must be an integer from 1 to ${max} (got ${String(value)})`);
  }
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    invalid(`${name} must be a non-negative number (got ${String(value)})`);
  }
  return value;
}

function resolveRoot(baseUrl: string | undefined, cloud: GraphCloud): string {
  if (baseUrl === undefined) return GRAPH_CLOUDS[cloud].graphRoot;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return invalid("baseUrl is not an absolute URL");
  }
  // Never echo user info: it may be a secret.
  if (url.username !== "" || url.password !== "") invalid("baseUrl must not contain credentials (user info)");
  if (url.protocol !== "https:") invalid(`baseUrl must use https:// (got ${url.protocol}//${url.host})`);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    invalid(
      `baseUrl must be a Graph root without path or query, like https://graph.microsoft.com (got ${url.origin}${url.pathname})`,
    );
  }
  return url.origin;
}

function resolveExchange(options: GraphDirectoryOptions): HttpExchange {
  if (options.fetch !== undefined) {
    if (typeof options.fetch !== "function") invalid("fetch must be a function");
    return exchangeViaFetch(options.fetch);
  }
  if (options.connectionPool !== undefined) {
    if (!isGraphConnectionPool(options.connectionPool)) {
      invalid("connectionPool must come from createGraphConnectionPool");
    }
    return exchangeViaPool(options.connectionPool);
  }
  if (options.ca !== undefined) {
    if (typeof options.ca !== "string" && !Buffer.isBuffer(options.ca))
      invalid("ca must be a PEM string or Buffer");
    return exchangeViaPool(createGraphConnectionPool({ ca: options.ca }));
  }
  return exchangeViaPool(defaultConnectionPool());
}

function resolvePageSizes(pageSize: GraphDirectoryOptions["pageSize"]): GraphPageSizes {
  if (pageSize === undefined) return DEFAULTS.pageSizes;
  if (typeof pageSize === "number") {
    const size = positiveInteger("pageSize", pageSize, 999);
    return { users: size, units: size, members: size };
  }
  const merged = { ...DEFAULTS.pageSizes, ...pageSize };
  return {
    users: positiveInteger("pageSize.users", merged.users, 999),
    units: positiveInteger("pageSize.units", merged.units, 999),
    members: positiveInteger("pageSize.members", merged.members, 999),
  };
}

function resolveMemberReadHidden(value: unknown): boolean {
  if (value === undefined) return DEFAULTS.memberReadHidden;
  // Only a real boolean: a truthy string must not make hidden listings authoritative.
  if (typeof value !== "boolean") invalid(`memberReadHidden must be a boolean (got ${typeof value})`);
  return value;
}

/** Validates options and fills in defaults; throws a GraphDirectoryError("invalid-options") naming the bad value. */
export function resolveGraphDirectoryOptions(options: GraphDirectoryOptions): ResolvedGraphDirectoryOptions {
  if (typeof options !== "object" || options === null) invalid("options must be an object");
  const { tenantId, credential } = options;
  if (typeof tenantId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(tenantId)) {
    invalid("tenantId must be a tenant GUID or domain name");
  }
  if (typeof credential !== "object" || credential === null || typeof credential.getToken !== "function") {
    invalid("credential must be a TokenCredential (an object with getToken)");
  }
  const cloud = options.cloud ?? DEFAULTS.cloud;
  if (!isGraphCloud(cloud)) {
    invalid(`cloud must be one of ${Object.keys(GRAPH_CLOUDS).join(", ")} (got ${JSON.stringify(cloud)})`);
  }
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const { throttleBudget } = options;
  if (throttleBudget !== undefined && typeof throttleBudget?.forTenant !== "function") {
    invalid("throttleBudget must come from createThrottleBudget (an object with forTenant)");
  }
  const { logger, queryMemo } = options;
  if (queryMemo !== undefined && typeof queryMemo?.readsBare !== "function") {
    invalid("queryMemo must come from createGraphQueryMemo (an object with readsBare)");
  }
  if (
    logger !== undefined &&
    !["debug", "info", "warn", "error"].every(
      (level) => typeof (logger as unknown as Record<string, unknown>)[level] === "function",
    )
  ) {
    invalid("logger must have debug, info, warn and error (a pino logger does)");
  }
  return {
    tenantId,
    credential,
    cloud,
    root: resolveRoot(options.baseUrl, cloud),
    scope: GRAPH_CLOUDS[cloud].scope,
    exchange: resolveExchange(options),
    logger: bindLogger(logger ?? silentLogger, { tenantId }),
    retry: {
      maxAttempts: positiveInteger("retry.maxAttempts", retry.maxAttempts, 100),
      baseDelayMs: nonNegative("retry.baseDelayMs", retry.baseDelayMs),
      maxDelayMs: nonNegative("retry.maxDelayMs", retry.maxDelayMs),
      deadlineMs: positiveInteger("retry.deadlineMs", retry.deadlineMs),
      maxRetryAfterMs: nonNegative("retry.maxRetryAfterMs", retry.maxRetryAfterMs),
    },
    pageSizes: resolvePageSizes(options.pageSize),
    memberReadConcurrency: positiveInteger(
      "memberReadConcurrency",
      options.memberReadConcurrency ?? DEFAULTS.memberReadConcurrency,
      64,
    ),
    maxPages: positiveInteger("maxPages", options.maxPages ?? DEFAULTS.maxPages),
    memberReadHidden: resolveMemberReadHidden(options.memberReadHidden),
    throttleBudget,
    queryMemo: queryMemo ?? createGraphQueryMemo(),
    onUnitMembersRead: options.onUnitMembersRead,
  };
}
