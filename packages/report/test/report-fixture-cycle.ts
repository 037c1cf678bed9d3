/**
 * The fixture's cycle report: one tenant that ran to the end on a throttled (incomplete) snapshot, with
 * its per-tenant report kept (`keepReports: true`): one account excluded, one deferred, seven counted
 * as not protected.
 */
import type { CycleDocument } from "@rotation-exclusion/report";

function guid(prefix: string, n: number): string {
  return `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function emptyCounts() {
  return {
    listed: 0,
    excluded: 0,
    alreadyExcluded: 0,
    deferred: 0,
    released: 0,
    notProtected: 0,
    conflicts: 0,
    errors: 0,
  };
}

/**
 * A cycle report of `tenantId`, run (and finished) at `at`.
 *
 * @example
 * const cycle = throttledCycleDocument("10000000-0000-4000-8000-000000000004", "2026-11-30T08:00:00.000Z");
 */
export function throttledCycleDocument(tenantId: string, at: string): CycleDocument {
  const cycleReport = (complete: boolean) => ({
    tenantId,
    dryRun: false,
    aborted: false,
    snapshot: {
      complete,
      primarySignal: "available" as const,
      protectedSetObservedAt: at,
      unitEvidenceObservedAt: at,
      protectedUserCount: 1,
      restrictedUnitCount: 1,
      findings: complete
        ? []
        : [
            {
              code: "PROTECTED_SET_INCOMPLETE" as const,
              severity: "error" as const,
              message: "The protected-user query stopped early (throttled).",
            },
          ],
      incompleteStreak: complete ? 0 : 2,
      ...(complete ? {} : { incompleteReason: "throttled" as const }),
    },
    excluded: [
      {
        key: `${tenantId}-svc`,
        accountId: guid("3", 41),
        userPrincipalName: "svc@tailspin.com",
        verdict: {
          status: "protected" as const,
          reasonCode: "unit-member" as const,
          accountId: guid("3", 41),
          userPrincipalName: "svc@tailspin.com",
          reason: "Member of restricted unit Tailspin BG.",
          evidence: [
            {
              kind: "unit-member" as const,
              unitId: guid("2", 4),
              unitDisplayName: "Tailspin BG",
              observedAt: at,
            },
          ],
          unitIds: [guid("2", 4)],
          observedAt: at,
        },
      },
    ],
    alreadyExcluded: [],
    deferred: [
      {
        key: `${tenantId}-ga`,
        accountId: guid("3", 42),
        userPrincipalName: "ga@tailspin.com",
        verdict: {
          status: "unknown" as const,
          reasonCode: "throttled" as const,
          accountId: guid("3", 42),
          userPrincipalName: "ga@tailspin.com",
          reason: "Graph throttled the read.",
          evidence: [],
          unitIds: [],
          observedAt: at,
        },
      },
    ],
    released: { newly: [], still: [] },
    restored: [],
    activated: [],
    pending: [],
    conflicts: [],
    errors: [],
    notProtectedCount: 7,
    accountCount: 9,
    timings: { startedAt: at, finishedAt: at, totalMs: 10, snapshotMs: 5, classifyMs: 3, writeMs: 2 },
  });
  return {
    kind: "rotation-exclusion.cycle",
    schemaVersion: 1,
    dryRun: false,
    tenantCounts: { total: 1, done: 1, partial: 0, failed: 0, deferred: 0, incomplete: 1 },
    accounts: { ...emptyCounts(), listed: 9, excluded: 1, deferred: 1, notProtected: 7 },
    graph: { requests: 40, retries: 6, throttled: 6 },
    startedAt: at,
    finishedAt: at,
    wallTimeMs: 1000,
    tenants: [
      {
        tenantId: tenantId,
        status: "done",
        snapshotComplete: false,
        incompleteReason: "throttled",
        incompleteStreak: 2,
        accounts: { ...emptyCounts(), listed: 9, excluded: 1, deferred: 1, notProtected: 7 },
        graph: { requests: 40, retries: 6, throttled: 6 },
        durationMs: 900,
        report: cycleReport(false),
      },
    ],
  };
}
