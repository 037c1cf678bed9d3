/**
 * A client-side throttle budget: token buckets sized from Microsoft's documented identity limits, one
 * per tenant (application + tenant pair) and one shared by every tenant of the app, so that a host
 * running thousands of tenants through one app registration slows down before Graph answers 429
 * instead of after. Share one budget across every directory of the app.
 * Limits and costs: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
 * (docs/decisions/0006-throttling-and-retry-after.md).
 */
import { abortableSleep } from "@rotation-exclusion/core/internal";
import { createGraphDirectoryError } from "../errors/graph-directory-error.js";

/** Entra's tenant sizes for throttling: small under 50 users, medium 50 to 500, large above 500. */
export type TenantSize = "small" | "medium" | "large";

/** The limits a budget enforces, before `headroom`. Windows in milliseconds. */
export interface ThrottleLimits {
  /** Resource units per window for one application + tenant pair, by tenant size. */
  readonly tenantResourceUnits: Readonly<Record<TenantSize, number>>;
  readonly tenantWindowMs: number;
  /** Resource units per window for the application across all tenants. */
  readonly appResourceUnits: number;
  readonly appWindowMs: number;
  /** Writes per window for one application + tenant pair. */
  readonly tenantWrites: number;
  readonly tenantWriteWindowMs: number;
  /** Writes per window for the application across all tenants. */
  readonly appWrites: number;
  readonly appWriteWindowMs: number;
  /** Requests of any kind per window for the application across all tenants (Graph's global limit). */
  readonly appRequests: number;
  readonly appRequestWindowMs: number;
}

/** Microsoft's documented identity and access limits (and the global 2,000 requests per second). */
export const IDENTITY_THROTTLE_LIMITS = {
  tenantResourceUnits: { small: 3_500, medium: 5_000, large: 8_000 },
  tenantWindowMs: 10_000,
  appResourceUnits: 150_000,
  appWindowMs: 20_000,
  tenantWrites: 3_000,
  tenantWriteWindowMs: 150_000,
  appWrites: 35_000,
  appWriteWindowMs: 300_000,
  appRequests: 2_000,
  appRequestWindowMs: 1_000,
} as const satisfies ThrottleLimits;

/** What one HTTP request costs against the limits. */
export interface RequestCost {
  readonly resourceUnits: number;
  readonly writes: number;
  /** HTTP requests counted against the global limit (a `$batch` counts its items). */
  readonly requests: number;
}

/** Options of {@link createThrottleBudget}. */
export interface ThrottleBudgetOptions {
  /** The size of each tenant (fixed, or per tenant id). Default `small`: the lowest limit, never too fast. */
  readonly tenantSize?: TenantSize | ((tenantId: string) => TenantSize);
  /** Fraction of each documented limit to use (0 to 1]. Default 0.8: Graph may throttle below its limits. */
  readonly headroom?: number;
  /** Override documented limits (for tests, or when Microsoft changes them). */
  readonly limits?: Partial<ThrottleLimits>;
  /** Milliseconds, monotonic enough for pacing. Default `Date.now`. */
  readonly clock?: () => number;
}

/** Counters of a budget, for reports. */
export interface ThrottleBudgetStats {
  /** Requests that passed through the budget. */
  readonly acquired: number;
  /** Requests that had to wait. */
  readonly waited: number;
  /** Total time requests spent waiting. */
  readonly waitedMs: number;
  /** 429s reported back to the budget. */
  readonly throttledReported: number;
}

/** The part of a budget one tenant's directory uses. */
export interface TenantThrottleBudget {
  /** Waits until the request fits every bucket, then takes its cost. Rejects with the signal's reason. */
  acquire(cost: RequestCost, signal?: AbortSignal): Promise<void>;
  /** Graph answered 429 with `Retry-After`: hold every request of this tenant until it has passed. */
  reportThrottled(retryAfterMs: number): void;
}

/** A throttle budget shared by every directory of one app registration. */
export interface ThrottleBudget {
  forTenant(tenantId: string): TenantThrottleBudget;
  stats(): ThrottleBudgetStats;
}

interface Bucket {
  tokens: number;
  atMs: number;
  readonly capacity: number;
  readonly perMs: number;
}

