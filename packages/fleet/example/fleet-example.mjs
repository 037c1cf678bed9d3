// @ts-check
/**
 * The fleet example, one command (`pnpm fleet:example`): a fake Microsoft Graph serving 200 tenants,
 * their managed accounts in PostgreSQL, two worker processes, and a producer that runs two cycles and
 * prints the reports. Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and PostgreSQL
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test); it uses a schema and key prefix of
 * its own and removes them at the end.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createExclusionQueue, createPostgresAccountStore } from "@rotation-exclusion/fleet";
import { startFakeGraphServer, tenantBuilder } from "@rotation-exclusion/testing";
import { Redis } from "ioredis";
import pg from "pg";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const run = randomUUID().slice(0, 8);
const keyPrefix = `fleet-example:${run}:`;
const queueName = `fleet-example-${run}`;
const schema = `fleet_example_${run}`;
const say = (text) => process.stdout.write(`${text}\n`);

// 1. Two hundred customer tenants, each with two break-glass accounts in a restricted unit.
const tenants = Array.from({ length: 200 }, (_, i) => {
  const builder = tenantBuilder({ seed: `fleet-example-${i}` });
  const breakGlass = [builder.user("breakglass1"), builder.user("breakglass2")];
  const others = [builder.user("helpdesk"), builder.user("ops")];
  builder.unit("Emergency access", { restricted: true, members: breakGlass });
  return { model: builder.build(), accounts: [...breakGlass, ...others] };
});
const [first, ...rest] = tenants.map((t) => t.model);
const graph = await startFakeGraphServer(first, { tenants: rest });

// 2. The rotation service's accounts, in PostgreSQL.
const pool = new pg.Pool({ connectionString: databaseUrl });
const store = createPostgresAccountStore({ pool, schema });
await store.migrate();
for (const tenant of tenants) {
  await store.insert(
    tenant.model.tenantId,
    tenant.accounts.map((objectId) => ({ objectId, autoRotate: true })),
  );
}

// 3. Two workers, each its own process.
const workers = ["worker-1", "worker-2"].map((name) =>
  spawn(process.execPath, [fileURLToPath(new URL("./fleet-worker.mjs", import.meta.url))], {
    env: {
      ...process.env,
      FLEET_EXAMPLE: JSON.stringify({
        name,
        redisUrl,
        databaseUrl,
        schema,
        keyPrefix,
        queueName,
        graphUrl: graph.url,
        ca: graph.ca,
      }),
    },
    stdio: ["ignore", "inherit", "inherit"],
  }),
);

// 4. The producer: one job per tenant per cycle, then the cycle's report.
const queue = createExclusionQueue({ connection: redisUrl, queueName });
const tenantIds = tenants.map((t) => t.model.tenantId);
try {
  for (const cycleId of ["cycle-1", "cycle-2"]) {
    await queue.enqueueCycle({ cycleId, tenants: tenantIds, deadlineMs: 120_000 });
    const report = await queue.collectCycle({
      cycleId,
      tenants: tenantIds,
      timeoutMs: 150_000,
      pollIntervalMs: 250,
    });
    const byWorker = {};
    for (const tenant of report.tenants)
      byWorker[tenant.worker ?? "?"] = (byWorker[tenant.worker ?? "?"] ?? 0) + 1;
    say(
      `${cycleId}: ${JSON.stringify(report.tenantCounts)} accounts ${JSON.stringify(report.accounts)} Graph ${JSON.stringify(report.graph)} in ${report.wallTimeMs} ms; tenants per worker ${JSON.stringify(byWorker)}`,
    );
  }
} finally {
  for (const worker of workers) worker.kill("SIGTERM");
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve))));
  await queue.close();
  await graph.close();
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  const redis = new Redis(redisUrl);
  for (const pattern of [`${keyPrefix}*`, `bull:${queueName}:*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  }
  redis.disconnect();
}
