/**
 * The producer's side of a fleet: enqueue one job per tenant for a cycle (idempotently: the job id is
 * the cycle and the tenant), then collect the tenants' results into one cycle report of the same shape
 * as `runExclusionCycle`'s, whichever workers ran them.
 */
import type { CycleStopCause, ExclusionCycleReport } from "@rotation-exclusion/core";
import {
  abortableSleep,
  isGuid,
  isRecord,
  NO_ACCOUNTS,
  NO_GRAPH,
  summarizeCycle,
} from "@rotation-exclusion/core/internal";
import { type Job, Queue } from "bullmq";
import { bullConnection } from "./bull-connection.js";
import { invalidOptions } from "./fleet-error.js";
import type { RedisConnection } from "./fleet-redis.js";
import {
  checkCycleId,
  DEFAULT_QUEUE_NAME,
  type FleetTenantResult,
  TENANT_JOB_NAME,
  type TenantJobData,
  tenantJobId,
} from "./tenant-job.js";

/** Options of {@link createExclusionQueue}. */
export interface ExclusionQueueOptions {
  /** BullMQ's Redis (a URL or ioredis options). */
  readonly connection: RedisConnection;
  /** Default `rotation-exclusion`. */
  readonly queueName?: string;
  /** BullMQ's key prefix. Default `bull`. */
  readonly bullPrefix?: string;
  /** How long finished jobs (and their results) are kept, in ms. Default 86,400,000 (a day). */
  readonly keepFinishedMs?: number;
}

/** Options of {@link ExclusionQueue.enqueueCycle}. */
export interface EnqueueCycleOptions {
  /** Names the cycle; with the tenant it makes the job id, so enqueuing twice adds nothing. */
  readonly cycleId: string;
  /** Tenant ids (GUIDs); duplicates are enqueued once. */
  readonly tenants: Iterable<string>;
  /** Report what would change without writing anything. Default false. */
  readonly dryRun?: boolean;
  /** The cycle's budget from now, in ms: afterwards no tenant starts and running ones stop writing. */
  readonly deadlineMs?: number;
}

/** Options of {@link ExclusionQueue.collectCycle}. */
export interface CollectCycleOptions {
  readonly cycleId: string;
  /** The tenants of the cycle, as enqueued. */
  readonly tenants: Iterable<string>;
  /** How long to wait for the last tenant, in ms; those not finished by then are reported deferred. */
  readonly timeoutMs?: number;
  /** How often to look, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Stops waiting, like the timeout. */
  readonly signal?: AbortSignal;
  /** Called as tenants finish, with how many have. */
  readonly onProgress?: (finished: number, total: number) => void;
}

/** The report of a fleet cycle: `runExclusionCycle`'s shape, each tenant with its worker. */
export interface FleetCycleReport extends ExclusionCycleReport {
  readonly cycleId: string;
  readonly tenants: readonly FleetTenantResult[];
}

/** The producer's handle on the queue. */
export interface ExclusionQueue {
  /** Adds one job per tenant; resolves with how many tenants the cycle has. */
  enqueueCycle(options: EnqueueCycleOptions): Promise<{ readonly cycleId: string; readonly tenants: number }>;
  /** Waits for every tenant of a cycle and answers the aggregated report. */
  collectCycle(options: CollectCycleOptions): Promise<FleetCycleReport>;
  /** Closes the queue's connections. */
  close(): Promise<void>;
}

const DEFAULTS = {
  queueName: DEFAULT_QUEUE_NAME,
  bullPrefix: "bull",
  keepFinishedMs: 86_400_000,
  pollIntervalMs: 1_000,
} as const;

/** Tenant ids of a cycle, lower-cased, each once; anything not a GUID is refused up front. */
function distinctTenants(where: string, tenants: unknown): string[] {
  if (typeof tenants !== "object" || tenants === null || !(Symbol.iterator in tenants))
    invalidOptions(where, "tenants must be an array or an iterable of tenant ids");
  const seen = new Set<string>();
  let index = 0;
  for (const tenantId of tenants as Iterable<unknown>) {
    if (!isGuid(tenantId)) invalidOptions(where, `tenants[${index}] is not a tenant id (a GUID)`);
    seen.add(tenantId.toLowerCase());
    index += 1;
  }
  return [...seen];
}

/** A finished job's answer as a tenant result, checked: what Redis holds is input like any other. */
function resultOf(job: Job, tenantId: string): FleetTenantResult | undefined {
  if (job.finishedOn === undefined || job.finishedOn === null) return undefined;
  const value: unknown = job.returnvalue;
  if (isRecord(value) && value.tenantId === tenantId && typeof value.status === "string") {
    return value as unknown as FleetTenantResult;
  }
  return {
    tenantId,
    status: "failed",
    error: { name: "FleetJobFailed", message: job.failedReason || "the job ended without a result" },
    accounts: NO_ACCOUNTS,
    graph: NO_GRAPH,
    durationMs: Math.max(0, (job.finishedOn ?? 0) - (job.processedOn ?? job.finishedOn ?? 0)),
    attempts: job.attemptsStarted,
  };
}

