/**
 * The Redis snapshot store against a real Redis: what core needs from a SnapshotStore, shared by
 * workers (a tenant is warm on whichever worker runs it), and never rolled back by a late save.
 */
import { createRotationGuard, type StoredSnapshot } from "@rotation-exclusion/core";
import { connectFleetRedis, createRedisSnapshotStore, isFleetError } from "@rotation-exclusion/fleet";
import {
  createInMemoryAccountStore,
  createInMemoryDirectory,
  emergencyAccessTenant,
} from "@rotation-exclusion/testing";
import { Redis } from "ioredis";
import { afterAll, describe, expect, test } from "vitest";
import { deleteKeys, missingServices, REDIS_URL, uniquePrefix } from "./fleet-services.js";

const missing = await missingServices();
const prefix = uniquePrefix("snapshots");
const TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

function snapshotAt(protectedAtMs: number, unitsAtMs: number, tenantId = TENANT): StoredSnapshot {
  return {
    version: 1,
    tenantId,
    protectedAtMs,
    unitsAtMs,
    lastCompleteAtMs: protectedAtMs,
    protectedRead: {
      primarySignal: "available",
      complete: true,
      users: [
        {
          id: "11111111-1111-4111-8111-111111111111",
          userPrincipalName: "bg@contoso.test",
          displayName: null,
        },
      ],
    },
    unitsRead: {
      complete: true,
      units: [
        {
          id: "22222222-2222-4222-8222-222222222222",
          displayName: "Break glass",
          membershipType: "assigned",
          visibility: "hiddenMembership",
          members: {
            userIds: ["11111111-1111-4111-8111-111111111111"],
            groupIds: [],
            deviceIds: [],
            otherIds: ["33333333-3333-4333-8333-333333333333"],
            complete: false,
            hiddenMembersVisible: true,
            failure: { kind: "throttled", message: "429 on page 2", status: 429 },
          },
        },
      ],
    },
  };
}

