/**
 * What to do with one managed account given its verdict: a pure decision, so that the walk, the dry run
 * and `recordRotationFailure` all act the same way. The hard rules: write `autoRotate: false` only on a
 * protected verdict, never touch an operator's exclusion, re-enable only accounts we turned off.
 */
import {
  type AccountWrite,
  type AutoRotateRecord,
  type ManagedAccount,
  ROTATION_EXCLUSION_ACTOR,
} from "../ports/account-store.js";
import type { ProtectedVerdict, UnknownVerdict, Verdict } from "../verdict/verdict.js";

/** The outcome an account lands in, and the write (if any) that gets it there. */
export type PlannedAction =
  | { readonly outcome: "excluded"; readonly write: AccountWrite }
  /** `write` is set when our record carried `releasedAt` and protection came back. */
  | { readonly outcome: "alreadyExcluded"; readonly write?: AccountWrite | undefined }
  | { readonly outcome: "releasedNewly"; readonly write: AccountWrite; readonly record: AutoRotateRecord }
  /** `alertPending`: our record still carries `releaseAlertPending`, so the hook is owed a call. */
  | { readonly outcome: "releasedStill"; readonly alertPending: boolean }
  | { readonly outcome: "restored"; readonly write: AccountWrite }
  | { readonly outcome: "activated"; readonly write: AccountWrite }
  | { readonly outcome: "notProtected" }
  | { readonly outcome: "deferred" };

/** How {@link planAccount} acts. */
export interface PlanOptions {
  readonly restoreReleased: boolean;
  /** ISO 8601 time stamped into records. */
  readonly now: string;
  /**
   * Write `releaseAlertPending` with `releasedAt`: the guard has an `onReleased` hook that will owe the
   * release an alert. Default false (no hook: the report is the alert, and no flag is left for a hook
   * configured later to find).
   */
  readonly alertOnRelease?: boolean | undefined;
}

/** True when the record was written by this library (not by an operator or another tool). */
export function isOurRecord(record: AutoRotateRecord | undefined, kind?: AutoRotateRecord["kind"]): boolean {
  return (
    record !== undefined &&
    record.changedBy === ROTATION_EXCLUSION_ACTOR &&
    (kind === undefined || record.kind === kind)
  );
}

/** The exclusion record written for a protected verdict. */
export function exclusionRecordFor(verdict: ProtectedVerdict, now: string): AutoRotateRecord {
  return {
    kind: "exclusion",
    changedBy: ROTATION_EXCLUSION_ACTOR,
    reasonCode: verdict.reasonCode,
    reason: verdict.reason,
    unitIds: verdict.unitIds,
    evidence: verdict.evidence,
    changedAt: now,
  };
}

/**
 * The record of an account imported (role import) before its protection could be verified: rotation
 * stays off until an exclusion run decides it (converted to an exclusion, or activated).
 */
export function pendingRecordFor(verdict: UnknownVerdict, now: string): AutoRotateRecord {
  return {
    kind: "pendingVerification",
    changedBy: ROTATION_EXCLUSION_ACTOR,
    reasonCode: verdict.reasonCode,
    reason: `Imported with rotation off until protection is verified: ${verdict.reason}`,
    unitIds: verdict.unitIds,
    evidence: verdict.evidence,
    changedAt: now,
  };
}

/** Decides the outcome and the compare-and-set write for one account. */
export function planAccount(account: ManagedAccount, verdict: Verdict, options: PlanOptions): PlannedAction {
  const { record, version } = account;
  const ourExclusion = isOurRecord(record, "exclusion");
  const ourPending = isOurRecord(record, "pendingVerification");

  if (verdict.status === "unknown") return { outcome: "deferred" };

  if (verdict.status === "protected") {
    const write: AccountWrite = {
      expectedVersion: version,
      autoRotate: false,
      record: exclusionRecordFor(verdict, options.now),
    };
    if (ourPending || account.autoRotate) return { outcome: "excluded", write };
    // Protection came back after we had marked the account released: one write with the fresh evidence.
    // An alert still pending for that release goes with it: the account is back where it was, so
    // there is no longer anything for a human to look at.
    if (ourExclusion && record?.releasedAt !== undefined) return { outcome: "alreadyExcluded", write };
    // Ours without releasedAt, or an operator's exclusion: nothing to change.
    return { outcome: "alreadyExcluded" };
  }

  if (ourPending)
    return { outcome: "activated", write: { expectedVersion: version, autoRotate: true, record: null } };
  if (ourExclusion && record !== undefined) {
    if (options.restoreReleased)
      return { outcome: "restored", write: { expectedVersion: version, autoRotate: true, record: null } };
    if (record.releasedAt !== undefined)
      return { outcome: "releasedStill", alertPending: record.releaseAlertPending === true };
    // The flag goes in the very write that stamps releasedAt: there is no moment at which the release
    // is persisted and the owed alert is not.
    const released: AutoRotateRecord = {
      ...record,
      releasedAt: options.now,
      ...(options.alertOnRelease === true ? { releaseAlertPending: true } : {}),
    };
    return {
      outcome: "releasedNewly",
      write: { expectedVersion: version, autoRotate: account.autoRotate, record: released },
      record: released,
    };
  }
  // Never re-enable an account someone else turned off.
  return { outcome: "notProtected" };
}