function bucket(limit: number, windowMs: number, headroom: number, nowMs: number): Bucket {
  const capacity = Math.max(1, Math.floor(limit * headroom));
  return { tokens: capacity, atMs: nowMs, capacity, perMs: capacity / windowMs };
}

/**
 * Takes `cost` from the bucket now, going into debt if needed (so waiters are served in arrival order),
 * and answers how long the caller must wait for the debt to be repaid.
 */
function reserve(b: Bucket, cost: number, nowMs: number): number {
  b.tokens = Math.min(b.capacity, b.tokens + (nowMs - b.atMs) * b.perMs);
  b.atMs = nowMs;
  b.tokens -= Math.min(cost, b.capacity);
  return b.tokens >= 0 ? 0 : Math.ceil(-b.tokens / b.perMs);
}

/** What {@link reserve} took, so a caller that gives up before sending can return it. */
type Taken = readonly (readonly [Bucket, number])[];

/**
 * Reserves `cost` in every bucket that it applies to (a cost of 0 is skipped), and answers the longest
 * wait and what was taken.
 */
function reserveAll(
  parts: readonly (readonly [Bucket, number])[],
  nowMs: number,
): { waitMs: number; taken: Taken } {
  let waitMs = 0;
  const taken: [Bucket, number][] = [];
  for (const [b, cost] of parts) {
    if (cost <= 0) continue;
    waitMs = Math.max(waitMs, reserve(b, cost, nowMs));
    taken.push([b, Math.min(cost, b.capacity)]);
  }
  return { waitMs, taken };
}

/**
 * Gives back what a request that was never sent had reserved, never above a bucket's capacity: without
 * this, callers whose deadline ended their wait would leave a debt that later requests wait out for
 * capacity nobody used.
 */
function giveBack(taken: Taken): void {
  for (const [b, amount] of taken) b.tokens = Math.min(b.capacity, b.tokens + amount);
}

/** Waits `waitMs`; on abort returns `taken` to its buckets and rejects with the abort reason. */
async function waitOrGiveBack(waitMs: number, taken: Taken, signal: AbortSignal | undefined): Promise<void> {
  try {
    await abortableSleep(waitMs, signal);
  } catch (error) {
    giveBack(taken);
    throw error;
  }
}

const OPERATION_COST: readonly [RegExp, number][] = [
  [/^\/users$/i, 2],
  [/^\/groups\/[^/]+\/members$/i, 3],
  [/^\/groups\/[^/]+\/transitiveMembers$/i, 5],
  [/^\/directoryObjects\/getByIds$/i, 5],
];

/**
 * The documented cost of one request: a GET costs 1 resource unit (`/users` 2, group members 3,
 * transitive members 5, getByIds 5), `$select` saves 1, `$expand` adds 1, `$top` under 20 saves 1, never
 * below 1; a write costs 1 resource unit and 1 write. A `$batch` costs the sum of its items.
 */
export function requestCost(method: string, url: string, body?: unknown): RequestCost {
  const path = url.replace(/^https?:\/\/[^/]+/i, "").replace(/^\/(v1\.0|beta)/i, "");
  const [pathOnly = "", query = ""] = path.split("?", 2);
  if (method.toUpperCase() === "POST" && /^\/?\$batch$/i.test(pathOnly)) {
    const items = (body as { requests?: unknown } | undefined)?.requests;
    const total = { resourceUnits: 0, writes: 0, requests: 0 };
    for (const item of Array.isArray(items) ? items : []) {
      const { method: m, url: u } = item as { method?: unknown; url?: unknown };
      const cost = requestCost(typeof m === "string" ? m : "GET", typeof u === "string" ? u : "/");
      total.resourceUnits += cost.resourceUnits;
      total.writes += cost.writes;
      total.requests += 1;
    }
    return total.requests === 0 ? { resourceUnits: 1, writes: 0, requests: 1 } : total;
  }
  if (method.toUpperCase() !== "GET") return { resourceUnits: 1, writes: 1, requests: 1 };
  const normalized = pathOnly.startsWith("/") ? pathOnly : `/${pathOnly}`;
  let units = OPERATION_COST.find(([pattern]) => pattern.test(normalized))?.[1] ?? 1;
  const params = new URLSearchParams(query);
  if (params.has("$select")) units -= 1;
  if (params.has("$expand")) units += 1;
  const top = Number(params.get("$top"));
  if (params.has("$top") && top < 20) units -= 1;
  return { resourceUnits: Math.max(1, units), writes: 0, requests: 1 };
}

