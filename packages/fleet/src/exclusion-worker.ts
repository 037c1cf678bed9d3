/**
 * A fleet worker: takes tenant jobs from the BullMQ queue and runs each exactly as `runExclusionCycle`
 * runs a tenant (isolation, deadlines, partial/deferred, stop grace: it *is* `runExclusionCycle` over
 * that one tenant), through the shared snapshot store and budget, behind the job's lock. A job whose
 * worker died (kill -9) stalls and BullMQ runs it again elsewhere; compare-and-set writes make the rerun
 * harmless. `close()` drains: no new job, running ones stop writing and go back to the queue.
 */
import { hostname } from "node:os";
import {
  type AccountStore,
  type CycleGuardOptions,
  type DirectoryReader,
  type Logger,
  runExclusionCycle,
  type SnapshotStore,
  silentLogger,
} from "@rotation-exclusion/core";
import { summarizeError } from "@rotation-exclusion/core/internal";
import type { ThrottleBudget } from "@rotation-exclusion/graph-adapter";
import { DelayedError, type Job, Worker } from "bullmq";
import { bullConnection } from "./bull-connection.js";
import { fencedAccountStore, fencedSnapshotStore, jobThrottleBudget } from "./fenced-stores.js";
import { invalidOptions, isFleetError } from "./fleet-error.js";
import type { RedisConnection } from "./fleet-redis.js";
import { startJob } from "./fleet-telemetry.js";
import { startJobLease } from "./job-lease.js";
import {
  DEFAULT_QUEUE_NAME,
  type FleetTenantResult,
  parseTenantJobData,
  type TenantJobData,
} from "./tenant-job.js";

/** What a tenant's directory gets from the worker. */
export interface TenantRunContext {
  /** The shared budget as this job sees it; pass it to `createGraphDirectory({ throttleBudget })`. */
  readonly throttleBudget: ThrottleBudget | undefined;
  /** Aborted when the job must stop (lock lost, shutdown, budget unavailable). */
  readonly signal: AbortSignal;
}

/** Options of {@link createExclusionWorker}. Durations are in milliseconds. */
export interface ExclusionWorkerOptions {
  /** BullMQ's Redis (a URL or ioredis options); the worker opens its own connections to it. */
  readonly connection: RedisConnection;
  /** Default `rotation-exclusion`. */
  readonly queueName?: string;
  /** BullMQ's key prefix. Default `bull`. */
  readonly bullPrefix?: string;
  /** The tenant's directory reader: use `context.throttleBudget` so the fleet's budget paces it. */
  readonly createDirectory: (tenantId: string, context: TenantRunContext) => DirectoryReader;
  /** The tenant's account store: one every worker sees (a shared database), compare-and-set. */
  readonly accounts: (tenantId: string) => AccountStore;
  /** Shared by every worker (`createRedisSnapshotStore`), so a tenant is warm on whichever worker runs it. */
  readonly snapshotStore?: SnapshotStore;
  /** Shared by every worker (`createRedisThrottleBudget`). */
  readonly throttleBudget?: ThrottleBudget;
  /** Tenants run at once by this worker. Default 16. */
  readonly concurrency?: number;
  /** Budget of one tenant. Default: none (the cycle's deadline still applies). */
  readonly tenantDeadlineMs?: number;
  /** After a run is stopped, how long its writes in flight may take. Default 5000. */
  readonly stopGraceMs?: number;
  /** BullMQ's job lock. Default 30,000. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. Default 30,000. */
  readonly stalledIntervalMs?: number;
  /** How often a job may stall before it fails. Default 3. */
  readonly maxStalledCount?: number;
  /** Settings of every tenant's guard. */
  readonly guardOptions?: CycleGuardOptions;
  /** Default: silent. */
  readonly logger?: Logger;
  /** The worker's name in results and logs. Default `<hostname>:<pid>`. */
  readonly name?: string;
  /** Called after each tenant this worker finished (a throwing callback is logged and ignored). */
  readonly onTenantFinished?: (result: FleetTenantResult) => void;
}

