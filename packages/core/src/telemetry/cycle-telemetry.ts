/**
 * What a cycle and each tenant run tell OpenTelemetry: the span attributes (the tenant id is on spans
 * only) and the low-cardinality metrics (never a tenant id, account id or UPN: ten thousand tenants
 * would make ten thousand series).
 */
import type { Attributes } from "@opentelemetry/api";
import type { ExclusionCycleReport, TenantCycleResult } from "../cycle/exclusion-cycle-report.js";
import type { ExclusionReport } from "../guard/exclusion-report.js";
import { record, type SafeSpan } from "./core-telemetry.js";

/** Attribute names of core's spans and metrics (README, "Telemetry"). */
export const ATTR = {
  tenantId: "rotation_exclusion.tenant.id",
  tenantOutcome: "rotation_exclusion.tenant.outcome",
  stoppedBy: "rotation_exclusion.tenant.stopped_by",
  snapshotComplete: "rotation_exclusion.snapshot.complete",
  incompleteReason: "rotation_exclusion.snapshot.incomplete_reason",
  incompleteStreak: "rotation_exclusion.snapshot.incomplete_streak",
  unitsReread: "rotation_exclusion.snapshot.units_reread",
  snapshotEvidence: "rotation_exclusion.snapshot.evidence",
  accountOutcome: "rotation_exclusion.account.outcome",
  verdictStatus: "rotation_exclusion.verdict.status",
  verdictReason: "rotation_exclusion.verdict.reason",
  dryRun: "rotation_exclusion.dry_run",
  cycleStoppedBy: "rotation_exclusion.cycle.stopped_by",
  errorType: "error.type",
} as const;

/** The `error.type` of a failed tenant: the error's code when it has one, else its name. */
export function errorTypeOf(result: TenantCycleResult): string | undefined {
  return result.error === undefined ? undefined : (result.error.code ?? result.error.name);
}

/**
 * The per-tenant counters of one cycle, summed as its tenants finish and recorded once when it ends:
 * each measurement costs an SDK a hash of its attributes, and a quiet tenant made about ten of them,
 * most of the telemetry's CPU (BENCHMARKS.md, "OpenTelemetry"). The sums a backend sees are the same;
 * they arrive at the cycle's end instead of at each tenant's.
 */
export interface CycleTally {
  /** Tenant runs by their attributes' key. */
  readonly runs: Map<string, { readonly attributes: Attributes; count: number }>;
  /** Accounts by outcome. */
  readonly outcomes: Map<string, number>;
  /** Verdicts by `status\0reason`. */
  readonly verdicts: Map<string, { readonly attributes: Attributes; count: number }>;
  streakExceeded: number;
}

/** An empty tally for a cycle. */
export function cycleTally(): CycleTally {
  return { runs: new Map(), outcomes: new Map(), verdicts: new Map(), streakExceeded: 0 };
}

function countVerdict(tally: CycleTally, status: string, reason: string, count: number) {
  const key = `${status}\u0000${reason}`;
  const entry = tally.verdicts.get(key);
  if (entry === undefined)
    tally.verdicts.set(key, {
      attributes: { [ATTR.verdictStatus]: status, [ATTR.verdictReason]: reason },
      count,
    });
  else entry.count += count;
}

/** Every account of a report, once, by verdict status and reason code. */
function countVerdicts(tally: CycleTally, report: ExclusionReport) {
  for (const list of [
    report.excluded,
    report.alreadyExcluded,
    report.deferred,
    report.released.newly,
    report.released.still,
    report.restored,
    report.activated,
    report.pending,
    report.conflicts,
    report.errors,
  ]) {
    for (const { verdict } of list) countVerdict(tally, verdict.status, verdict.reasonCode, 1);
  }
  // Not-protected accounts are only counted in a report (the list would be most of the tenant).
  if (report.notProtectedCount > 0)
    countVerdict(tally, "not-protected", "not-restricted", report.notProtectedCount);
}

function countOutcome(tally: CycleTally, outcome: string, count: number) {
  if (count > 0) tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + count);
}

