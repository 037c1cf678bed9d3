/**
 * The shared Graph budget against a real Redis: two budget objects stand for two worker processes.
 * Small limits keep the waits under a second; the windows are long enough that filling a bucket on a
 * loaded machine (each acquire is one Redis round trip) does not refill it before the waiting call.
 */
import { connectFleetRedis, createRedisThrottleBudget, isFleetError } from "@rotation-exclusion/fleet";
import { afterAll, describe, expect, test } from "vitest";
import { deleteKeys, missingServices, REDIS_URL, uniquePrefix } from "./fleet-services.js";

const missing = await missingServices();
const oneUnit = { resourceUnits: 1, writes: 0, requests: 1 };
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

describe.skipIf(missing !== undefined)(
  `Redis throttle budget${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    const redisA = connectFleetRedis(REDIS_URL);
    const redisB = connectFleetRedis(REDIS_URL);
    const prefixes: string[] = [];
    afterAll(async () => {
      for (const prefix of prefixes) await deleteKeys(prefix);
      await redisA.close();
      await redisB.close();
    });

    /** Two workers' budgets over one Redis, with the given limits and no headroom. */
    function twoWorkers(limits: NonNullable<Parameters<typeof createRedisThrottleBudget>[0]["limits"]>) {
      const keyPrefix = uniquePrefix("budget");
      prefixes.push(keyPrefix);
      const options = { keyPrefix, headroom: 1, limits };
      return [
        createRedisThrottleBudget({ redis: redisA, ...options }),
        createRedisThrottleBudget({ redis: redisB, ...options }),
      ] as const;
    }

    async function timed(run: () => Promise<void>): Promise<number> {
      const started = performance.now();
      await run();
      return performance.now() - started;
    }

    test("the app bucket is one for every worker and tenant: what one worker took, the other waits for", async () => {
      const [one, two] = twoWorkers({ appRequests: 10, appRequestWindowMs: 5_000 });
      for (let i = 0; i < 10; i += 1) await one.forTenant(i % 2 === 0 ? A : B).acquire(oneUnit);
      const waitedMs = await timed(() => two.forTenant(B).acquire(oneUnit));
      expect(waitedMs).toBeGreaterThanOrEqual(60);
      expect(two.stats()).toMatchObject({ acquired: 1, waited: 1 });
    });

    test("a tenant's bucket is shared by the workers and separate from other tenants'", async () => {
      const [one, two] = twoWorkers({
        tenantResourceUnits: { small: 5, medium: 5, large: 5 },
        tenantWindowMs: 5_000,
      });
      for (let i = 0; i < 5; i += 1) await one.forTenant(A).acquire(oneUnit);
      expect(await timed(() => two.forTenant(B).acquire(oneUnit))).toBeLessThan(60);
      expect(await timed(() => two.forTenant(A).acquire(oneUnit))).toBeGreaterThanOrEqual(120);
    });

    test("one script call per request when nothing has to wait", async () => {
      const [one] = twoWorkers({});
      const before = one.roundTrips();
      for (let i = 0; i < 5; i += 1) await one.forTenant(A).acquire(oneUnit);
      expect(one.roundTrips() - before).toBe(5);
      expect(one.stats().acquired).toBe(5);
    });

    test("a 429 one worker saw holds that tenant on every worker, and only that tenant", async () => {
      const [one, two] = twoWorkers({});
      one.forTenant(A).reportThrottled(300, "tenant");
      await new Promise((resolve) => setTimeout(resolve, 30)); // the hold travels to Redis
      expect(await timed(() => two.forTenant(B).acquire(oneUnit))).toBeLessThan(100);
      expect(await timed(() => two.forTenant(A).acquire(oneUnit))).toBeGreaterThanOrEqual(200);
    });

    test("a 429 scoped to the application holds every tenant on every worker", async () => {
      const [one, two] = twoWorkers({});
      one.forTenant(A).reportThrottled(300, "application");
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await timed(() => two.forTenant(B).acquire(oneUnit))).toBeGreaterThanOrEqual(200);
    });

    test("a request that gives up waiting gives its reservation back to every worker", async () => {
      const [one, two] = twoWorkers({ appRequests: 2, appRequestWindowMs: 2_000 });
      await one.forTenant(A).acquire(oneUnit);
      await one.forTenant(A).acquire(oneUnit);
      // Each waiter goes 1 s into debt; both give up.
      const controller = new AbortController();
      const waiting = [
        one.forTenant(A).acquire(oneUnit, controller.signal),
        one.forTenant(B).acquire(oneUnit, controller.signal),
      ];
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort(new Error("deadline"));
      for (const wait of waiting) await expect(wait).rejects.toThrow("deadline");
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Without the give-back the next request would wait for two phantom requests (~2 s) first.
      const waitedMs = await timed(() => two.forTenant(B).acquire(oneUnit));
      expect(waitedMs).toBeLessThan(1_300);
    });

    test("Redis unreachable: acquire rejects with redis-unavailable and takes nothing", async () => {
      const down = connectFleetRedis("redis://127.0.0.1:1", { commandTimeoutMs: 300 });
      const budget = createRedisThrottleBudget({ redis: down });
      const error = await budget
        .forTenant(A)
        .acquire(oneUnit)
        .catch((caught: unknown) => caught);
      expect(isFleetError(error) && error.code).toBe("redis-unavailable");
      expect(budget.stats().acquired).toBe(0);
      // Reporting a 429 never throws, even when Redis cannot hear of it.
      expect(() => budget.forTenant(A).reportThrottled(1_000)).not.toThrow();
      await down.close();
    });
  },
);