/** A running worker. */
export interface ExclusionWorker {
  readonly name: string;
  /** Resolves once connected to Redis and taking jobs. */
  ready(): Promise<void>;
  /** Jobs running now. */
  running(): number;
  /**
   * Drains: takes no new job, stops the running ones from writing (those not done go back to the queue
   * for another worker) and resolves once they settled or `stopGraceMs` passed, then disconnects.
   */
  close(): Promise<void>;
}

const DEFAULTS = {
  queueName: DEFAULT_QUEUE_NAME,
  bullPrefix: "bull",
  concurrency: 16,
  stopGraceMs: 5_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 3,
  logger: silentLogger,
} as const;

function validate(options: ExclusionWorkerOptions): void {
  const where = "createExclusionWorker";
  if (typeof options !== "object" || options === null) invalidOptions(where, "options must be an object");
  if (typeof options.createDirectory !== "function")
    invalidOptions(where, "createDirectory must be a function");
  if (typeof options.accounts !== "function") invalidOptions(where, "accounts must be a function");
  for (const name of ["concurrency", "maxStalledCount"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      invalidOptions(where, `${name} must be a whole number >= 1`);
  }
  for (const name of ["lockDurationMs", "stalledIntervalMs", "tenantDeadlineMs"] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 100))
      invalidOptions(where, `${name} must be a number of milliseconds >= 100`);
  }
  const { stopGraceMs } = options;
  if (stopGraceMs !== undefined && !(typeof stopGraceMs === "number" && stopGraceMs >= 0))
    invalidOptions(where, "stopGraceMs must be a number of milliseconds >= 0");
  const { snapshotStore, throttleBudget } = options;
  if (
    snapshotStore !== undefined &&
    (typeof snapshotStore?.load !== "function" || typeof snapshotStore.save !== "function")
  )
    invalidOptions(where, "snapshotStore must implement load and save");
  if (throttleBudget !== undefined && typeof throttleBudget?.forTenant !== "function")
    invalidOptions(where, "throttleBudget must be a ThrottleBudget (createRedisThrottleBudget)");
}

/**
 * Starts a worker that runs tenant jobs of the fleet's queue.
 *
 * @example
 * const redis = connectFleetRedis(REDIS_URL);
 * const worker = createExclusionWorker({
 *   connection: REDIS_URL,
 *   createDirectory: (tenantId, { throttleBudget }) => createGraphDirectory({ tenantId, credential, throttleBudget }),
 *   accounts: (tenantId) => accountStores.forTenant(tenantId),
 *   snapshotStore: createRedisSnapshotStore({ redis }),
 *   throttleBudget: createRedisThrottleBudget({ redis }),
 * });
 * process.once("SIGTERM", () => void worker.close());
 */
