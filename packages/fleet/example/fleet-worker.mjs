// @ts-check
/**
 * One worker of the fleet example: what a host's worker process looks like. Every worker of a fleet runs
 * this with the same Redis, database and budget settings (FLEET_EXAMPLE, JSON, from fleet-example.mjs).
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
import { startConsoleTelemetry } from "./console-telemetry.mjs";

const config = JSON.parse(process.env.FLEET_EXAMPLE ?? "{}");
// 0. OpenTelemetry: the host registers the SDK once, before anything runs (docs/operations.md).
const telemetry = startConsoleTelemetry(config.name);
// 1. The fleet's shared state: one Redis connection for the snapshot store and the Graph budget.
const redis = connectFleetRedis(config.redisUrl);
const snapshotStore = createRedisSnapshotStore({ redis, keyPrefix: config.keyPrefix });
const throttleBudget = createRedisThrottleBudget({ redis, keyPrefix: config.keyPrefix });
// 2. The accounts every worker sees: one PostgreSQL table.
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
const accounts = createPostgresAccountStore({ pool, schema: config.schema });
// 3. Graph: one connection pool for the process; a real host passes createGraphCredential(...) instead.
const connectionPool = createGraphConnectionPool({ ca: config.ca });

const worker = createExclusionWorker({
  connection: config.redisUrl,
  queueName: config.queueName,
  name: config.name,
  concurrency: 8,
  snapshotStore,
  throttleBudget,
  accounts: (tenantId) => accounts.forTenant(tenantId),
  createDirectory: (tenantId, { throttleBudget: budget }) =>
    createGraphDirectory({
      tenantId,
      credential: {
        getToken: async () => ({
          token: fakeGraphToken(tenantId),
          expiresOnTimestamp: Date.now() + 3_600_000,
        }),
      },
      baseUrl: config.graphUrl,
      connectionPool,
      throttleBudget: budget,
    }),
});
// 4. SIGTERM drains: no new job; running ones stop writing and go back to the queue.
process.once("SIGTERM", () => {
  worker
    .close()
    .then(() => Promise.all([redis.close(), pool.end(), connectionPool.close(), telemetry.shutdown()]))
    .then(() => process.exit(0));
});
await worker.ready();
process.stdout.write(`${config.name} ready\n`);
