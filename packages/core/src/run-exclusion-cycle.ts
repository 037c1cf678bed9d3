/**
 * One exclusion cycle over many tenants: `excludeFromAutoRotation()` per tenant, a bounded number at a
 * time, each tenant isolated from the others (its failure, throttling or timeout is its own result),
 * under a whole-cycle deadline after which unfinished tenants stop writing and keep what they wrote.
 */
import type { AccountStore } from "./account-store.js";
import { type BoundedMapEnd, boundedMap } from "./bounded-map.js";
import type { DirectoryReader } from "./directory-reader.js";
import { summarizeError } from "./error-summary.js";
import {
  addCounts,
  type CycleStopCause,
  countAccounts,
  type ExclusionCycleEvent,
  type ExclusionCycleReport,
  NO_ACCOUNTS,
  NO_GRAPH,
  type TenantCycleResult,
  type TenantStopCause,
} from "./exclusion-cycle-report.js";
import type { ExclusionReport } from "./exclusion-report.js";
import { type Logger, silentLogger } from "./logger.js";
import { createRotationExclusionError, isRotationExclusionError } from "./rotation-exclusion-error.js";
import { createRotationGuard, type RotationGuardOptions } from "./rotation-guard.js";
import type { SnapshotStore } from "./snapshot-store.js";

/** Guard settings shared by every tenant of a cycle. */
export type CycleGuardOptions = Omit<
  RotationGuardOptions,
  "tenantId" | "directory" | "accounts" | "snapshotStore" | "logger" | "clock"
>;

/** Options of {@link runExclusionCycle}. Durations are in milliseconds. */
export interface ExclusionCycleOptions {
  /** Tenant ids (GUIDs): an array or any iterable, read lazily as tenants start. Duplicates run once. */
  tenants: Iterable<string> | AsyncIterable<string>;
  /** The tenant's directory reader; its `stats()` (if any) feeds the Graph counts. May throw: that tenant fails. */
  createDirectory: (tenantId: string) => DirectoryReader;
  /** The tenant's account store. May throw: that tenant fails. */
  accounts: (tenantId: string) => AccountStore;
  /** Tenants run at once. Default 16. */
  concurrency?: number;
  /** Whole-cycle budget; afterwards no tenant starts and running ones stop writing. Default: none. */
  deadlineMs?: number;
  /** Budget of one tenant, so that a stuck tenant cannot hold a slot for the whole cycle. Default: none. */
  tenantDeadlineMs?: number;
  /** Report what would change without writing anything. Default false. */
  dryRun?: boolean;
  /** Stops the cycle like the deadline does; the cycle still resolves with its report. */
  signal?: AbortSignal;
  /** Called for every progress event; a throwing callback is logged and ignored. */
  onProgress?: (event: ExclusionCycleEvent) => void;
  /**
   * Keeps unit evidence across cycles and restarts, so a quiet tenant costs one Graph request per cycle.
   * Without one every cycle starts cold (every restricted unit is enumerated again).
   */
  snapshotStore?: SnapshotStore;
  /** Settings of every tenant's guard (ages, `restoreReleased`, `onReleased`, `writeConcurrency`). */
  guardOptions?: CycleGuardOptions;
  /** Default: silent. Tenant lines carry `tenantId`. */
  logger?: Logger;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /** Keep every tenant's full report in its result. Default false (counts only, to bound memory). */
  keepReports?: boolean;
}

const DEFAULTS = {
  concurrency: 16,
  deadlineMs: Number.POSITIVE_INFINITY,
  tenantDeadlineMs: Number.POSITIVE_INFINITY,
  dryRun: false,
  logger: silentLogger,
  clock: Date.now,
  keepReports: false,
} satisfies Required<
  Omit<
    ExclusionCycleOptions,
    "tenants" | "createDirectory" | "accounts" | "signal" | "onProgress" | "snapshotStore" | "guardOptions"
  >
>;

function invalid(message: string): never {
  throw createRotationExclusionError("invalid-options", `runExclusionCycle: ${message}`);
}

function validate(options: ExclusionCycleOptions): void {
  if (typeof options !== "object" || options === null) invalid("options must be an object");
  const { tenants } = options;
  const iterable =
    typeof tenants === "object" &&
    tenants !== null &&
    (Symbol.iterator in tenants || Symbol.asyncIterator in tenants);
  if (!iterable) invalid("tenants must be an array or an iterable of tenant ids");
  if (typeof options.createDirectory !== "function") invalid("createDirectory must be a function");
  if (typeof options.accounts !== "function") invalid("accounts must be a function");
  const { concurrency } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    invalid("concurrency must be an integer >= 1");
  }
  for (const name of ["deadlineMs", "tenantDeadlineMs"] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === "number" && value > 0)) {
      invalid(`${name} must be a number of milliseconds > 0`);
    }
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    invalid("onProgress must be a function");
  }
}

