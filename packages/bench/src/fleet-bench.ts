/**
 * The fleet cell of the benchmark: N tenants × M accounts over 1, 2 and 4 worker processes (one
 * machine), a cold cycle then a steady one, against the synthetic Graph in its own process. Reports per
 * tenant-cycle: Graph requests, the fleet's own Redis round trips (snapshot store + budget; denials need
 * none, decision 0019) and BullMQ's commands on a line of their own, CPU per worker, 429s, wall time;
 * and cross-checks the client's count of script calls against Redis's `INFO commandstats`.
 *
 *   node dist/fleet-bench.js            # 10,000 tenants × 20 accounts over 1, 2 and 4 workers
 *   node dist/fleet-bench.js --quick    # 40 tenants over 1 and 2 workers; asserts counts, never times
 *
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379).
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createExclusionQueue } from "@rotation-exclusion/fleet";
import { Redis } from "ioredis";
import { tenantIdOf } from "./synthetic-tenants.js";

const quick = process.argv.includes("--quick");
const TENANTS = quick ? 40 : 10_000;
const ACCOUNTS = 20;
const WORKER_COUNTS = quick ? [1, 2] : [1, 2, 4];
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const here = (path: string) => new URL(path, import.meta.url);

interface WorkerStats {
  tenantCycles: number;
  cpuMicros: number;
  fleetRoundTrips: number;
  bullCommands: number;
}

function ask<T>(child: ChildProcess, type: string, answer = type): Promise<T> {
  return new Promise((resolve) => {
    const on = (message: { type: string }) => {
      if (message.type !== answer) return;
      child.off("message", on);
      resolve(message as T);
    };
    child.on("message", on);
    child.send({ type });
  });
}

function startServer(): Promise<{ child: ChildProcess; url: string; ca: string }> {
  const child = fork(here("./synthetic-graph-server.js"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, BENCH_SHAPE: "mixed", BENCH_LATENCY_MS: process.env.BENCH_LATENCY_MS ?? "5" },
  });
  return new Promise((resolve) => {
    child.once("message", (message: { url: string; ca: string }) => resolve({ child, ...message }));
  });
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info("commandstats");
  const calls = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls.set(match[1] as string, Number(match[2]));
  return calls;
}

const delta = (after: Map<string, number>, before: Map<string, number>, name: string) =>
  (after.get(name) ?? 0) - (before.get(name) ?? 0);

function sum(stats: readonly WorkerStats[]): WorkerStats {
  return stats.reduce(
    (a, b) => ({
      tenantCycles: a.tenantCycles + b.tenantCycles,
      cpuMicros: a.cpuMicros + b.cpuMicros,
      fleetRoundTrips: a.fleetRoundTrips + b.fleetRoundTrips,
      bullCommands: a.bullCommands + b.bullCommands,
    }),
    { tenantCycles: 0, cpuMicros: 0, fleetRoundTrips: 0, bullCommands: 0 },
  );
}

function minus(a: WorkerStats, b: WorkerStats): WorkerStats {
  return {
    tenantCycles: a.tenantCycles - b.tenantCycles,
    cpuMicros: a.cpuMicros - b.cpuMicros,
    fleetRoundTrips: a.fleetRoundTrips - b.fleetRoundTrips,
    bullCommands: a.bullCommands - b.bullCommands,
  };
}

function check(condition: boolean, what: string): void {
  if (!condition) {
    process.stderr.write(`fleet bench --quick: ${what}\n`);
    process.exitCode = 1;
  }
}

const server = await startServer();
const admin = new Redis(REDIS_URL);
const tenants = Array.from({ length: TENANTS }, (_, n) => tenantIdOf(n));
const rows: string[] = [];
process.stdout.write(
  `## Fleet\n\n${TENANTS.toLocaleString("en-US")} tenants × ${ACCOUNTS} accounts, workers ${WORKER_COUNTS.join("/")}\n\n`,
);
try {
  for (const workerCount of WORKER_COUNTS) {
    const run = randomUUID().slice(0, 8);
    const keyPrefix = `fleet-bench:${run}:`;
    const queueName = `fleet-bench-${run}`;
    await ask(server.child, "reset", "reset-done");
    const workers = Array.from({ length: workerCount }, (_, i) =>
      fork(here("./fleet-bench-worker.js"), [], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        env: {
          ...process.env,
          FLEET_BENCH_WORKER: JSON.stringify({
            name: `w${i + 1}`,
            redisUrl: REDIS_URL,
            keyPrefix,
            queueName,
            graphUrl: server.url,
            ca: server.ca,
            accounts: ACCOUNTS,
            concurrency: 32,
          }),
        },
      }),
    );
    await Promise.all(
      workers.map((child) => new Promise<void>((resolve) => child.once("message", () => resolve()))),
    );
    const queue = createExclusionQueue({ connection: REDIS_URL, queueName });
    let previous = sum(await Promise.all(workers.map((w) => ask<WorkerStats>(w, "stats"))));
    for (const phase of ["cold", "steady"] as const) {
      const graphBefore = await ask<{ requests: number; throttled: number }>(server.child, "stats");
      const redisBefore = await commandStats(admin);
      const started = performance.now();
      await queue.enqueueCycle({ cycleId: phase, tenants });
      const report = await queue.collectCycle({ cycleId: phase, tenants, pollIntervalMs: 500 });
      const wallMs = performance.now() - started;
      const current = sum(await Promise.all(workers.map((w) => ask<WorkerStats>(w, "stats"))));
      const used = minus(current, previous);
      previous = current;
      const graphAfter = await ask<{ requests: number; throttled: number }>(server.child, "stats");
      const redisAfter = await commandStats(admin);
      const n = report.tenantCounts.total;
      const graphRequests = (graphAfter.requests - graphBefore.requests) / n;
      const throttled = graphAfter.throttled - graphBefore.throttled;
      const fleetRt = used.fleetRoundTrips / n;
      const evalsha = delta(redisAfter, redisBefore, "evalsha") + delta(redisAfter, redisBefore, "eval");
      rows.push(
        `| ${workerCount} | ${phase} | ${report.tenantCounts.done}/${n} | ${graphRequests.toFixed(2)} | ${fleetRt.toFixed(2)} | ${(used.bullCommands / n).toFixed(2)} | ${(used.cpuMicros / 1_000 / n).toFixed(2)} | ${throttled} | ${(wallMs / 1_000).toFixed(1)} | ${evalsha} |`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
      if (quick) {
        check(
          report.tenantCounts.done === n,
          `${phase} with ${workerCount} worker(s): ${report.tenantCounts.done}/${n} done`,
        );
        check(throttled === 0, `${phase}: ${throttled} 429s`);
        if (phase === "steady") {
          check(graphRequests === 1, `steady: ${graphRequests} Graph requests per tenant-cycle, not 1`);
          check(fleetRt <= 3, `steady: ${fleetRt} fleet Redis round trips per tenant-cycle, over 3`);
        }
        // Redis saw at least the script calls the workers counted (BullMQ's scripts come on top).
        check(
          evalsha >= used.fleetRoundTrips - n,
          `commandstats: ${evalsha} script calls, client counted more`,
        );
      }
    }
    await queue.close();
    await Promise.all(
      workers.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.send({ type: "stop" });
          }),
      ),
    );
    for (const pattern of [`${keyPrefix}*`, `bull:${queueName}:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
        cursor = next;
        if (keys.length > 0) await admin.del(...keys);
      } while (cursor !== "0");
    }
  }
  process.stdout.write(
    [
      "",
      "| workers | cycle | done | Graph req / tenant-cycle | fleet Redis RT / tenant-cycle (snapshot + budget) | BullMQ commands / tenant-cycle | worker CPU ms / tenant-cycle (all workers) | 429s | wall s | Redis evalsha+eval (server) |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
    ].join("\n"),
  );
} finally {
  admin.disconnect();
  server.child.send({ type: "stop" });
}