/**
 * Opens the fleet's queue for a producer.
 *
 * @example
 * const queue = createExclusionQueue({ connection: REDIS_URL });
 * const cycleId = `cycle-${Date.now()}`;
 * await queue.enqueueCycle({ cycleId, tenants: tenantIds, deadlineMs: 600_000 });
 * const report = await queue.collectCycle({ cycleId, tenants: tenantIds, timeoutMs: 660_000 });
 */
export function createExclusionQueue(options: ExclusionQueueOptions): ExclusionQueue {
  const where = "createExclusionQueue";
  if (typeof options !== "object" || options === null) invalidOptions(where, "options must be an object");
  const keepFinishedMs = options.keepFinishedMs ?? DEFAULTS.keepFinishedMs;
  if (!(Number.isInteger(keepFinishedMs) && keepFinishedMs >= 1_000))
    invalidOptions(where, "keepFinishedMs must be a whole number of milliseconds >= 1000");
  const connection = bullConnection(where, options.connection);
  const queue = new Queue(options.queueName ?? DEFAULTS.queueName, {
    connection,
    prefix: options.bullPrefix ?? DEFAULTS.bullPrefix,
  });
  const age = Math.ceil(keepFinishedMs / 1_000);

  return {
    async enqueueCycle(enqueue) {
      const at = "ExclusionQueue.enqueueCycle";
      const cycleId = checkCycleId(at, enqueue?.cycleId);
      const tenants = distinctTenants(at, enqueue.tenants);
      const { deadlineMs } = enqueue;
      if (deadlineMs !== undefined && !(typeof deadlineMs === "number" && deadlineMs > 0))
        invalidOptions(at, "deadlineMs must be a number of milliseconds > 0");
      const deadlineAtMs = deadlineMs === undefined ? undefined : Date.now() + deadlineMs;
      for (let start = 0; start < tenants.length; start += 1_000) {
        await queue.addBulk(
          tenants.slice(start, start + 1_000).map((tenantId) => {
            const data: TenantJobData = {
              cycleId,
              tenantId,
              dryRun: enqueue.dryRun === true,
              ...(deadlineAtMs === undefined ? {} : { deadlineAtMs }),
            };
            return {
              name: TENANT_JOB_NAME,
              data,
              opts: {
                jobId: tenantJobId(cycleId, tenantId),
                // The run itself never throws; a job that fails (stalled too often) is reported failed.
                attempts: 1,
                removeOnComplete: { age },
                removeOnFail: { age },
              },
            };
          }),
        );
      }
      return { cycleId, tenants: tenants.length };
    },

    async collectCycle(collect) {
      const at = "ExclusionQueue.collectCycle";
      const cycleId = checkCycleId(at, collect?.cycleId);
      const tenants = distinctTenants(at, collect.tenants);
      const pollIntervalMs = collect.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
      const { timeoutMs } = collect;
      if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0))
        invalidOptions(at, "timeoutMs must be a number of milliseconds > 0");
      const startedMs = Date.now();
      const results = new Map<string, FleetTenantResult>();
      let dryRun = false;
      let stoppedBy: Exclude<CycleStopCause, "tenant-source-failed"> | undefined;
      const timeUp = () => timeoutMs !== undefined && Date.now() - startedMs >= timeoutMs;
      for (;;) {
        const pending = tenants.filter((tenantId) => !results.has(tenantId));
        // Many jobs at once: ioredis writes the reads back to back, so a batch costs about one round trip.
        for (let start = 0; start < pending.length; start += 500) {
          const batch = pending.slice(start, start + 500);
          const jobs = await Promise.all(
            batch.map((tenantId) => queue.getJob(tenantJobId(cycleId, tenantId))),
          );
          jobs.forEach((job, i) => {
            const tenantId = batch[i] as string;
            if (job === undefined) return;
            if (isRecord(job.data) && job.data.dryRun === true) dryRun = true;
            const result = resultOf(job, tenantId);
            if (result !== undefined) results.set(tenantId, result);
          });
        }
        collect.onProgress?.(results.size, tenants.length);
        if (results.size === tenants.length) break;
        if (collect.signal?.aborted) {
          stoppedBy = "aborted";
          break;
        }
        if (timeUp()) {
          stoppedBy = "cycle-deadline";
          break;
        }
        await abortableSleep(pollIntervalMs, collect.signal).catch(() => {});
      }
      const ordered = tenants.map(
        (tenantId): FleetTenantResult =>
          results.get(tenantId) ?? {
            tenantId,
            status: "deferred",
            stoppedBy: stoppedBy ?? "cycle-deadline",
            accounts: NO_ACCOUNTS,
            graph: NO_GRAPH,
            durationMs: 0,
          },
      );
      const report = summarizeCycle(ordered, {
        dryRun,
        startedMs,
        finishedMs: Date.now(),
        stoppedBy,
        sourceError: undefined,
      });
      return { ...report, cycleId, tenants: ordered };
    },

    async close() {
      try {
        await queue.close();
      } finally {
        connection.disconnect();
      }
    },
  };
}
