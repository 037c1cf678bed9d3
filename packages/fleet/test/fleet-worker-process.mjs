// @ts-check
/**
 * One fleet worker as its own process, for the end-to-end test (and the example's shape): the real
 * Graph adapter against the fake Graph server, the PostgreSQL account store, the Redis snapshot store
 * and budget. Configured by FLEET_WORKER_CONFIG (JSON); prints one JSON line per finished tenant and
 * "ready" once it takes jobs. SIGTERM drains.
 */

import {
  connectFleetRedis,
  createExclusionWorker,
  createPostgresAccountStore,
  createRedisSnapshotStore,
  createRedisThrottleBudget,
} from "@rotation-exclusion/fleet";
import { createGraphConnectionPool, createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import { fakeGraphToken } from "@rotation-exclusion/testing";
import pg from "pg";

const config = JSON.parse(process.env.FLEET_WORKER_CONFIG ?? "{}");
const failing = new Set(config.failingTenants ?? []);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const redis = connectFleetRedis(config.redisUrl);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
const accounts = createPostgresAccountStore({ pool, schema: config.schema });
const throttleBudget = createRedisThrottleBudget({
  redis,
  keyPrefix: config.keyPrefix,
  headroom: 1,
  limits: config.limits,
});
// One keep-alive pool for every tenant, as one app talks to graph.microsoft.com: a pool per directory
// would cost a TLS handshake per tenant.
const connectionPool = createGraphConnectionPool({ ca: config.ca, connections: 32 });
const credentialFor = (tenantId) => ({
  getToken: async () => ({ token: fakeGraphToken(tenantId), expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** The store as the host sees it: a "write" line means a write reached the database. */
const reportingStore = (tenantId) => {
  const store = accounts.forTenant(tenantId);
  return {
    list: (options) => store.list(options),
    update(key, write, options) {
      print({ type: "write", worker: config.name, tenantId, key });
      return store.update(key, write, options);
    },
  };
};
const logger = {
  debug() {},
  info() {},
  warn: (obj, msg) => print({ type: "log", level: "warn", worker: config.name, msg, ...obj }),
  error: (obj, msg) => print({ type: "log", level: "error", worker: config.name, msg, ...obj }),
};

const worker = createExclusionWorker({
  logger,
  connection: config.redisUrl,
  queueName: config.queueName,
  name: config.name,
  concurrency: config.concurrency,
  lockDurationMs: config.lockDurationMs,
  stalledIntervalMs: config.stalledIntervalMs,
  stopGraceMs: 2_000,
  snapshotStore: createRedisSnapshotStore({ redis, keyPrefix: config.keyPrefix }),
  throttleBudget,
  accounts: reportingStore,
  createDirectory(tenantId, context) {
    print({ type: "started", worker: config.name, tenantId });
    if (failing.has(tenantId)) throw new Error(`tenant ${tenantId} has no consent for this app`);
    return createGraphDirectory({
      tenantId,
      credential: credentialFor(tenantId),
      baseUrl: config.graphUrl,
      connectionPool,
      throttleBudget: context.throttleBudget,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, deadlineMs: 20_000, maxRetryAfterMs: 2_000 },
    });
  },
  onTenantFinished: (result) =>
    print({
      type: "finished",
      worker: config.name,
      tenantId: result.tenantId,
      status: result.status,
      requests: result.graph.requests,
      attempts: result.attempts,
    }),
});

let stopping = false;
process.once("SIGTERM", () => {
  stopping = true;
  worker
    .close()
    .then(() => Promise.all([redis.close(), pool.end()]))
    .then(() => {
      print({ type: "closed", worker: config.name });
      process.exit(0);
    });
});
await worker.ready();
if (!stopping) print({ type: "ready", worker: config.name });
