/**
 * A client-side throttle budget: token buckets sized from Microsoft's documented identity limits, one
 * per tenant (application + tenant pair) and one shared by every tenant of the app, so that a host
 * running thousands of tenants through one app registration slows down before Graph answers 429
 * instead of after. Share one budget across every directory of the app.
 * Limits and costs: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
 * (docs/decisions/0006-throttling-and-retry-after.md).
 */
import {
  abortableSleep,
  IDENTITY_THROTTLE_LIMITS,
  type RequestCost,
  type TenantSize,
  type ThrottleLimits,
} from "@rotation-exclusion/core/internal";
import { createGraphDirectoryError } from "../errors/graph-directory-error.js";

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

/**
 * Which limit Graph said was hit, from the 429's `x-ms-throttle-scope` (`<Scope>/<Limit>/<AppId>/…`):
 * `application` when the scope is `Application` (the app across all tenants), `tenant` otherwise (the
 * application + tenant pair, the tenant, or no header).
 */
export type ThrottleScope = "tenant" | "application";

/** The part of a budget one tenant's directory uses. */
export interface TenantThrottleBudget {
  /** Waits until the request fits every bucket, then takes its cost. Rejects with the signal's reason. */
  acquire(cost: RequestCost, signal?: AbortSignal): Promise<void>;
  /**
   * Graph answered 429 with `Retry-After`: hold every request of this tenant until it has passed, or of
   * every tenant of the app when the scope is `application`.
   */
  reportThrottled(retryAfterMs: number, scope?: ThrottleScope): void;
}

/** The scope of a 429 from its `x-ms-throttle-scope` header (decision 0006). */
export function throttleScopeOf(header: string | null | undefined): ThrottleScope {
  return header?.trim().split("/", 1)[0]?.toLowerCase() === "application" ? "application" : "tenant";
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
  // Set by a 429 whose scope is the whole app: every tenant waits it out.
  let appHeldUntilMs = Number.NEGATIVE_INFINITY;
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
        await abortableSleep(Math.max(heldUntilMs, appHeldUntilMs) - clock(), signal);
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
      reportThrottled(retryAfterMs, scope = "tenant") {
        counters.throttledReported += 1;
        if (!(Number.isFinite(retryAfterMs) && retryAfterMs > 0)) return;
        if (scope === "application") appHeldUntilMs = Math.max(appHeldUntilMs, clock() + retryAfterMs);
        else heldUntilMs = Math.max(heldUntilMs, clock() + retryAfterMs);
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