export function createExclusionWorker(options: ExclusionWorkerOptions): ExclusionWorker {
  validate(options);
  const bull = bullConnection("createExclusionWorker", options.connection);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const queueName = options.queueName ?? DEFAULTS.queueName;
  const log = options.logger ?? DEFAULTS.logger;
  const lockDurationMs = options.lockDurationMs ?? DEFAULTS.lockDurationMs;
  const stopGraceMs = options.stopGraceMs ?? DEFAULTS.stopGraceMs;
  const running = new Map<string, AbortController>();
  let closing: Promise<void> | undefined;

  async function runTenant(job: Job, token: string, data: TenantJobData): Promise<FleetTenantResult> {
    const { tenantId } = data;
    const lease = await startJobLease(job, token, lockDurationMs, tenantId);
    const stop = new AbortController();
    running.set(job.id ?? tenantId, stop);
    const signal = AbortSignal.any([stop.signal, lease.signal]);
    const budget =
      options.throttleBudget === undefined
        ? undefined
        : jobThrottleBudget(options.throttleBudget, (error) => {
            if (!stop.signal.aborted) stop.abort(error);
          });
    const remainingMs = data.deadlineAtMs === undefined ? undefined : data.deadlineAtMs - Date.now();
    try {
      const cycle = await runExclusionCycle({
        tenants: [tenantId],
        createDirectory: (id) => options.createDirectory(id, { throttleBudget: budget, signal }),
        accounts: (id) => fencedAccountStore(options.accounts(id), lease),
        ...(options.snapshotStore
          ? { snapshotStore: fencedSnapshotStore(options.snapshotStore, lease) }
          : {}),
        concurrency: 1,
        // A job taken after the cycle's deadline starts nothing: the smallest deadline stops it at once.
        ...(remainingMs === undefined ? {} : { deadlineMs: Math.max(1, remainingMs) }),
        ...(options.tenantDeadlineMs === undefined ? {} : { tenantDeadlineMs: options.tenantDeadlineMs }),
        stopGraceMs,
        dryRun: data.dryRun,
        signal,
        ...(options.guardOptions ? { guardOptions: options.guardOptions } : {}),
        logger: log,
      });
      const result = cycle.tenants[0];
      if (result === undefined) throw new Error(`the run of tenant ${tenantId} reported no result`);
      if (lease.signal.aborted) throw lease.signal.reason;
      const reason: unknown = stop.signal.reason;
      const stoppedByFleet = !stop.signal.aborted
        ? undefined
        : isFleetError(reason) && reason.code === "redis-unavailable"
          ? "redis-unavailable"
          : "shutdown";
      return {
        ...result,
        worker: name,
        attempts: job.attemptsStarted,
        ...(stoppedByFleet === undefined
          ? {}
          : { stoppedByFleet, fleetReason: summarizeError(reason).message }),
      };
    } finally {
      lease.end();
      running.delete(job.id ?? tenantId);
    }
  }

  async function processJob(job: Job, token?: string): Promise<FleetTenantResult> {
    const data = parseTenantJobData(job.data, job.id);
    if (token === undefined) throw new Error("BullMQ gave the job without a lock token");
    const telemetry = startJob(queueName, data.tenantId, name, job.attemptsStarted);
    let result: FleetTenantResult;
    try {
      result = await telemetry.run(() => runTenant(job, token, data));
    } catch (error) {
      const lockLost = isFleetError(error) && error.code === "lock-lost";
      telemetry.end(lockLost ? "lock_lost" : "error");
      if (lockLost) log.warn({ tenantId: data.tenantId, jobId: job.id }, error.message);
      throw error;
    }
    // Stopped by our own shutdown before the tenant was done: another worker runs it again this cycle.
    const beforeDeadline = data.deadlineAtMs === undefined || Date.now() < data.deadlineAtMs;
    if (result.stoppedByFleet === "shutdown" && result.status !== "done" && beforeDeadline) {
      telemetry.end("requeued", { "rotation_exclusion.fleet.stopped_by": "shutdown" });
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    telemetry.end(result.status, {
      "rotation_exclusion.tenant.outcome": result.status,
      ...(result.stoppedByFleet === undefined
        ? {}
        : { "rotation_exclusion.fleet.stopped_by": result.stoppedByFleet }),
    });
    try {
      options.onTenantFinished?.(result);
    } catch (error) {
      log.warn({ error: summarizeError(error) }, "onTenantFinished threw; the worker continues");
    }
    return result;
  }

  const worker = new Worker<unknown, FleetTenantResult>(queueName, processJob, {
    connection: bull,
    prefix: options.bullPrefix ?? DEFAULTS.bullPrefix,
    name,
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    lockDuration: lockDurationMs,
    // The lease renews the lock itself, and knows when each renewal was sent (job-lease.ts).
    skipLockRenewal: true,
    stalledInterval: options.stalledIntervalMs ?? DEFAULTS.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? DEFAULTS.maxStalledCount,
    autorun: true,
  });
  // BullMQ reports a lost lock, a failed completion or a Redis outage as 'error' events: a worker never
  // crashes on them (the job stalls and runs again), it logs them.
  worker.on("error", (error) => log.warn({ error: summarizeError(error) }, "worker error"));

  return {
    name,
    ready: () => worker.waitUntilReady().then(() => undefined),
    running: () => running.size,
    close() {
      closing ??= (async () => {
        const closed = worker.close();
        for (const stop of running.values()) stop.abort(new Error("the worker is shutting down"));
        try {
          await closed;
        } finally {
          bull.disconnect();
        }
      })();
      return closing;
    },
  };
}