/** Ends a tenant run's span and adds its figures to the cycle's tally (recorded by `recordCycle`). */
export function recordTenantRun(
  span: SafeSpan,
  result: TenantCycleResult,
  report: ExclusionReport | undefined,
  streakThreshold: number,
  tally: CycleTally,
): void {
  const errorType = errorTypeOf(result);
  const key = `${result.status}|${result.snapshotComplete}|${result.incompleteReason}|${result.stoppedBy}|${errorType}`;
  let run = tally.runs.get(key);
  if (run === undefined) {
    const attributes: Attributes = { [ATTR.tenantOutcome]: result.status };
    if (result.snapshotComplete !== undefined) attributes[ATTR.snapshotComplete] = result.snapshotComplete;
    if (result.incompleteReason !== undefined) attributes[ATTR.incompleteReason] = result.incompleteReason;
    if (result.stoppedBy !== undefined) attributes[ATTR.stoppedBy] = result.stoppedBy;
    if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
    run = { attributes, count: 0 };
    tally.runs.set(key, run);
  }
  run.count += 1;
  if (result.incompleteStreak !== undefined && result.incompleteStreak >= streakThreshold)
    tally.streakExceeded += 1;
  const { accounts } = result;
  if (span.recording) {
    span.set({
      ...run.attributes,
      ...(result.incompleteStreak === undefined ? {} : { [ATTR.incompleteStreak]: result.incompleteStreak }),
      "rotation_exclusion.accounts.listed": accounts.listed,
      "rotation_exclusion.accounts.excluded": accounts.excluded,
      "rotation_exclusion.accounts.deferred": accounts.deferred,
      "rotation_exclusion.accounts.released": accounts.released,
      "rotation_exclusion.accounts.conflicts": accounts.conflicts,
      "rotation_exclusion.accounts.errors": accounts.errors,
    });
  }
  if (errorType !== undefined) span.fail(errorType);
  span.end();
  try {
    countOutcome(tally, "excluded", accounts.excluded);
    countOutcome(tally, "already_excluded", accounts.alreadyExcluded);
    countOutcome(tally, "deferred", accounts.deferred);
    countOutcome(tally, "released", accounts.released);
    countOutcome(tally, "restored", report?.restored.length ?? 0);
    countOutcome(tally, "not_protected", accounts.notProtected);
    countOutcome(tally, "conflict", accounts.conflicts);
    countOutcome(tally, "error", accounts.errors);
    if (report !== undefined) countVerdicts(tally, report);
  } catch {
    // Telemetry never fails the work it describes: a figure that cannot be counted is lost.
  }
}

/** Records a cycle's tally: its tenant runs, their accounts' outcomes and verdicts. */
function recordTally(tally: CycleTally): void {
  record((instruments) => {
    for (const { attributes, count } of tally.runs.values()) instruments.tenantRuns.add(count, attributes);
    if (tally.streakExceeded > 0) instruments.streakExceeded.add(tally.streakExceeded);
    for (const [outcome, count] of tally.outcomes)
      instruments.accountOutcomes.add(count, { [ATTR.accountOutcome]: outcome });
    for (const { attributes, count } of tally.verdicts.values())
      instruments.accountVerdicts.add(count, attributes);
  });
}

/**
 * Ends the cycle's span and records its tally, its duration and its tenants over the incomplete-streak
 * threshold.
 */
export function recordCycle(
  span: SafeSpan,
  report: ExclusionCycleReport,
  streakThreshold: number,
  tally: CycleTally,
): void {
  const { tenantCounts } = report;
  let overThreshold = 0;
  for (const tenant of report.tenants) {
    if (tenant.incompleteStreak !== undefined && tenant.incompleteStreak >= streakThreshold)
      overThreshold += 1;
  }
  const attributes: Attributes = { [ATTR.dryRun]: report.dryRun };
  if (report.stoppedBy !== undefined) attributes[ATTR.cycleStoppedBy] = report.stoppedBy;
  if (span.recording) {
    span.set({
      ...attributes,
      "rotation_exclusion.cycle.tenants": tenantCounts.total,
      "rotation_exclusion.cycle.tenants.failed": tenantCounts.failed,
      "rotation_exclusion.cycle.tenants.incomplete": tenantCounts.incomplete,
      "rotation_exclusion.cycle.tenants.deferred": tenantCounts.deferred,
      "rotation_exclusion.cycle.tenants.partial": tenantCounts.partial,
      "rotation_exclusion.cycle.incomplete_streak.tenants": overThreshold,
    });
  }
  span.end();
  recordTally(tally);
  record((instruments) => {
    instruments.cycleDuration.record(report.wallTimeMs / 1_000, attributes);
    instruments.streakTenants.record(overThreshold);
  });
}
