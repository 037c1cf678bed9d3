/**
 * One exclusion cycle over many tenants: `excludeFromAutoRotation()` per tenant, a bounded number at a
 * time, each tenant isolated from the others (its failure, throttling or timeout is its own result),
 * under a whole-cycle deadline after which unfinished tenants stop writing and keep what they wrote.
 */

import type { ExclusionReport } from "../guard/exclusion-report.js";
import type { RotationGuardOptions } from "../guard/guard-options.js";
import { createRotationGuard } from "../guard/rotation-guard.js";
import { type BoundedMapEnd, boundedMap } from "../internal/bounded-map.js";
import { summarizeError } from "../internal/error-summary.js";
import type { AccountStore } from "../ports/account-store.js";
import type { DirectoryReader } from "../ports/directory-reader.js";
import { type Logger, silentLogger } from "../ports/logger.js";
import type { SnapshotStore } from "../ports/snapshot-store.js";
import { createRotationExclusionError, isRotationExclusionError } from "../rotation-exclusion-error.js";
import { startSpan, withSpan } from "../telemetry/core-telemetry.js";
import { ATTR, cycleTally, recordCycle, recordTenantRun } from "../telemetry/cycle-telemetry.js";
import {
  countAccounts,
  type ExclusionCycleEvent,
  type ExclusionCycleReport,
  firstUnknownReason,
  NO_ACCOUNTS,
  NO_GRAPH,
  summarizeCycle,
  type TenantCycleResult,
  type TenantStopCause,
} from "./exclusion-cycle-report.js";
import {
  afterStopGrace,
  countingWrites,
  deadlineSignal,
  GAVE_UP,
  type WriteCounts,
} from "./tenant-run-bounds.js";

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
  /**
   * After a tenant is stopped (either deadline, or the caller's signal), how long its writes in flight
   * may take to settle. A run still going after that (a store call or `onReleased` hook that never
   * settles) is reported, left to finish on its own and no longer waited for; it starts no new write.
   * Default 5000. `Infinity` waits for every run however long it takes.
   */
  stopGraceMs?: number;
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
  /**
   * Incomplete refreshes in a row from which a tenant counts as over the threshold in telemetry
   * (`rotation_exclusion.tenant.incomplete_streak.exceeded`, docs/operations.md). Default 3.
   */
  incompleteStreakThreshold?: number;
}

