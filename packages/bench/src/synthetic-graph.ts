/**
 * A multi-tenant fake Microsoft Graph for the benchmark: the tenant is the one the bearer token names
 * (`bench.<tenantId>`), tenants are computed (synthetic-tenants.ts), and every answer uses Graph's wire
 * format as the testing kit's fake Graph writes it (envelopes, `@odata.context`, absolute
 * `@odata.nextLink`s, `$select` projection, error bodies, `Retry-After`; `synthetic-graph.test.ts` holds
 * the two to the same shapes). It enforces Graph's documented limits for one app as token buckets shared
 * by every tenant and every client (core's `IDENTITY_THROTTLE_LIMITS`, costs by `requestCost`), and adds
 * a latency to every top-level request: fixed, or with a long tail (log-normal, seeded).
 */
import { randomUUID } from "node:crypto";
import {
  IDENTITY_THROTTLE_LIMITS as L,
  type RequestCost,
  requestCost,
  type TenantSize,
} from "@rotation-exclusion/graph-adapter";
import {
  parseUser,
  protectedUsersOf,
  RESTRICTED_UNITS,
  restrictedUnitMembers,
  sizeOf,
  type TenantShape,
  tenantIndexOf,
  UNITS_PER_TENANT,
  USERS_OF,
  unitIdOf,
  upnOf,
  userIdOf,
} from "./synthetic-tenants.js";

/** Graph's refusal of a write to a member of a restricted management administrative unit. */
const DENIAL =
  "Insufficient privileges to complete the operation. Target object is a member of a restricted management " +
  "administrative unit and can only be modified by administrators scoped to that administrative unit.";

/** Latency of every top-level request. */
export interface SyntheticLatency {
  readonly medianMs: number;
  /** Log-normal spread (sigma): 0 for a fixed latency; 0.6 gives a p99 about 4 x the median. */
  readonly spread: number;
}

/** Options of {@link createSyntheticGraph}. */
export interface SyntheticGraphOptions {
  readonly shape: TenantShape;
  readonly latency: SyntheticLatency;
  /** Seed of the latency draws. */
  readonly seed?: number;
  /** Restricted units per tenant (default 2); the 18 ordinary units stay. */
  readonly restrictedUnits?: number;
}

/** One answer, before it is written. */
export interface SyntheticAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** Counters since the last reset. */
export interface SyntheticCounters {
  /** HTTP requests answered (a `$batch` counts 1). */
  requests: number;
  /** Requests and `$batch` items. */
  items: number;
  throttled: number;
  writes: number;
  /** HTTP requests by route (`users.list`, `units.members`, ...). */
  byRoute: Record<string, number>;
}

interface Bucket {
  tokens: number;
  atMs: number;
  readonly capacity: number;
  readonly perMs: number;
}

const bucket = (capacity: number, windowMs: number): Bucket => ({
  tokens: capacity,
  atMs: performance.now(),
  capacity,
  perMs: capacity / windowMs,
});

function refill(b: Bucket, now: number): void {
  b.tokens = Math.min(b.capacity, b.tokens + (now - b.atMs) * b.perMs);
  b.atMs = now;
}

/** A small seeded generator (mulberry32), so a run's latencies replay. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The properties Graph returns for a user without `$select`, in its order. */
const USER_DEFAULT = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];

/** A `$batch` item's headers are the resource's own (no request ids), spelled as Graph spells them. */
function itemHeaders(answer: SyntheticAnswer): Record<string, string> {
  const headers: Record<string, string> = { "Cache-Control": "no-cache", "OData-Version": "4.0" };
  const type = answer.headers["content-type"];
  if (type !== undefined) headers["Content-Type"] = type;
  const retryAfter = answer.headers["retry-after"];
  if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
  return headers;
}

/** The synthetic Graph: answers requests, keeps counters and throttle state. */
export interface SyntheticGraph {
  /** Answers one top-level request (after its latency); `origin` is the server's own. */
  answer(
    method: string,
    url: string,
    authorization: string | undefined,
    body: string,
    origin: string,
  ): Promise<SyntheticAnswer>;
  counters(): SyntheticCounters;
  /** Empties the counters; with `buckets`, refills every throttle bucket too. */
  reset(buckets: boolean): void;
  /** Changes the protected set of these tenants (one more member in their first restricted unit). */
  mutate(tenants: readonly number[]): void;
}

