/**
 * What one multi-tenant exclusion cycle reports: one small result per tenant (counts, not account
 * lists, so that a cycle over thousands of tenants stays small) and the totals.
 */
import type { ExclusionReport } from "../guard/exclusion-report.js";
import type { UnknownReasonCode } from "../verdict/verdict.js";

/**
 * How a tenant's run ended.
 * - `done`: the run finished (its snapshot may still have been incomplete: see `snapshotComplete`).
 * - `partial`: stopped (cycle deadline, tenant deadline or abort) after issuing at least one write; what
 *   was written stays.
 * - `failed`: the tenant could not be run (its directory or store could not be created, listing the
 *   store failed, invalid options); nothing was written.
 * - `deferred`: not started, or stopped before its first write; nothing was written.
 */
export type TenantCycleStatus = "done" | "partial" | "failed" | "deferred";

/** Why a tenant was stopped early. */
export type TenantStopCause = "cycle-deadline" | "tenant-deadline" | "aborted";

/**
 * Why a whole cycle ended early: its deadline, the caller's signal, or a tenant source (the iterable
 * of tenant ids) that threw, after which no further tenant was started.
 */
export type CycleStopCause = "cycle-deadline" | "aborted" | "tenant-source-failed";

/** Account counts of one tenant's run (or of the whole cycle). */
export interface CycleAccountCounts {
  /** Managed accounts listed. */
  readonly listed: number;
  /** Turned off on positive evidence (or would be, in a dry run). */
  readonly excluded: number;
  readonly alreadyExcluded: number;
  /** Undecided or unfinished this cycle; nothing written for them. */
  readonly deferred: number;
  /** Newly released: excluded by us, now shown unprotected by a complete snapshot. */
  readonly released: number;
  readonly notProtected: number;
  readonly conflicts: number;
  readonly errors: number;
}

/** Graph traffic, from the directory's `stats()` (zero when a reader keeps none). */
export interface CycleGraphCounts {
  readonly requests: number;
  readonly retries: number;
  readonly throttled: number;
}

/** One tenant's part of the cycle. */
export interface TenantCycleResult {
  readonly tenantId: string;
  readonly status: TenantCycleStatus;
  /** Set when the tenant was stopped early (`partial`, or `deferred` after it started). */
  readonly stoppedBy?: TenantStopCause | undefined;
  /** Whether the snapshot was complete; `undefined` when the tenant got no snapshot. */
  readonly snapshotComplete?: boolean | undefined;
  /** Why the snapshot was incomplete (`throttled`, `permission-missing`, ...). */
  readonly incompleteReason?: UnknownReasonCode | undefined;
  /**
   * Snapshot refreshes in a row (across cycles, restarts and workers when a snapshot store is given)
   * that ended incomplete, this run's included; 0 when complete, `undefined` when it got no snapshot.
   */
  readonly incompleteStreak?: number | undefined;
  /**
   * Set when the tenant's run had not settled `stopGraceMs` after it was stopped: it was left to finish
   * on its own (it starts no new write), and this says what may still be in flight.
   */
  readonly unsettled?: string | undefined;
  /** For `failed`: what failed, redacted. */
  readonly error?: { readonly name: string; readonly message: string; readonly code?: string } | undefined;
  readonly accounts: CycleAccountCounts;
  readonly graph: CycleGraphCounts;
  readonly durationMs: number;
  /** The full report, only with `keepReports: true`. */
  readonly report?: ExclusionReport | undefined;
}

/** The `kind` of a cycle report's JSON document (`@rotation-exclusion/report` reads it). */
export const EXCLUSION_CYCLE_REPORT_KIND = "rotation-exclusion.cycle";

/** The schema version of a cycle report's JSON document. */
export const EXCLUSION_CYCLE_REPORT_SCHEMA_VERSION = 1;

/** The result of `runExclusionCycle()`: written as JSON, it is a document a posture report can render. */
export interface ExclusionCycleReport {
  readonly kind: typeof EXCLUSION_CYCLE_REPORT_KIND;
  readonly schemaVersion: typeof EXCLUSION_CYCLE_REPORT_SCHEMA_VERSION;
  readonly dryRun: boolean;
  /** Set when the cycle was cut short: by its deadline, the caller's signal, or a failing tenant source. */
  readonly stoppedBy?: CycleStopCause | undefined;
  /** With `stoppedBy: "tenant-source-failed"`: what the tenant source threw, redacted. */
  readonly sourceError?: { readonly name: string; readonly message: string } | undefined;
  readonly tenantCounts: {
    readonly total: number;
    readonly done: number;
    readonly partial: number;
    readonly failed: number;
    readonly deferred: number;
    /** Tenants that ran to the end on an incomplete snapshot (their undecided accounts are deferred). */
    readonly incomplete: number;
  };
  readonly accounts: CycleAccountCounts;
  readonly graph: CycleGraphCounts;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallTimeMs: number;
  /** One result per tenant, in the order the tenants were given. */
  readonly tenants: readonly TenantCycleResult[];
}

/** Progress of a cycle, as it happens. `done` counts tenants finished so far (any status). */
export type ExclusionCycleEvent =
  | { readonly type: "tenant-started"; readonly tenantId: string; readonly started: number }
  | {
      readonly type: "tenant-finished";
      readonly tenantId: string;
      readonly result: TenantCycleResult;
      readonly finished: number;
    }
  | { readonly type: "cycle-stopping"; readonly cause: CycleStopCause };

/** All-zero account counts. */
export const NO_ACCOUNTS: CycleAccountCounts = {
  listed: 0,
  excluded: 0,
  alreadyExcluded: 0,
  deferred: 0,
  released: 0,
  notProtected: 0,
  conflicts: 0,
  errors: 0,
};

/** All-zero Graph counts. */
export const NO_GRAPH: CycleGraphCounts = { requests: 0, retries: 0, throttled: 0 };

/** The account counts of one exclusion report. */
export function countAccounts(report: ExclusionReport): CycleAccountCounts {
  return {
    listed: report.accountCount,
    excluded: report.excluded.length,
    alreadyExcluded: report.alreadyExcluded.length,
    deferred: report.deferred.length,
    released: report.released.newly.length,
    notProtected: report.notProtectedCount,
    conflicts: report.conflicts.length,
    errors: report.errors.length,
  };
}

/** Adds `b` to `a`, field by field. */
export function addCounts<T extends { readonly [K in keyof T]: number }>(a: T, b: T): T {
  const sum = { ...a } as Record<keyof T, number>;
  for (const key of Object.keys(b) as (keyof T)[]) sum[key] = (sum[key] ?? 0) + b[key];
  return sum as T;
}

/**
 * Why a tenant's snapshot was incomplete: the directory failure behind it, else the reason of its first
 * undecided account. The snapshot's own cause comes first: a tenant whose accounts were all decided on
 * positive evidence still has a cause (`authentication-failed`, `throttled`) an operator must see.
 */
export function firstUnknownReason(report: ExclusionReport) {
  if (report.snapshot.incompleteReason !== undefined) return report.snapshot.incompleteReason;
  const verdict = report.deferred.find((entry) => entry.verdict.status === "unknown")?.verdict;
  return verdict?.status === "unknown" ? verdict.reasonCode : "snapshot-incomplete";
}

/** The cycle report from the tenants' results (in tenant order) and how the cycle ran. */
export function summarizeCycle(
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
    kind: EXCLUSION_CYCLE_REPORT_KIND,
    schemaVersion: EXCLUSION_CYCLE_REPORT_SCHEMA_VERSION,
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
