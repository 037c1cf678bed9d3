/**
 * One worker process of the fleet bench: a fleet worker over the synthetic Graph (tokens `bench.<id>`),
 * synthetic accounts per tenant (in this process's memory: the bench measures Graph, Redis and CPU, not
 * the account store), the Redis snapshot store and budget. Counts every Redis command it sends, split
 * into the fleet's own (snapshot store, budget) and BullMQ's. Answers `stats` over IPC.
 */

import {
  connectFleetRedis,
  createExclusionWorker,
  createRedisSnapshotStore,
  createRedisThrottleBudget,
} from "@rotation-exclusion/fleet";
import { createGraphConnectionPool, createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import { Redis } from "ioredis";
import { lazyAccountStore } from "./lazy-account-store.js";
import { tenantIndexOf } from "./synthetic-tenants.js";

interface WorkerConfig {
  readonly name: string;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly queueName: string;
  readonly graphUrl: string;
  readonly ca: string;
  readonly accounts: number;
  readonly concurrency: number;
}

// Every command any ioredis client of this process sends (BullMQ's and ours); ours are subtracted.
let commands = 0;
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof send>) {
  commands += 1;
  return send.apply(this, args);
} as typeof send;

const config = JSON.parse(process.env.FLEET_BENCH_WORKER ?? "{}") as WorkerConfig;
const redis = connectFleetRedis(config.redisUrl);
const snapshotStore = createRedisSnapshotStore({ redis, keyPrefix: config.keyPrefix });
const throttleBudget = createRedisThrottleBudget({ redis, keyPrefix: config.keyPrefix, tenantSize: "large" });
const connectionPool = createGraphConnectionPool({ ca: config.ca, connections: 64 });
const stores = new Map<string, ReturnType<typeof lazyAccountStore>>();
let tenantCycles = 0;

const worker = createExclusionWorker({
  connection: config.redisUrl,
  queueName: config.queueName,
  name: config.name,
  concurrency: config.concurrency,
  snapshotStore,
  throttleBudget,
  accounts(tenantId) {
    let store = stores.get(tenantId);
    if (store === undefined) {
      store = lazyAccountStore(tenantIndexOf(tenantId), config.accounts);
      stores.set(tenantId, store);
    }
    return store;
  },
  createDirectory: (tenantId, context) =>
    createGraphDirectory({
      tenantId,
      credential: {
        getToken: async () => ({ token: `bench.${tenantId}`, expiresOnTimestamp: Date.now() + 3_600_000 }),
      },
      baseUrl: config.graphUrl,
      connectionPool,
      throttleBudget: context.throttleBudget,
    }),
  onTenantFinished: () => {
    tenantCycles += 1;
  },
});

process.on("message", (message: { type: string }) => {
  if (message.type === "stats") {
    const ours = redis.roundTrips();
    process.send?.({
      type: "stats",
      tenantCycles,
      cpuMicros: process.cpuUsage().user + process.cpuUsage().system,
      fleetRoundTrips: ours,
      bullCommands: commands - ours,
    });
  } else if (message.type === "stop") {
    void worker
      .close()
      .then(() => Promise.all([redis.close(), connectionPool.close()]))
      .then(() => process.exit(0));
  }
});
await worker.ready();
process.send?.({ type: "ready" });