/** Creates the synthetic Graph. */
export function createSyntheticGraph(options: SyntheticGraphOptions): SyntheticGraph {
  const random = seeded(options.seed ?? 20_261_201);
  const epochs = new Map<number, number>();
  let counters: SyntheticCounters = { requests: 0, items: 0, throttled: 0, writes: 0, byRoute: {} };
  let app = {
    units: bucket(L.appResourceUnits, L.appWindowMs),
    requests: bucket(L.appRequests, L.appRequestWindowMs),
    writes: bucket(L.appWrites, L.appWriteWindowMs),
  };
  let tenantBuckets = new Map<number, { units: Bucket; writes: Bucket }>();

  const sizeOfTenant = (n: number): TenantSize => sizeOf(options.shape, n);
  const restrictedUnits = options.restrictedUnits ?? RESTRICTED_UNITS;
  const unitCount = restrictedUnits + UNITS_PER_TENANT - RESTRICTED_UNITS;
  const epochOf = (n: number) => epochs.get(n) ?? 0;

  function latencyMs(): number {
    const { medianMs, spread } = options.latency;
    if (spread === 0 || medianMs === 0) return medianMs;
    // Box-Muller: a standard normal draw, then the log-normal around the median.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return medianMs * Math.exp(spread * z);
  }

  /** Takes the cost from every bucket, or answers how many seconds to wait (nothing taken). */
  function admit(tenant: number, cost: RequestCost): number | undefined {
    const now = performance.now();
    let t = tenantBuckets.get(tenant);
    if (t === undefined) {
      t = {
        units: bucket(L.tenantResourceUnits[sizeOfTenant(tenant)], L.tenantWindowMs),
        writes: bucket(L.tenantWrites, L.tenantWriteWindowMs),
      };
      tenantBuckets.set(tenant, t);
    }
    const needs: [Bucket, number][] = [
      [t.units, cost.resourceUnits],
      [app.units, cost.resourceUnits],
      [app.requests, cost.requests],
    ];
    if (cost.writes > 0) needs.push([t.writes, cost.writes], [app.writes, cost.writes]);
    let waitMs = 0;
    for (const [b, n] of needs) {
      refill(b, now);
      if (b.tokens < n) waitMs = Math.max(waitMs, (n - b.tokens) / b.perMs);
    }
    if (waitMs > 0) return Math.max(0.001, waitMs / 1000);
    for (const [b, n] of needs) b.tokens -= n;
    return undefined;
  }

  function error(
    status: number,
    code: string,
    message: string,
    extra: Record<string, string> = {},
  ): SyntheticAnswer {
    const requestId = randomUUID();
    return {
      status,
      headers: {
        "content-type": "application/json",
        "request-id": requestId,
        "client-request-id": requestId,
        ...extra,
      },
      body: {
        error: {
          code,
          message,
          innerError: {
            date: new Date().toISOString(),
            "request-id": requestId,
            "client-request-id": requestId,
          },
        },
      },
    };
  }

  const ok = (body: unknown): SyntheticAnswer => {
    const requestId = randomUUID();
    return {
      status: 200,
      headers: {
        "content-type":
          "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
        "request-id": requestId,
        "client-request-id": requestId,
      },
      body,
    };
  };

  /** Only the selected properties (and `@odata.type`, which Graph always keeps), or the defaults. */
  function project(entity: Record<string, unknown>, select: string | null, defaults?: readonly string[]) {
    const names = select !== null ? select.split(",") : defaults;
    if (names === undefined) return entity;
    const out: Record<string, unknown> = {};
    if (entity["@odata.type"] !== undefined) out["@odata.type"] = entity["@odata.type"];
    for (const name of names) if (name in entity) out[name] = entity[name];
    return out;
  }

  function page<T>(
    origin: string,
    path: string,
    context: string,
    q: URLSearchParams,
    items: readonly T[],
    map: (item: T) => Record<string, unknown>,
    defaults?: readonly string[],
  ) {
    const top = Math.min(999, Math.max(1, Number(q.get("$top") ?? 100) || 100));
    const skip = Number(q.get("$skiptoken") ?? 0) || 0;
    const select = q.get("$select");
    const value = items.slice(skip, skip + top).map((item) => project(map(item), select, defaults));
    const selected = select === null ? "" : `(${select})`;
    const body: Record<string, unknown> = {
      "@odata.context": `${origin}/v1.0/$metadata#${context}${selected}`,
      value,
    };
    if (skip + top < items.length) {
      const next = new URLSearchParams(q);
      next.set("$skiptoken", String(skip + top));
      body["@odata.nextLink"] = `${origin}/v1.0/${path}?${next.toString().replace(/\+/g, "%20")}`;
    }
    return ok(body);
  }

  function user(n: number, i: number, withFlag: boolean): Record<string, unknown> {
    const restricted = withFlag && protectedUsersOf(sizeOfTenant(n), epochOf(n)).includes(i);
    return {
      id: userIdOf(n, i),
      businessPhones: [],
      displayName: `User ${i}`,
      givenName: null,
      jobTitle: null,
      mail: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: null,
      userPrincipalName: upnOf(n, i),
      isManagementRestricted: restricted ? true : null,
    };
  }

  // Change tracking of units (docs/decisions/0016) in the testing kit's wire format. A tenant changes only
  // by epochs (each adds user 11 + epoch - 1 to unit 0), so a state token is the tenant and its epoch.
  const deltaToken = (n: number, epoch: number) => Buffer.from(`bench:${n}:${epoch}`).toString("base64url");
  function epochOfToken(n: number, token: string): number | undefined {
    const match = /^bench:(\d+):(\d+)$/.exec(Buffer.from(token, "base64url").toString());
    if (match === null || Number(match[1]) !== n) return undefined;
    const epoch = Number(match[2]);
    return epoch <= epochOf(n) ? epoch : undefined;
  }

  function unitChanges(n: number, q: URLSearchParams, origin: string): SyntheticAnswer {
    const size = sizeOfTenant(n);
    const epoch = epochOf(n);
    const token = q.get("$deltatoken");
    const body: Record<string, unknown> = {
      "@odata.context": `${origin}/v1.0/$metadata#administrativeUnits`,
    };
    const member = (i: number) => ({ "@odata.type": "#microsoft.graph.user", id: userIdOf(n, i) });
    let value: Record<string, unknown>[];
    if (token === "latest") value = [];
    else if (token === null) {
      // The first round without a token: every unit whole, members as members@delta (one page: the fake
      // pages at 100 too, and a bench tenant's rounds from a token are small).
      value = Array.from({ length: Math.min(unitCount, 100) }, (_, u) => {
        const ids = u < restrictedUnits ? restrictedUnitMembers(size, epoch, u) : [];
        return {
          displayName: u < restrictedUnits ? `Restricted ${u}` : `Region ${u}`,
          isMemberManagementRestricted: u < restrictedUnits,
          membershipType: null,
          visibility: null,
          id: unitIdOf(n, u),
          ...(ids.length > 0 ? { "members@delta": ids.map(member) } : {}),
        };
      });
    } else {
      const since = epochOfToken(n, token);
      if (since === undefined) {
        return error(
          400,
          "syncStateNotFound",
          "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
        );
      }
      const added = Array.from({ length: epoch - since }, (_, k) => 11 + since + k);
      value = added.length === 0 ? [] : [{ id: unitIdOf(n, 0), "members@delta": added.map(member) }];
    }
    body["@odata.deltaLink"] =
      `${origin}/v1.0/directory/administrativeUnits/delta?$deltatoken=${deltaToken(n, epoch)}`;
    body.value = value;
    return ok(body);
  }

  function route(n: number, method: string, target: string, origin: string): SyntheticAnswer {
    const url = new URL(target, origin);
    const path = url.pathname.replace(/^\/v1\.0/, "");
    const q = url.searchParams;
    counters.items += 1;
    const wait = admit(n, requestCost(method, target));
    if (wait !== undefined) {
      counters.throttled += 1;
      // Retry-After is HTTP's delay-seconds: a whole number (RFC 9110 §10.2.3), as Graph sends it.
      return error(429, "TooManyRequests", "Too many requests.", {
        "retry-after": String(Math.max(1, Math.ceil(wait))),
      });
    }
    const size = sizeOfTenant(n);
    const epoch = epochOf(n);
    const count = (name: string) => {
      counters.byRoute[name] = (counters.byRoute[name] ?? 0) + 1;
    };
    if (method === "GET" && path === "/users") {
      count("users.list");
      if (q.get("$filter") !== "isManagementRestricted eq true")
        return error(
          400,
          "Request_UnsupportedQuery",
          "Unsupported or invalid query filter clause specified for property 'userPrincipalName' of resource 'User'.",
        );
      const protectedIds = protectedUsersOf(size, epoch);
      return page(origin, "users", "users", q, protectedIds, (i) => user(n, i, true), USER_DEFAULT);
    }
    const one = /^\/users\/([^/]+)$/.exec(path);
    if (one !== null) {
      const parsed = parseUser(decodeURIComponent(one[1] as string));
      if (parsed === undefined || parsed.tenant !== n || parsed.user >= USERS_OF[size]) {
        count("users.get");
        return error(
          404,
          "Request_ResourceNotFound",
          `Resource '${decodeURIComponent(one[1] as string)}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      if (method === "PATCH") {
        count("users.patch");
        counters.writes += 1;
        if (protectedUsersOf(size, epoch).includes(parsed.user))
          return error(403, "Authorization_RequestDenied", DENIAL);
        return { status: 204, headers: { "request-id": randomUUID() } };
      }
      count("users.get");
      return ok({
        "@odata.context": `${origin}/v1.0/$metadata#users${q.get("$select") === null ? "" : `(${q.get("$select")})`}/$entity`,
        ...project(user(n, parsed.user, true), q.get("$select"), USER_DEFAULT),
      });
    }
    if (method === "GET" && path === "/directory/administrativeUnits") {
      count("units.list");
      const units = Array.from({ length: unitCount }, (_, u) => u);
      return page(
        origin,
        "directory/administrativeUnits",
        "directory/administrativeUnits",
        q,
        units,
        (u) => ({
          id: unitIdOf(n, u),
          deletedDateTime: null,
          displayName: u < restrictedUnits ? `Restricted ${u}` : `Region ${u}`,
          description: null,
          isMemberManagementRestricted: u < restrictedUnits ? true : null,
          membershipRule: null,
          membershipRuleProcessingState: null,
          membershipType: null,
          visibility: null,
        }),
      );
    }
    const members = /^\/directory\/administrativeUnits\/([^/]+)\/members$/.exec(path);
    if (method === "GET" && members !== null) {
      count("units.members");
      const u = Number.parseInt((members[1] as string).slice(-12), 16);
      const ids = u < restrictedUnits ? restrictedUnitMembers(size, epoch, u) : [];
      return page(
        origin,
        `directory/administrativeUnits/${members[1]}/members`,
        "directoryObjects",
        q,
        ids,
        (i) => ({
          "@odata.type": "#microsoft.graph.user",
          ...user(n, i, false),
        }),
        USER_DEFAULT,
      );
    }
    if (method === "GET" && path === "/directory/administrativeUnits/delta") {
      count("units.delta");
      return unitChanges(n, q, origin);
    }
    count("other");
    return error(400, "BadRequest", `Resource not found for the segment '${path.split("/")[1] ?? ""}'.`);
  }

  return {
    async answer(method, url, authorization, body, origin) {
      counters.requests += 1;
      const delayMs = latencyMs();
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const token = /^Bearer bench\.(\S+)$/.exec(authorization ?? "")?.[1];
      const n = token === undefined ? -1 : tenantIndexOf(token);
      if (n < 0)
        return error(401, "InvalidAuthenticationToken", "Access token validation failure.", {
          "www-authenticate": 'Bearer realm=""',
        });
      if (method === "POST" && url === "/v1.0/$batch") {
        counters.byRoute.batch = (counters.byRoute.batch ?? 0) + 1;
        const { requests = [] } = JSON.parse(body) as {
          requests?: { id: string; method: string; url: string }[];
        };
        const responses = requests.map((item) => {
          const a = route(
            n,
            item.method.toUpperCase(),
            `/v1.0${item.url.startsWith("/") ? "" : "/"}${item.url}`,
            origin,
          );
          return { id: item.id, status: a.status, headers: itemHeaders(a), body: a.body };
        });
        // Graph does not keep request order in a batch's responses.
        return ok({ responses: responses.reverse() });
      }
      return route(n, method, url, origin);
    },
    counters: () => structuredClone(counters),
    reset(buckets) {
      counters = { requests: 0, items: 0, throttled: 0, writes: 0, byRoute: {} };
      if (!buckets) return;
      app = {
        units: bucket(L.appResourceUnits, L.appWindowMs),
        requests: bucket(L.appRequests, L.appRequestWindowMs),
        writes: bucket(L.appWrites, L.appWriteWindowMs),
      };
      tenantBuckets = new Map();
    },
    mutate(tenants) {
      for (const n of tenants) epochs.set(n, epochOf(n) + 1);
    },
  };
}