describe.skipIf(missing !== undefined)(
  `Redis snapshot store${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    const redis = connectFleetRedis(REDIS_URL);
    afterAll(async () => {
      await deleteKeys(prefix);
      await redis.close();
    });

    test("the incomplete streak is stored beside the snapshot, so another worker continues it", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix, ttlMs: 60_000 });
      const tenantId = "5a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
      const incomplete = {
        ...snapshotAt(2_000, 2_000, tenantId),
        lastCompleteAtMs: 1_000,
        incompleteStreak: 4,
      };
      await store.save(incomplete);
      const otherWorker = createRedisSnapshotStore({ redis, keyPrefix: prefix, ttlMs: 60_000 });
      expect(await otherWorker.load(tenantId)).toEqual(incomplete);
      // A record written before the streak existed loads without one (the streak starts again at 0).
      const { incompleteStreak: _dropped, ...older } = incomplete;
      await store.save({ ...older, protectedAtMs: 3_000, unitsAtMs: 3_000 });
      expect((await store.load(tenantId))?.incompleteStreak).toBeUndefined();
    });

    test("a saved snapshot loads back whole, compactly, with an expiry", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix, ttlMs: 60_000 });
      const saved = snapshotAt(1_000, 900);
      await store.save(saved);
      expect(await store.load(TENANT.toUpperCase())).toEqual(saved);
      const raw = new Redis(REDIS_URL);
      try {
        const ttl = await raw.pttl(store.keyOf(TENANT));
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
        const stored = await raw.hgetBuffer(store.keyOf(TENANT), "d");
        expect(stored?.length).toBeLessThan(JSON.stringify(saved).length * 0.75);
      } finally {
        raw.disconnect();
      }
    });

    test("the unit delta link travels with the snapshot; a record written before it (seven fields) loads without one", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix });
      const tenant = "4d0b0c0d-1e1f-4a2b-9c3d-4e5f6a7b8c9d";
      const linked = {
        ...snapshotAt(2_000, 2_000, tenant),
        unitsDeltaLink:
          "https://graph.microsoft.com/v1.0/directory/administrativeUnits/delta?$deltatoken=abc",
      };
      await store.save(linked);
      expect(await store.load(tenant)).toEqual(linked);
      const raw = new Redis(REDIS_URL);
      try {
        const old = `J${JSON.stringify([1, tenant, 3_000, 3_000, null, [0, 1, [], 0], [1, [], 0]])}`;
        await raw.hset(store.keyOf(tenant), "d", old, "p", "3000", "u", "3000");
        const loaded = await store.load(tenant);
        expect(loaded?.protectedAtMs).toBe(3_000);
        expect(loaded && "unitsDeltaLink" in loaded).toBe(false);
      } finally {
        raw.disconnect();
      }
    });

    test("a save never replaces a newer snapshot with an older one: a late worker cannot roll a tenant back", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix });
      const tenant = "0a0b0c0d-1e1f-4a2b-9c3d-4e5f6a7b8c9d";
      await store.save(snapshotAt(5_000, 5_000, tenant));
      await store.save(snapshotAt(4_000, 4_500, tenant));
      expect((await store.load(tenant))?.protectedAtMs).toBe(5_000);
      // Same protected-set read time: the one with the later unit evidence stays.
      await store.save(snapshotAt(5_000, 4_000, tenant));
      expect((await store.load(tenant))?.unitsAtMs).toBe(5_000);
      expect(store.staleSavesRefused()).toBe(2);
      await store.save(snapshotAt(6_000, 5_000, tenant));
      expect((await store.load(tenant))?.protectedAtMs).toBe(6_000);
    });

    test("concurrent saves of one tenant: the newest read wins whatever the arrival order", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix });
      const tenant = "1a0b0c0d-1e1f-4a2b-9c3d-4e5f6a7b8c9d";
      const times = Array.from({ length: 20 }, (_, i) => 10_000 + ((i * 7) % 20));
      await Promise.all(times.map((t) => store.save(snapshotAt(t, t, tenant))));
      expect((await store.load(tenant))?.protectedAtMs).toBe(Math.max(...times));
    });

    test("tenants are isolated: one tenant's key never answers for another, and a tenant id must be a GUID", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix });
      const other = "2b0b0c0d-1e1f-4a2b-9c3d-4e5f6a7b8c9d";
      expect(await store.load(other)).toBeUndefined();
      const error = await store.load("../../*").catch((caught: unknown) => caught);
      expect(isFleetError(error) && error.code).toBe("invalid-options");
      expect(store.keyOf(TENANT)).toBe(`${prefix}snapshot:${TENANT}`);
    });

    test("a record that is not ours is a malformed-record error (core then starts cold)", async () => {
      const store = createRedisSnapshotStore({ redis, keyPrefix: prefix });
      const tenant = "3c0b0c0d-1e1f-4a2b-9c3d-4e5f6a7b8c9d";
      const raw = new Redis(REDIS_URL);
      try {
        await raw.hset(store.keyOf(tenant), "d", 'J[2,"x"]', "p", "1");
        await expect(store.load(tenant)).rejects.toMatchObject({ code: "malformed-record" });
        await raw.hset(store.keyOf(tenant), "d", "garbage");
        await expect(store.load(tenant)).rejects.toMatchObject({ code: "malformed-record" });
      } finally {
        raw.disconnect();
      }
    });

    test("a second worker's guard starts warm from the first one's save: one Graph request for a quiet tenant", async () => {
      const { tenant } = emergencyAccessTenant();
      const workerA = createRedisSnapshotStore({ redis, keyPrefix: prefix });
      const workerB = createRedisSnapshotStore({ redis: connectFleetRedis(REDIS_URL), keyPrefix: prefix });
      const run = async (snapshotStore: typeof workerA) => {
        const directory = createInMemoryDirectory(tenant);
        const guard = createRotationGuard({
          tenantId: tenant.tenantId,
          directory,
          accounts: createInMemoryAccountStore([]),
          snapshotStore,
        });
        const report = await guard.excludeFromAutoRotation();
        expect(report.snapshot.complete).toBe(true);
        return directory.stats().requests;
      };
      const cold = await run(workerA);
      const warm = await run(workerB);
      expect(cold).toBeGreaterThan(1);
      expect(warm).toBe(1);
    });

    test("Redis unreachable: load and save reject with redis-unavailable, naming the server without its password", async () => {
      const down = connectFleetRedis("redis://:s3cret-pass@127.0.0.1:1", { commandTimeoutMs: 300 });
      const store = createRedisSnapshotStore({ redis: down });
      const error = await store.load(TENANT).catch((caught: unknown) => caught);
      expect(isFleetError(error) && error.code).toBe("redis-unavailable");
      expect(String((error as Error).message)).toContain("127.0.0.1:1");
      expect(JSON.stringify(error) + String((error as Error).message)).not.toContain("s3cret");
      await expect(store.save(snapshotAt(1, 1))).rejects.toMatchObject({ code: "redis-unavailable" });
      await down.close();
    });
  },
);
