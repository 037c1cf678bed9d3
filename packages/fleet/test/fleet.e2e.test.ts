/**
 * The fleet end to end, with real worker processes, the real Graph adapter, a real Redis and a real
 * PostgreSQL: 3 workers, 2,000 tenants (some failing, some throttled), two cycles, a worker killed with
 * SIGKILL mid-cycle, and one paused with SIGSTOP past its job lock. The fake Graph enforces one app
 * limit across every tenant and token; its own request log is the witness for the budget.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createExclusionQueue, createPostgresAccountStore } from "@rotation-exclusion/fleet";
import {
  type FakeGraphRequestRecord,
  type FakeGraphServer,
  startFakeGraphServer,
  type TenantModel,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  DATABASE_URL,
  deleteKeys,
  missingServices,
  REDIS_URL,
  temporarySchema,
  uniquePrefix,
} from "./fleet-services.js";

const missing = await missingServices({ postgres: true });

const TENANTS = Number(process.env.FLEET_E2E_TENANTS ?? 2_000);
const LOCK_MS = 2_000;
/** The budget every worker is configured with, for all of them together: requests per window. */
const BUDGET = { requests: 600, windowMs: 1_000 };
/** Graph's own limit for the app, above the budget: a 429 from it means the budget was exceeded. */
const APP_LIMIT = { requests: 900, windowMs: 1_000 };

interface Line {
  readonly type: string;
  readonly worker: string;
  readonly tenantId?: string;
  readonly status?: string;
  readonly key?: string;
  readonly msg?: string;
  readonly requests?: number;
}

interface Tenant {
  readonly model: TenantModel;
  readonly breakGlass: string;
  readonly ops: readonly [string, string];
}

function makeTenants(): Tenant[] {
  return Array.from({ length: TENANTS }, (_, i) => {
    const builder = tenantBuilder({ seed: `fleet-e2e-${i}` });
    const breakGlass = builder.user("breakglass");
    const ops: [string, string] = [builder.user("ops1"), builder.user("ops2")];
    builder.unit("Emergency access", { restricted: true, members: [breakGlass] });
    return { model: builder.build(), breakGlass, ops };
  });
}

/**
 * Replays the server's log through the configured budget's token bucket: the deficit it ever reached.
 * 0 means the fleet never sent faster than the budget allows.
 */
function worstDeficit(records: readonly FakeGraphRequestRecord[], budget = BUDGET): number {
  const perMs = budget.requests / budget.windowMs;
  let tokens = budget.requests;
  let at = records[0]?.receivedAtMs ?? 0;
  let worst = 0;
  for (const record of records) {
    if (record.route === "batch") continue;
    tokens = Math.min(budget.requests, tokens + (record.receivedAtMs - at) * perMs);
    at = record.receivedAtMs;
    tokens -= 1;
    worst = Math.min(worst, tokens);
  }
  return -worst;
}