function invalid(message: string): never {
  throw createGraphDirectoryError("invalid-options", `Invalid throttle budget options: ${message}`);
}

/**
 * Creates a throttle budget for one app registration. Pass the same budget to every
 * `createGraphDirectory({ throttleBudget })` of the app: the per-tenant buckets keep each tenant under
 * its application + tenant limit, the shared buckets keep the app under its cross-tenant limits.
 *
 * @example
 * const throttleBudget = createThrottleBudget({ tenantSize: (id) => sizes.get(id) ?? "small" });
 * const directory = createGraphDirectory({ tenantId, credential, throttleBudget });
 */
export function createThrottleBudget(options: ThrottleBudgetOptions = {}): ThrottleBudget {
  const headroom = options.headroom ?? 0.8;
  if (!(typeof headroom === "number" && headroom > 0 && headroom <= 1)) invalid("headroom must be in (0, 1]");
  const limits: ThrottleLimits = { ...IDENTITY_THROTTLE_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    const values = typeof value === "number" ? [value] : Object.values(value as object);
    if (!values.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)) {
      invalid(`limits.${name} must be positive numbers`);
    }
  }
  const clock = options.clock ?? Date.now;
  const { tenantSize = "small" } = options;
  const sizeOf = typeof tenantSize === "function" ? tenantSize : (): TenantSize => tenantSize;
  const start = clock();
  const app = {
    units: bucket(limits.appResourceUnits, limits.appWindowMs, headroom, start),
    writes: bucket(limits.appWrites, limits.appWriteWindowMs, headroom, start),
    requests: bucket(limits.appRequests, limits.appRequestWindowMs, headroom, start),
  };
  const tenants = new Map<string, TenantThrottleBudget>();
  const counters = { acquired: 0, waited: 0, waitedMs: 0, throttledReported: 0 };

  function createTenant(tenantId: string): TenantThrottleBudget {
    const size = sizeOf(tenantId);
    const now = clock();
    const units = bucket(
      limits.tenantResourceUnits[size] ?? limits.tenantResourceUnits.small,
      limits.tenantWindowMs,
      headroom,
      now,
    );
    const writes = bucket(limits.tenantWrites, limits.tenantWriteWindowMs, headroom, now);
    let heldUntilMs = Number.NEGATIVE_INFINITY;
    return {
      async acquire(cost, signal) {
        signal?.throwIfAborted();
        const startedMs = clock();
        await abortableSleep(heldUntilMs - clock(), signal);
        // The tenant's own buckets first, then the app's: a tenant waiting on its own limit must not
        // hold app capacity that other tenants could use meanwhile. Each reservation is made only after
        // an abort check, and given back if the wait after it is aborted (nothing was sent).
        signal?.throwIfAborted();
        const tenant = reserveAll(
          [
            [units, cost.resourceUnits],
            [writes, cost.writes],
          ],
          clock(),
        );
        await waitOrGiveBack(tenant.waitMs, tenant.taken, signal);
        if (signal?.aborted) {
          giveBack(tenant.taken);
          throw signal.reason;
        }
        const shared = reserveAll(
          [
            [app.units, cost.resourceUnits],
            [app.requests, cost.requests],
            [app.writes, cost.writes],
          ],
          clock(),
        );
        await waitOrGiveBack(shared.waitMs, [...tenant.taken, ...shared.taken], signal);
        counters.acquired += 1;
        const waitedMs = clock() - startedMs;
        if (waitedMs > 0) {
          counters.waited += 1;
          counters.waitedMs += waitedMs;
        }
      },
      reportThrottled(retryAfterMs) {
        counters.throttledReported += 1;
        if (Number.isFinite(retryAfterMs) && retryAfterMs > 0)
          heldUntilMs = Math.max(heldUntilMs, clock() + retryAfterMs);
      },
    };
  }

  return {
    forTenant(tenantId) {
      const key = tenantId.toLowerCase();
      let tenant = tenants.get(key);
      if (tenant === undefined) {
        tenant = createTenant(key);
        tenants.set(key, tenant);
      }
      return tenant;
    },
    stats: () => ({ ...counters }),
  };
}
