/**
 * The Graph adapter's `ThrottleBudget`, kept in Redis for a whole fleet: one per-app bucket set shared
 * by every worker and tenant, one per app + tenant pair, Microsoft's documented limits and costs as the
 * in-memory budget uses them, reservations given back when a request gives up before it is sent. A 429
 * reported by one worker holds that tenant (or, scoped to the application, every tenant) for every
 * worker. One script call per request in the common case (decisions 0019 and 0020).
 *
 * When Redis cannot answer, `acquire` rejects with a `redis-unavailable` FleetError: a request is never
 * sent on a budget that could not be seen.
 */
import {
  abortableSleep,
  IDENTITY_THROTTLE_LIMITS,
  type RequestCost,
  type TenantSize,
  type ThrottleLimits,
} from "@rotation-exclusion/core/internal";
import type {
  TenantThrottleBudget,
  ThrottleBudget,
  ThrottleBudgetStats,
  ThrottleScope,
} from "@rotation-exclusion/graph-adapter";
import { GIVE_BACK_SCRIPT, HOLD_SCRIPT, RESERVE_SCRIPT } from "./budget-scripts.js";
import { invalidOptions } from "./fleet-error.js";
import { countedRedis, type FleetRedis } from "./fleet-redis.js";

/** Options of {@link createRedisThrottleBudget}. Every worker of a fleet must use the same ones. */
export interface RedisThrottleBudgetOptions {
  /** From `connectFleetRedis()`. */
  readonly redis: FleetRedis;
  /** Prefix of every key. Default `rotation-exclusion:`. */
  readonly keyPrefix?: string;
  /** The size of each tenant (fixed, or per tenant id). Default `small`: the lowest limit. */
  readonly tenantSize?: TenantSize | ((tenantId: string) => TenantSize);
  /** Fraction of each documented limit to use, in (0, 1]. Default 0.8. */
  readonly headroom?: number;
  /** Override documented limits (tests, or when Microsoft changes them). */
  readonly limits?: Partial<ThrottleLimits>;
}

/** The fleet budget: the adapter's interface, plus the round trips it cost. */
export interface RedisThrottleBudget extends ThrottleBudget {
  /** Script calls sent to Redis by this budget. */
  roundTrips(): number;
}

interface BudgetCommands {
  reBudgetReserve(tenantKey: string, appKey: string, ...args: (string | number)[]): Promise<[number, number]>;
  reBudgetGiveBack(tenantKey: string, appKey: string, ...args: (string | number)[]): Promise<number>;
  reBudgetHold(key: string, retryAfterMs: number, ttlMs: number): Promise<number>;
}

const DEFAULTS = { keyPrefix: "rotation-exclusion:", tenantSize: "small", headroom: 0.8 } as const;

const capOf = (limit: number, headroom: number) => Math.max(1, Math.floor(limit * headroom));

/**
 * Creates the shared throttle budget of one app registration. Pass it to the workers
 * (`createExclusionWorker({ throttleBudget })`), which hand each tenant's directory its part.
 *
 * @example
 * const throttleBudget = createRedisThrottleBudget({ redis, tenantSize: (id) => sizes.get(id) ?? "small" });
 */