describe.skipIf(missing !== undefined)(`fleet end to end${missing ? ` (skipped: ${missing})` : ""}`, () => {
  const keyPrefix = uniquePrefix("e2e");
  const queueName = `e2e-${keyPrefix.split(":")[2]}`;
  const tenants = makeTenants();
  const tenantIds = tenants.map((t) => t.model.tenantId);
  const failing = tenantIds.filter((_, i) => i % 211 === 7); // 10 tenants whose directory cannot be made
  const throttled = tenantIds.filter((_, i) => i % 97 === 3); // 21 tenants answered 429 once
  const lines: Line[] = [];
  const workers = new Map<string, ChildProcess>();
  let graph: FakeGraphServer;
  let db: Awaited<ReturnType<typeof temporarySchema>>;
  let queue: ReturnType<typeof createExclusionQueue>;

  function startWorker(name: string): Promise<void> {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL("./fleet-worker-process.mjs", import.meta.url))],
      {
        env: {
          ...process.env,
          FLEET_WORKER_CONFIG: JSON.stringify({
            name,
            redisUrl: REDIS_URL,
            databaseUrl: DATABASE_URL,
            schema: db.schema,
            keyPrefix,
            queueName,
            graphUrl: graph.url,
            ca: graph.ca,
            concurrency: 8,
            lockDurationMs: LOCK_MS,
            stalledIntervalMs: 1_000,
            failingTenants: failing,
            limits: { appRequests: BUDGET.requests, appRequestWindowMs: BUDGET.windowMs },
          }),
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    workers.set(name, child);
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          return;
        }
        lines.push(line);
        if (line.type === "ready") resolve();
      });
      child.once("exit", (code) =>
        reject(new Error(`worker ${name} exited with ${code} before it was ready`)),
      );
    });
  }

  const finishedIn = (from: number) => lines.slice(from).filter((line) => line.type === "finished");

  beforeAll(async () => {
    db = await temporarySchema("e2e");
    const accounts = createPostgresAccountStore({ pool: db.pool, schema: db.schema });
    await accounts.migrate();
    // Three managed accounts per tenant, inserted in a few statements.
    const rows = tenants.flatMap((t) =>
      [t.breakGlass, ...t.ops].map((id) => [t.model.tenantId, id, id, true] as const),
    );
    for (let start = 0; start < rows.length; start += 2_000) {
      const batch = rows.slice(start, start + 2_000);
      await db.pool.query(
        `INSERT INTO "${db.schema}"."rotation_exclusion_accounts" (tenant_id, account_key, object_id, auto_rotate) VALUES ${batch
          .map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`)
          .join(", ")}`,
        batch.flat(),
      );
    }
    const [first, ...rest] = tenants.map((t) => t.model);
    graph = await startFakeGraphServer(first as TenantModel, {
      tenants: rest,
      appLimit: APP_LIMIT,
      faults: throttled.map((tenantId) => ({
        match: { tenantId, route: "users.list" as const },
        effect: {
          kind: "throttled" as const,
          retryAfterSeconds: 0.2,
          retryAfterFormat: "decimal-seconds" as const,
        },
        times: 1,
      })),
    });
    queue = createExclusionQueue({ connection: REDIS_URL, queueName });
    await Promise.all(["w1", "w2", "w3"].map(startWorker));
  }, 60_000);

  afterAll(async () => {
    for (const child of workers.values()) {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
    }
    await queue?.close();
    await graph?.close();
    await db?.drop();
    await deleteKeys(keyPrefix);
    await deleteKeys(`bull:${queueName}:`);
  });

  test("two cycles over 2,000 tenants on 3 worker processes, one killed mid-cycle, one paused past its lock", async () => {
    const startedMs = Date.now();
    // ── Cycle 1, cold, with a worker killed with SIGKILL a third of the way through ──────────────
    await queue.enqueueCycle({ cycleId: "c1", tenants: tenantIds });
    // Enqueuing twice adds nothing: the job id is the cycle and the tenant.
    await queue.enqueueCycle({ cycleId: "c1", tenants: tenantIds.slice(0, 100) });
    const killed = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (finishedIn(0).length < TENANTS / 3) return;
        clearInterval(timer);
        workers.get("w1")?.kill("SIGKILL");
        resolve();
      }, 20);
    });
    const cycle1 = await queue.collectCycle({
      cycleId: "c1",
      tenants: tenantIds,
      timeoutMs: 200_000,
      pollIntervalMs: 250,
    });
    await killed;
    const cycle1EndedAt = lines.length;
    expect(cycle1.tenants).toHaveLength(TENANTS);
    expect(new Set(cycle1.tenants.map((t) => t.tenantId)).size).toBe(TENANTS);
    expect(cycle1.tenantCounts).toMatchObject({
      total: TENANTS,
      done: TENANTS - failing.length,
      failed: failing.length,
    });
    expect(
      cycle1.tenants
        .filter((t) => t.status === "failed")
        .map((t) => t.tenantId)
        .sort(),
    ).toEqual([...failing].sort());
    // On a loaded machine a request may outlast its deadline: such a tenant ends incomplete (its
    // undecided accounts deferred, rule 6), never wrong. A handful at most.
    expect(cycle1.tenantCounts.incomplete).toBeLessThanOrEqual(TENANTS / 100);
    const incomplete = new Set(
      cycle1.tenants.filter((t) => t.snapshotComplete === false).map((t) => t.tenantId),
    );
    // Every tenant done exactly once: no survivor finished a tenant twice, and w1's tenants were rerun.
    const survivors = finishedIn(0).filter((line) => line.worker !== "w1");
    const perTenant = new Map<string, number>();
    for (const line of survivors)
      perTenant.set(line.tenantId ?? "", (perTenant.get(line.tenantId ?? "") ?? 0) + 1);
    expect([...perTenant.values()].every((n) => n === 1)).toBe(true);
    expect(cycle1.tenants.some((t) => (t.attempts ?? 1) > 1)).toBe(true);
    // Each throttled tenant was answered its one 429, and a run that saw it waited and went on: a tenant
    // run once reports it; one rerun after w1's death may not (w1 may have taken the 429 with it).
    const throttledSet = new Set(throttled);
    const answered429 = graph.requests.filter(
      (r) => r.status === 429 && r.route === "users.list" && throttledSet.has(r.tenantId),
    );
    expect(new Set(answered429.map((r) => r.tenantId)).size).toBe(throttled.length);
    const ranOnce = cycle1.tenants.filter((t) => throttledSet.has(t.tenantId) && (t.attempts ?? 1) === 1);
    expect(ranOnce.filter((t) => t.graph.throttled < 1)).toEqual([]);

    // No account in a state the safety rules forbid: the break-glass account of every tenant that ran
    // is excluded with our record; no ordinary account was touched; a failing tenant changed nothing.
    const states = await db.pool.query<{
      tenant_id: string;
      account_key: string;
      auto_rotate: boolean;
      record: { changedBy: string; reasonCode: string } | null;
    }>(
      `SELECT tenant_id, account_key, auto_rotate, record FROM "${db.schema}"."rotation_exclusion_accounts"`,
    );
    const failingSet = new Set(failing);
    const breakGlass = new Set(tenants.map((t) => t.breakGlass));
    for (const row of states.rows) {
      if (failingSet.has(row.tenant_id) || !breakGlass.has(row.account_key)) {
        expect(row).toMatchObject({ auto_rotate: true, record: null });
      } else if (incomplete.has(row.tenant_id) && row.auto_rotate) {
        expect(row.record).toBeNull(); // deferred: nothing written
      } else {
        expect(row.auto_rotate).toBe(false);
        expect(row.record).toMatchObject({ changedBy: "rotation-exclusion", reasonCode: "restricted-flag" });
      }
    }

    // ── Cycle 2, steady, three workers again ─────────────────────────────────────────────────────
    await startWorker("w4");
    const cycle2StartMs = Date.now();
    await queue.enqueueCycle({ cycleId: "c2", tenants: tenantIds });
    const cycle2 = await queue.collectCycle({
      cycleId: "c2",
      tenants: tenantIds,
      timeoutMs: 150_000,
      pollIntervalMs: 250,
    });
    expect(cycle2.tenantCounts).toMatchObject({ done: TENANTS - failing.length, failed: failing.length });
    const done2 = cycle2.tenants.filter((t) => t.status === "done");
    // A quiet tenant costs one Graph request, whichever worker ran it (most moved between workers).
    const quiet = done2.filter((t) => !incomplete.has(t.tenantId));
    expect(quiet.length).toBeGreaterThan(TENANTS * 0.98);
    expect(quiet.every((t) => t.graph.requests === 1)).toBe(true);
    const workerOf1 = new Map(cycle1.tenants.map((t) => [t.tenantId, t.worker]));
    expect(quiet.filter((t) => t.worker !== workerOf1.get(t.tenantId)).length).toBeGreaterThan(TENANTS / 3);
    expect(cycle2.graph).toMatchObject({ throttled: 0, retries: 0 });
    const steady = graph.requests.filter((r) => r.receivedAtMs >= cycle2StartMs);
    expect(steady.filter((r) => r.status === 429)).toEqual([]);
    expect(steady).toHaveLength(done2.reduce((sum, t) => sum + t.graph.requests, 0));

    // The server's own log: never above the budget for all workers together, never Graph's app limit.
    expect(graph.requests.filter((r) => r.fault === "app-limit")).toEqual([]);
    expect(worstDeficit(graph.requests)).toBeLessThanOrEqual(24); // in flight when a worker was killed
    expect(worstDeficit(steady)).toBeLessThanOrEqual(1);

    // ── A worker paused with SIGSTOP past its lock, then resumed, writes nothing for the lost job ─────
    const target = tenants[42] as Tenant;
    const unit = [...target.model.units.values()].find((u) => u.isMemberManagementRestricted);
    unit?.memberIds.push(target.ops[0]); // ops1 joins the unit: the run will want to exclude it
    graph.addFault({
      match: { tenantId: target.model.tenantId, route: "users.list" },
      effect: { kind: "latency", delayMs: LOCK_MS + 1_500 },
      times: 1,
    });
    const from = lines.length;
    await queue.enqueueCycle({ cycleId: "c3", tenants: [target.model.tenantId] });
    const paused = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        const started = lines
          .slice(from)
          .find((l) => l.type === "started" && l.tenantId === target.model.tenantId);
        if (started === undefined) return;
        clearInterval(timer);
        workers.get(started.worker)?.kill("SIGSTOP");
        resolve(started.worker);
      }, 5);
    });
    const cycle3 = await queue.collectCycle({
      cycleId: "c3",
      tenants: [target.model.tenantId],
      timeoutMs: 15_000,
      pollIntervalMs: 100,
    });
    expect(cycle3.tenants[0]).toMatchObject({ status: "done", accounts: { excluded: 1 } });
    expect(cycle3.tenants[0]?.worker).not.toBe(paused);
    workers.get(paused)?.kill("SIGCONT");
    // The resumed worker gets its Graph answer, decides, and is refused by its lease before writing.
    await expect
      .poll(
        () =>
          lines
            .slice(from)
            .some((l) => l.worker === paused && l.type === "log" && /lock of job/.test(l.msg ?? "")),
        {
          // Generous: a resumed process on a loaded machine needs seconds before its answer arrives.
          timeout: 20_000,
          interval: 100,
        },
      )
      .toBe(true);
    expect(lines.slice(from).filter((l) => l.type === "write" && l.worker === paused)).toEqual([]);
    const ops1 = await db.pool.query(
      `SELECT auto_rotate, version FROM "${db.schema}"."rotation_exclusion_accounts" WHERE tenant_id = $1 AND account_key = $2`,
      [target.model.tenantId, target.ops[0]],
    );
    expect(ops1.rows[0]).toEqual({ auto_rotate: false, version: "2" });

    // ── SIGTERM drains: each remaining worker closes within its grace ─────────────────────────────
    const drained = ["w2", "w3", "w4"].map(
      (name) =>
        new Promise<void>((resolve) => {
          workers.get(name)?.once("exit", () => resolve());
          workers.get(name)?.kill("SIGTERM");
        }),
    );
    await Promise.all(drained);
    expect(
      lines
        .filter((l) => l.type === "closed")
        .map((l) => l.worker)
        .sort(),
    ).toEqual(["w2", "w3", "w4"]);
    process.stdout.write(
      `fleet e2e: ${TENANTS} tenants, cycle 1 ${cycle1.wallTimeMs} ms (${cycle1.graph.requests} Graph requests), cycle 2 ${cycle2.wallTimeMs} ms (${cycle2.graph.requests}), whole test ${Date.now() - startedMs} ms; lines ${cycle1EndedAt}\n`,
    );
  }, 400_000);
});
