/**
 * What a cycle and each tenant run tell OpenTelemetry: the span attributes (the tenant id is on spans
 * only) and the low-cardinality metrics (never a tenant id, account id or UPN: ten thousand tenants
 * would make ten thousand series).
 */
import type { Attributes } from "@opentelemetry/api";
import type { ExclusionCycleReport, TenantCycleResult } from "../cycle/exclusion-cycle-report.js";
import type { AccountOutcome, ExclusionReport } from "../guard/exclusion-report.js";
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

function countVerdicts(
  counts: Map<string, { status: string; reason: string; count: number }>,
  list: readonly AccountOutcome[],
) {
  for (const { verdict } of list) {
    const key = `${verdict.status}\u0000${verdict.reasonCode}`;
    const entry = counts.get(key);
    if (entry === undefined)
      counts.set(key, { status: verdict.status, reason: verdict.reasonCode, count: 1 });
    else entry.count += 1;
  }
}

/** Every account of a report, once, by verdict status and reason code. */
function verdictsOf(report: ExclusionReport) {
  const counts = new Map<string, { status: string; reason: string; count: number }>();
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
    countVerdicts(counts, list);
  }
  // Not-protected accounts are only counted in a report (the list would be most of the tenant).
  if (report.notProtectedCount > 0) {
    counts.set("not-protected", {
      status: "not-protected",
      reason: "not-restricted",
      count: report.notProtectedCount,
    });
  }
  return counts.values();
}

/** Ends a tenant run's span and records its metrics. */
export function recordTenantRun(
  span: SafeSpan,
  result: TenantCycleResult,
  report: ExclusionReport | undefined,
  streakThreshold: number,
): void {
  const errorType = errorTypeOf(result);
  const metricAttributes: Attributes = { [ATTR.tenantOutcome]: result.status };
  if (result.snapshotComplete !== undefined)
    metricAttributes[ATTR.snapshotComplete] = result.snapshotComplete;
  if (result.incompleteReason !== undefined)
    metricAttributes[ATTR.incompleteReason] = result.incompleteReason;
  if (result.stoppedBy !== undefined) metricAttributes[ATTR.stoppedBy] = result.stoppedBy;
  if (errorType !== undefined) metricAttributes[ATTR.errorType] = errorType;
  const overThreshold = result.incompleteStreak !== undefined && result.incompleteStreak >= streakThreshold;
  if (span.recording) {
    const { accounts } = result;
    span.set({
      ...metricAttributes,
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
  record((instruments) => {
    instruments.tenantRuns.add(1, metricAttributes);
    if (overThreshold) instruments.streakExceeded.add(1);
    const { accounts } = result;
    const outcomes: [string, number][] = [
      ["excluded", accounts.excluded],
      ["already_excluded", accounts.alreadyExcluded],
      ["deferred", accounts.deferred],
      ["released", accounts.released],
      ["restored", report?.restored.length ?? 0],
      ["not_protected", accounts.notProtected],
      ["conflict", accounts.conflicts],
      ["error", accounts.errors],
    ];
    for (const [outcome, count] of outcomes) {
      if (count > 0) instruments.accountOutcomes.add(count, { [ATTR.accountOutcome]: outcome });
    }
    if (report === undefined) return;
    for (const { status, reason, count } of verdictsOf(report)) {
      instruments.accountVerdicts.add(count, { [ATTR.verdictStatus]: status, [ATTR.verdictReason]: reason });
    }
  });
}

/** Ends the cycle's span and records its duration and its tenants over the incomplete-streak threshold. */
export function recordCycle(span: SafeSpan, report: ExclusionCycleReport, streakThreshold: number): void {
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
  record((instruments) => {
    instruments.cycleDuration.record(report.wallTimeMs / 1_000, attributes);
    instruments.streakTenants.record(overThreshold);
  });
}