export function createRedisThrottleBudget(options: RedisThrottleBudgetOptions): RedisThrottleBudget {
  const where = "createRedisThrottleBudget";
  if (typeof options !== "object" || options === null) invalidOptions(where, "options must be an object");
  const redis = countedRedis(where, options.redis);
  const prefix = options.keyPrefix ?? DEFAULTS.keyPrefix;
  if (typeof prefix !== "string" || !/^[\w:.{}-]{0,100}$/.test(prefix))
    invalidOptions(where, "keyPrefix must be up to 100 letters, digits, '_', '-', '.', ':', '{' or '}'");
  const headroom = options.headroom ?? DEFAULTS.headroom;
  if (!(typeof headroom === "number" && headroom > 0 && headroom <= 1))
    invalidOptions(where, "headroom must be in (0, 1]");
  const limits: ThrottleLimits = { ...IDENTITY_THROTTLE_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    const values = typeof value === "number" ? [value] : Object.values(value as object);
    if (!values.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0))
      invalidOptions(where, `limits.${name} must be positive numbers`);
  }
  const tenantSize = options.tenantSize ?? DEFAULTS.tenantSize;
  const sizeOf = typeof tenantSize === "function" ? tenantSize : (): TenantSize => tenantSize;
  const client = redis.client;
  if (!("reBudgetReserve" in client)) {
    client.defineCommand("reBudgetReserve", { numberOfKeys: 2, lua: RESERVE_SCRIPT });
    client.defineCommand("reBudgetGiveBack", { numberOfKeys: 2, lua: GIVE_BACK_SCRIPT });
    client.defineCommand("reBudgetHold", { numberOfKeys: 1, lua: HOLD_SCRIPT });
  }
  const commands = client as unknown as BudgetCommands;
  const app = {
    units: capOf(limits.appResourceUnits, headroom),
    requests: capOf(limits.appRequests, headroom),
    writes: capOf(limits.appWrites, headroom),
  };
  // A key untouched for its longest window has refilled completely: it may go.
  const ttlMs = Math.ceil(
    Math.max(
      limits.tenantWindowMs,
      limits.tenantWriteWindowMs,
      limits.appWindowMs,
      limits.appWriteWindowMs,
      limits.appRequestWindowMs,
    ),
  );
  const appKey = `${prefix}budget:app`;
  const counters = { acquired: 0, waited: 0, waitedMs: 0, throttledReported: 0 };
  let scriptCalls = 0;
  let appHeldUntilMs = Number.NEGATIVE_INFINITY;
  // Only tenants held after a 429 are remembered here (and forgotten once the hold is over): a worker
  // that meets 100,000 tenants keeps no state per tenant.
  const held = new Map<string, number>();
  const heldUntil = (tenantId: string) => {
    const until = held.get(tenantId);
    if (until !== undefined && until <= Date.now()) held.delete(tenantId);
    return until ?? Number.NEGATIVE_INFINITY;
  };

  function createTenant(tenantId: string): TenantThrottleBudget {
    const tenantKey = `${prefix}budget:tenant:${tenantId}`;
    const size = sizeOf(tenantId);
    const caps = {
      units: capOf(limits.tenantResourceUnits[size] ?? limits.tenantResourceUnits.small, headroom),
      writes: capOf(limits.tenantWrites, headroom),
    };
    const reserve = (stage: "all" | "app", cost: RequestCost) => {
      scriptCalls += 1;
      return redis.roundTrip(
        `Reserving Graph budget for tenant ${tenantId}`,
        () =>
          commands.reBudgetReserve(
            tenantKey,
            appKey,
            stage,
            cost.resourceUnits,
            cost.writes,
            cost.requests,
            caps.units,
            limits.tenantWindowMs,
            caps.writes,
            limits.tenantWriteWindowMs,
            app.units,
            limits.appWindowMs,
            app.requests,
            limits.appRequestWindowMs,
            app.writes,
            limits.appWriteWindowMs,
            ttlMs,
          ),
        tenantId,
      );
    };
    // Best effort: a give-back that fails leaves a debt that refills within one window.
    const giveBack = (taken: 1 | 2, cost: RequestCost) => {
      scriptCalls += 1;
      redis
        .roundTrip(
          `Returning Graph budget of tenant ${tenantId}`,
          () =>
            commands.reBudgetGiveBack(
              tenantKey,
              appKey,
              taken,
              cost.resourceUnits,
              cost.writes,
              cost.requests,
              caps.units,
              caps.writes,
              app.units,
              app.requests,
              app.writes,
            ),
          tenantId,
        )
        .catch(() => {});
    };
    return {
      async acquire(cost, signal) {
        signal?.throwIfAborted();
        const startedMs = Date.now();
        let taken: 0 | 1 | 2 = 0;
        try {
          // Held locally after a 429 this worker saw: no need to ask Redis meanwhile.
          await abortableSleep(Math.max(heldUntil(tenantId), appHeldUntilMs) - Date.now(), signal);
          while (taken !== 2) {
            signal?.throwIfAborted();
            const [answer, waitMs] = await reserve(taken === 1 ? "app" : "all", cost);
            if (answer !== 0) taken = answer === 1 ? 1 : 2;
            await abortableSleep(waitMs, signal);
          }
        } catch (error) {
          if (taken !== 0) giveBack(taken, cost);
          throw error;
        }
        counters.acquired += 1;
        const waitedMs = Date.now() - startedMs;
        if (waitedMs > 0) {
          counters.waited += 1;
          counters.waitedMs += waitedMs;
        }
      },
      reportThrottled(retryAfterMs: number, scope: ThrottleScope = "tenant") {
        counters.throttledReported += 1;
        if (!(Number.isFinite(retryAfterMs) && retryAfterMs > 0)) return;
        const untilMs = Date.now() + retryAfterMs;
        if (scope === "application") appHeldUntilMs = Math.max(appHeldUntilMs, untilMs);
        else held.set(tenantId, Math.max(heldUntil(tenantId), untilMs));
        // Every other worker hears of it through the hold in Redis; this one already holds locally.
        scriptCalls += 1;
        redis
          .roundTrip(
            `Holding tenant ${tenantId} after a 429`,
            () =>
              commands.reBudgetHold(
                scope === "application" ? appKey : tenantKey,
                Math.ceil(retryAfterMs),
                ttlMs,
              ),
            tenantId,
          )
          .catch(() => {});
      },
    };
  }

  return {
    forTenant: (tenantId) => createTenant(tenantId.toLowerCase()),
    stats: (): ThrottleBudgetStats => ({ ...counters }),
    roundTrips: () => scriptCalls,
  };
}