const DEFAULTS = {
  concurrency: 16,
  deadlineMs: Number.POSITIVE_INFINITY,
  tenantDeadlineMs: Number.POSITIVE_INFINITY,
  stopGraceMs: 5_000,
  dryRun: false,
  logger: silentLogger,
  clock: Date.now,
  keepReports: false,
  incompleteStreakThreshold: 3,
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
  const { stopGraceMs, incompleteStreakThreshold: threshold } = options;
  if (stopGraceMs !== undefined && !(typeof stopGraceMs === "number" && stopGraceMs >= 0)) {
    invalid("stopGraceMs must be a number of milliseconds >= 0");
  }
  if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1)) {
    invalid("incompleteStreakThreshold must be an integer >= 1");
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
  const stopGraceMs = options.stopGraceMs ?? DEFAULTS.stopGraceMs;
  const streakThreshold = options.incompleteStreakThreshold ?? DEFAULTS.incompleteStreakThreshold;
  const startedMs = clock();
  const cycleSpan = startSpan("rotation_exclusion.cycle", { [ATTR.dryRun]: dryRun });
  const tally = cycleTally();
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
  // The same listener tells every running tenant: one listener on the cycle's signal however many tenants
  // run, and no AbortSignal.any per tenant (its weak references cost a quiet tenant-cycle ~15 % of core's
  // CPU on Node 20).
  const runningTenants = new Set<AbortController>();
  const onCycleStopping = () => {
    for (const tenant of runningTenants) tenant.abort(cycleSignal.reason);
    emit({ type: "cycle-stopping", cause: stopCause() });
  };
  cycleSignal.addEventListener("abort", onCycleStopping, { once: true });

  const results: TenantCycleResult[] = [];
  let started = 0;
  let finished = 0;
  const finish = (index: number, result: TenantCycleResult) => {
    results[index] = result;
    finished += 1;
    emit({ type: "tenant-finished", tenantId: result.tenantId, result, finished });
  };

  // One span per tenant run, the run's work inside it (so the directory's Graph requests are its
  // children), then its metrics; telemetry never changes the result (docs/decisions/0021-telemetry.md).
  async function runTenant(tenantId: string): Promise<TenantCycleResult> {
    const span = startSpan("rotation_exclusion.tenant_run", { [ATTR.tenantId]: tenantId }, cycleSpan.context);
    const seen: { report?: ExclusionReport } = {};
    const result = await withSpan(span, () => runTenantBody(tenantId, seen));
    recordTenantRun(span, result, seen.report, streakThreshold, tally);
    return result;
  }

  async function runTenantBody(
    tenantId: string,
    seen: { report?: ExclusionReport },
  ): Promise<TenantCycleResult> {
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
    // A signal of the tenant's own even without a tenant deadline, aborted by its deadline or, through
    // runningTenants, with the cycle's reason when the cycle stops.
    const tenantDeadline = deadlineSignal(tenantDeadlineMs, "tenant-deadline");
    const { signal } = tenantDeadline;
    runningTenants.add(tenantDeadline.controller);
    const stoppedBy = (): TenantStopCause =>
      cycleSignal.aborted ? stopCause() : tenantDeadline.signal.aborted ? "tenant-deadline" : "aborted";
    const writes: WriteCounts = { issued: 0, settled: 0 };
    const givenUp = (): TenantCycleResult => {
      const inFlight = writes.issued - writes.settled;
      const unsettled =
        `the tenant's run had not settled ${stopGraceMs} ms after it was stopped (a store call, a read or the ` +
        "onReleased hook did not return); it was left to finish on its own and starts no new write" +
        (inFlight > 0 ? `; ${inFlight} write(s) in flight may still land` : "");
      log.warn({ tenantId, writesIssued: writes.issued, writesInFlight: inFlight }, unsettled);
      return {
        ...base,
        // A write issued may have landed: partial. None issued: none will be, the run is stopped.
        status: writes.issued > 0 ? "partial" : "deferred",
        stoppedBy: stoppedBy(),
        unsettled,
        graph: graphCounts(),
        durationMs: elapsed(),
      };
    };
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
      // The run honours the signal, but a store call or hook that never settles would hold the cycle
      // forever: once stopped, the run gets stopGraceMs more, then is left to settle on its own (its
      // outcome is caught, so it can never be an unhandled rejection).
      const outcome = guard.excludeFromAutoRotation({ dryRun, signal }).then(
        (done) => ({ report: done }),
        (error: unknown) => ({ error }),
      );
      const grace = afterStopGrace(signal, stopGraceMs);
      const settled = await Promise.race([outcome, grace.expired]).finally(grace.cancel);
      if (settled === GAVE_UP) return givenUp();
      if ("error" in settled) throw settled.error;
      report = settled.report;
      seen.report = report;
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
      runningTenants.delete(tenantDeadline.controller);
    }
    // Stopped after planning: partial only if a write was issued (it may have landed), else nothing changed.
    const status = !report.aborted ? "done" : writes.issued > 0 ? "partial" : "deferred";
    return {
      tenantId,
      status,
      ...(report.aborted ? { stoppedBy: stoppedBy() } : {}),
      snapshotComplete: report.snapshot.complete,
      ...(report.snapshot.complete ? {} : { incompleteReason: firstUnknownReason(report) }),
      incompleteStreak: report.snapshot.incompleteStreak,
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
  const report = summarizeCycle(results, {
    dryRun,
    startedMs,
    finishedMs: clock(),
    stoppedBy:
      sourceError !== undefined ? "tenant-source-failed" : cycleSignal.aborted ? stopCause() : undefined,
    sourceError,
  });
  recordCycle(cycleSpan, report, streakThreshold, tally);
  return report;
}
