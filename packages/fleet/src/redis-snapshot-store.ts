/**
 * Core's `SnapshotStore` in Redis, shared by every worker of a fleet: a worker that runs a tenant
 * another worker ran last cycle starts warm (one Graph request for a quiet tenant). One hash per tenant
 * under the store's prefix, holding the compact record and its read time; a save is compare-and-set on
 * that time in one script call, so a slow worker that finishes late cannot roll a tenant back to an
 * older snapshot (decision 0019). Every record expires after `ttlMs` without a save.
 */
import { isGuid } from "@rotation-exclusion/core/internal";
import type { ReadOptions, SnapshotStore, StoredSnapshot } from "@rotation-exclusion/core/ports";
import { invalidOptions } from "./fleet-error.js";
import { countedRedis, type FleetRedis } from "./fleet-redis.js";
import { decodeSnapshot, encodeSnapshot } from "./snapshot-encoding.js";

/** Options of {@link createRedisSnapshotStore}. */
export interface RedisSnapshotStoreOptions {
  /** From `connectFleetRedis()`. */
  readonly redis: FleetRedis;
  /** Prefix of every key, so that several fleets (or tests) share one Redis. Default `rotation-exclusion:`. */
  readonly keyPrefix?: string;
  /** A record not saved again for this long expires. Default 172,800,000 (two days). */
  readonly ttlMs?: number;
}

/** A {@link SnapshotStore} in Redis, with what a host or a test may want to know about it. */
export interface RedisSnapshotStore extends SnapshotStore {
  /** The key of a tenant's record. */
  keyOf(tenantId: string): string;
  /** Saves refused because the stored record was newer (a late worker's save). */
  staleSavesRefused(): number;
}

const DEFAULTS = {
  keyPrefix: "rotation-exclusion:",
  ttlMs: 2 * 24 * 60 * 60 * 1_000,
} satisfies Required<Omit<RedisSnapshotStoreOptions, "redis">>;

// KEYS[1] the tenant's hash; ARGV: protectedAtMs, unitsAtMs, record, ttlMs. Keeps the stored record
// when it was read later (same protected-set time: later unit evidence wins), else replaces it whole.
const SAVE_SCRIPT = `
local stored = redis.call('HMGET', KEYS[1], 'p', 'u')
local p, u = tonumber(stored[1]), tonumber(stored[2])
local np, nu = tonumber(ARGV[1]), tonumber(ARGV[2])
if p and (p > np or (p == np and u and u > nu)) then return 0 end
redis.call('HSET', KEYS[1], 'p', ARGV[1], 'u', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

interface SnapshotCommands {
  reSnapshotSave(key: string, p: number, u: number, record: Buffer, ttlMs: number): Promise<number>;
}

function checkPrefix(where: string, prefix: unknown): string {
  if (typeof prefix !== "string" || !/^[\w:.{}-]{0,100}$/.test(prefix))
    invalidOptions(where, "keyPrefix must be up to 100 letters, digits, '_', '-', '.', ':', '{' or '}'");
  return prefix;
}

/**
 * Creates the Redis snapshot store. Pass the same store to every worker of the fleet.
 *
 * @example
 * const redis = connectFleetRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
 * const snapshotStore = createRedisSnapshotStore({ redis, keyPrefix: "msp-a:" });
 */
export function createRedisSnapshotStore(options: RedisSnapshotStoreOptions): RedisSnapshotStore {
  const where = "createRedisSnapshotStore";
  if (typeof options !== "object" || options === null) invalidOptions(where, "options must be an object");
  const redis = countedRedis(where, options.redis);
  const prefix = checkPrefix(where, options.keyPrefix ?? DEFAULTS.keyPrefix);
  const ttlMs = options.ttlMs ?? DEFAULTS.ttlMs;
  if (!(Number.isInteger(ttlMs) && ttlMs >= 1_000))
    invalidOptions(where, "ttlMs must be a whole number of milliseconds >= 1000");
  if (!("reSnapshotSave" in redis.client))
    redis.client.defineCommand("reSnapshotSave", { numberOfKeys: 1, lua: SAVE_SCRIPT });
  const commands = redis.client as unknown as SnapshotCommands;
  let refused = 0;

  // Tenant ids are GUIDs: anything else as a key part could reach another tenant's key.
  const keyOf = (tenantId: string) => {
    if (!isGuid(tenantId)) invalidOptions("RedisSnapshotStore", "tenantId must be a GUID");
    return `${prefix}snapshot:${tenantId.toLowerCase()}`;
  };

  return {
    keyOf,
    staleSavesRefused: () => refused,
    async load(tenantId: string, readOptions: ReadOptions = {}): Promise<StoredSnapshot | undefined> {
      readOptions.signal?.throwIfAborted();
      const key = keyOf(tenantId);
      const bytes = await redis.roundTrip(
        `Loading the snapshot of tenant ${tenantId}`,
        (client) => client.hgetBuffer(key, "d"),
        tenantId,
      );
      return bytes === null ? undefined : decodeSnapshot(bytes, key);
    },
    async save(snapshot: StoredSnapshot, readOptions: ReadOptions = {}): Promise<void> {
      readOptions.signal?.throwIfAborted();
      const key = keyOf(snapshot.tenantId);
      const saved = await redis.roundTrip(
        `Saving the snapshot of tenant ${snapshot.tenantId}`,
        () =>
          commands.reSnapshotSave(
            key,
            snapshot.protectedAtMs,
            snapshot.unitsAtMs,
            encodeSnapshot(snapshot),
            ttlMs,
          ),
        snapshot.tenantId,
      );
      if (saved === 0) refused += 1;
    },
  };
}