/** The tenant ids, lower-cased, each once; read lazily from an array, iterable or async iterable. */
async function* distinctTenants(tenants: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  const seen = new Set<string>();
  for await (const value of tenants) {
    const tenantId = typeof value === "string" ? value.toLowerCase() : String(value);
    if (seen.has(tenantId)) continue;
    seen.add(tenantId);
    yield tenantId;
  }
}

/** A deadline as an AbortSignal with a typed reason, and a way to clear its timer. */
function deadlineSignal(ms: number, cause: TenantStopCause) {
  const controller = new AbortController();
  const timer = Number.isFinite(ms) ? setTimeout(() => controller.abort(cause), ms) : undefined;
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/**
 * Runs one exclusion cycle over many tenants and resolves with a report; it rejects only for invalid
 * options. A tenant that fails, is throttled or runs out of time is reported for that tenant; the
 * others finish. After the deadline (or the caller's abort) no tenant starts, running tenants stop
 * issuing writes, and tenants are reported `partial` (some writes done) or `deferred` (none).
 *
 * @example
 * const snapshots = createInMemorySnapshotStore(); // or a persistent SnapshotStore
 * const report = await runExclusionCycle({
 *   tenants: customerTenantIds,
 *   createDirectory: (tenantId) => createGraphDirectory({ tenantId, credential, throttleBudget }),
 *   accounts: (tenantId) => storeFor(tenantId),
 *   snapshotStore: snapshots,
 *   concurrency: 32,
 *   deadlineMs: 60_000,
 * });
 */
export async function runExclusionCycle(options: ExclusionCycleOptions): Promise<ExclusionCycleReport> {
  validate(options);
  const clock = options.clock ?? DEFAULTS.clock;
  const log = options.logger ?? DEFAULTS.logger;
  const dryRun = options.dryRun ?? DEFAULTS.dryRun;
  const keepReports = options.keepReports ?? DEFAULTS.keepReports;
  const tenantDeadlineMs = options.tenantDeadlineMs ?? DEFAULTS.tenantDeadlineMs;
  const startedMs = clock();
  const cycleDeadline = deadlineSignal(options.deadlineMs ?? DEFAULTS.deadlineMs, "cycle-deadline");
  const cycleSignal = options.signal
    ? AbortSignal.any([options.signal, cycleDeadline.signal])
    : cycleDeadline.signal;
  const stopCause = (): "cycle-deadline" | "aborted" =>
    cycleDeadline.signal.aborted ? "cycle-deadline" : "aborted";

  const emit = (event: ExclusionCycleEvent) => {
    try {
      options.onProgress?.(event);
    } catch (error) {
      log.warn({ error: summarizeError(error) }, "onProgress threw; the cycle continues");
    }
  };
  // Removed when the cycle ends: a host's long-lived signal would otherwise keep every finished cycle
  // (and its results) reachable, and tell each of them "cycle-stopping" at shutdown.
  const onCycleStopping = () => emit({ type: "cycle-stopping", cause: stopCause() });
  cycleSignal.addEventListener("abort", onCycleStopping, { once: true });

  const results: TenantCycleResult[] = [];
  let started = 0;
  let finished = 0;
  const finish = (index: number, result: TenantCycleResult) => {
    results[index] = result;
    finished += 1;
    emit({ type: "tenant-finished", tenantId: result.tenantId, result, finished });
  };

  async function runTenant(tenantId: string): Promise<TenantCycleResult> {
    const tenantStartedMs = clock();
    const base = { tenantId, accounts: NO_ACCOUNTS, graph: NO_GRAPH };
    const elapsed = () => clock() - tenantStartedMs;
    let directory: DirectoryReader | undefined;
    const graphCounts = () => {
      try {
        const stats = directory?.stats?.();
        return stats === undefined
          ? NO_GRAPH
          : { requests: stats.requests, retries: stats.retries, throttled: stats.throttled };
      } catch {
        return NO_GRAPH;
      }
    };
    const tenantDeadline = deadlineSignal(tenantDeadlineMs, "tenant-deadline");
    const signal = AbortSignal.any([cycleSignal, tenantDeadline.signal]);
    const stoppedBy = (): TenantStopCause =>
      cycleSignal.aborted ? stopCause() : tenantDeadline.signal.aborted ? "tenant-deadline" : "aborted";
    const writes = { issued: 0, settled: 0 };
    let report: ExclusionReport;
    try {
      directory = options.createDirectory(tenantId);
      const guard = createRotationGuard({
        ...options.guardOptions,
        tenantId,
        directory,
        accounts: countingWrites(options.accounts(tenantId), writes),
        logger: log,
        clock,
        ...(options.snapshotStore ? { snapshotStore: options.snapshotStore } : {}),
      });
      report = await guard.excludeFromAutoRotation({ dryRun, signal });
    } catch (error) {
      if (signal.aborted && (error === signal.reason || error === options.signal?.reason)) {
        // Stopped before any write: nothing of this tenant changed.
        return {
          ...base,
          status: "deferred",
          stoppedBy: stoppedBy(),
          graph: graphCounts(),
          durationMs: elapsed(),
        };
      }
      const summary = summarizeError(error);
      log.error({ tenantId, error: summary }, "tenant run failed; the cycle continues");
      const code = isRotationExclusionError(error) ? error.code : undefined;
      return {
        ...base,
        status: "failed",
        error: code === undefined ? summary : { ...summary, code },
        graph: graphCounts(),
        durationMs: elapsed(),
      };
    } finally {
      tenantDeadline.clear();
    }
    // Stopped after planning: partial only if a write was issued (it may have landed), else nothing changed.
    const status = !report.aborted ? "done" : writes.issued > 0 ? "partial" : "deferred";
    return {
      tenantId,
      status,
      ...(report.aborted ? { stoppedBy: stoppedBy() } : {}),
      snapshotComplete: report.snapshot.complete,
      ...(report.snapshot.complete ? {} : { incompleteReason: firstUnknownReason(report) }),
      accounts: countAccounts(report),
      graph: graphCounts(),
      durationMs: elapsed(),
      ...(keepReports ? { report } : {}),
    };
  }

  // Not stopped by the cycle's signal: tenants still queued after it are each reported deferred.
  let end: BoundedMapEnd = { status: "done", started: 0 };
  try {
    end = await boundedMap(
      distinctTenants(options.tenants),
      async (tenantId, index) => {
        if (cycleSignal.aborted) {
          finish(index, {
            tenantId,
            status: "deferred",
            stoppedBy: stopCause(),
            accounts: NO_ACCOUNTS,
            graph: NO_GRAPH,
            durationMs: 0,
          });
          return;
        }
        started += 1;
        emit({ type: "tenant-started", tenantId, started });
        finish(index, await runTenant(tenantId));
      },
      { concurrency: options.concurrency ?? DEFAULTS.concurrency },
    );
  } finally {
    cycleDeadline.clear();
    cycleSignal.removeEventListener("abort", onCycleStopping);
  }
  // A tenant source that fails ends the cycle early but not in error: the tenants that ran are reported
  // (their writes finished before we resolve), the ones never read are simply not in the report.
  let sourceError: { name: string; message: string } | undefined;
  if (end.status === "source-failed") {
    sourceError = summarizeError(end.error);
    log.error({ error: sourceError }, "reading the tenant list failed; no further tenant was started");
    emit({ type: "cycle-stopping", cause: "tenant-source-failed" });
  }
  return summarize(results, {
    dryRun,
    startedMs,
    finishedMs: clock(),
    stoppedBy:
      sourceError !== undefined ? "tenant-source-failed" : cycleSignal.aborted ? stopCause() : undefined,
    sourceError,
  });
}

/**
 * The tenant's store, counting the writes issued and settled, so that a stopped tenant can be told
 * `partial` (a write may have landed) from `deferred` (none was issued). A store that is not one is
 * passed through untouched for the guard to refuse.
 */
function countingWrites(store: AccountStore, writes: { issued: number; settled: number }): AccountStore {
  const usable =
    typeof store === "object" &&
    store !== null &&
    typeof store.list === "function" &&
    typeof store.update === "function" &&
    (store.add === undefined || typeof store.add === "function");
  if (!usable) return store;
  const count = async <T>(write: () => Promise<T>): Promise<T> => {
    writes.issued += 1;
    try {
      return await write();
    } finally {
      writes.settled += 1;
    }
  };
  const { add } = store;
  return {
    list: (listOptions) => store.list(listOptions),
    update: (key, write, writeOptions) => count(() => store.update(key, write, writeOptions)),
    ...(typeof add === "function"
      ? { add: (account, addOptions) => count(() => add.call(store, account, addOptions)) }
      : {}),
  };
}

function firstUnknownReason(report: ExclusionReport) {
  const verdict = report.deferred.find((entry) => entry.verdict.status === "unknown")?.verdict;
  return verdict?.status === "unknown" ? verdict.reasonCode : "snapshot-incomplete";
}

function summarize(
  results: readonly TenantCycleResult[],
  run: {
    dryRun: boolean;
    startedMs: number;
    finishedMs: number;
    stoppedBy: CycleStopCause | undefined;
    sourceError: { name: string; message: string } | undefined;
  },
): ExclusionCycleReport {
  const tenantCounts = { total: results.length, done: 0, partial: 0, failed: 0, deferred: 0, incomplete: 0 };
  let accounts = NO_ACCOUNTS;
  let graph = NO_GRAPH;
  for (const result of results) {
    tenantCounts[result.status] += 1;
    if (result.status === "done" && result.snapshotComplete === false) tenantCounts.incomplete += 1;
    accounts = addCounts(accounts, result.accounts);
    graph = addCounts(graph, result.graph);
  }
  return {
    dryRun: run.dryRun,
    ...(run.stoppedBy !== undefined ? { stoppedBy: run.stoppedBy } : {}),
    ...(run.sourceError !== undefined ? { sourceError: run.sourceError } : {}),
    tenantCounts,
    accounts,
    graph,
    startedAt: new Date(run.startedMs).toISOString(),
    finishedAt: new Date(run.finishedMs).toISOString(),
    wallTimeMs: run.finishedMs - run.startedMs,
    tenants: results,
  };
}
