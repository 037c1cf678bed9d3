/**
 * The report of one `excludeFromAutoRotation()` run: every managed account lands in exactly one outcome
 * list (or in `notProtectedCount`), plus the snapshot summary and timings.
 */
import type { AutoRotateRecord, ManagedAccount } from "../ports/account-store.js";
import type { PrimarySignal } from "../ports/directory-reader.js";
import type { Finding } from "../snapshot/finding.js";
import type { UnknownReasonCode, Verdict } from "../verdict/verdict.js";

/** One account in a report, with the verdict that put it there. */
export interface AccountOutcome {
  /** The store's key. */
  readonly key: string;
  readonly accountId: string | null;
  readonly userPrincipalName: string | null;
  readonly verdict: Verdict;
}

/** A compare-and-set write refused because the account changed meanwhile. */
export interface ConflictOutcome extends AccountOutcome {
  /** The store's current state of the account (`undefined` when it is gone). */
  readonly current: ManagedAccount | undefined;
}

/** A write that threw. */
export interface ErrorOutcome extends AccountOutcome {
  /** What failed, redacted of anything token-like. */
  readonly message: string;
}

/** What the run knew about the tenant. */
export interface SnapshotSummary {
  readonly complete: boolean;
  readonly primarySignal: PrimarySignal;
  readonly protectedSetObservedAt: string;
  readonly unitEvidenceObservedAt: string;
  readonly protectedUserCount: number;
  readonly restrictedUnitCount: number;
  readonly findings: readonly Finding[];
  /**
   * Snapshot refreshes in a row, this one included, that ended incomplete (0 when complete). Kept beside
   * the snapshot in the snapshot store, so it survives a restart and a change of worker.
   */
  readonly incompleteStreak: number;
  /** Why the snapshot is incomplete (the directory failure behind it); absent when complete. */
  readonly incompleteReason?: UnknownReasonCode | undefined;
}

/** How long each phase took (ms, by the guard's clock). */
export interface ExclusionTimings {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly totalMs: number;
  readonly snapshotMs: number;
  /** Listing the store, resolving UPNs and deciding every verdict. */
  readonly classifyMs: number;
  readonly writeMs: number;
}

/** The result of `excludeFromAutoRotation()`. */
export interface ExclusionReport {
  readonly tenantId: string;
  readonly dryRun: boolean;
  /**
   * True when the caller's signal aborted during the writes; unwritten accounts are `deferred`
   * (`aborted`), and released accounts whose owed alert was not sent again stay in `released.still`.
   */
  readonly aborted: boolean;
  readonly snapshot: SnapshotSummary;
  /** Protected accounts turned off by this run (or that would be, in a dry run). */
  readonly excluded: readonly AccountOutcome[];
  /** Protected accounts already off (by us or by an operator). */
  readonly alreadyExcluded: readonly AccountOutcome[];
  /** Accounts we could not decide (or not finish) this time; nothing was written for them. */
  readonly deferred: readonly AccountOutcome[];
  /**
   * Accounts we excluded that a complete snapshot now shows unprotected; left off, marked `releasedAt`.
   * `newly`: marked by this run. `still`: marked before, including those whose `onReleased` alert was
   * still owed (`releaseAlertPending`) and that this run sent again.
   */
  readonly released: { readonly newly: readonly AccountOutcome[]; readonly still: readonly AccountOutcome[] };
  /** Released accounts turned back on (`restoreReleased`). */
  readonly restored: readonly AccountOutcome[];
  /** Accounts parked for verification that proved unprotected, turned on. */
  readonly activated: readonly AccountOutcome[];
  /** Accounts still parked for verification after this run. */
  readonly pending: readonly AccountOutcome[];
  readonly conflicts: readonly ConflictOutcome[];
  readonly errors: readonly ErrorOutcome[];
  readonly notProtectedCount: number;
  readonly accountCount: number;
  readonly timings: ExclusionTimings;
}

/**
 * Passed to the `onReleased` hook for an account we excluded that a complete snapshot shows unprotected:
 * when it is marked released (`restored: false`), and when `restoreReleased` turns it back on
 * (`restored: true`).
 *
 * Hooks MUST be idempotent: a release's alert is sent again by later runs (of this guard or another)
 * until one call resolved, so a hook that threw, or a process that stopped before the hook returned, is
 * not the end of it. Every send of one release carries the same `eventKey`; drop repeats by it. A
 * restore's alert is sent at most once (see `restored`).
 */
export interface ReleasedEvent {
  readonly tenantId: string;
  /** The store's key of the account. */
  readonly key: string;
  /**
   * The same for every send of one release, and different for any other release or restore:
   * `released:<tenantId>:<store key, URI-encoded>:<releasedAt>`, or `restored:…:<time of the restore>`.
   * Treat it as an opaque string (an idempotency key, a deduplication id).
   */
  readonly eventKey: string;
  readonly accountId: string | null;
  readonly userPrincipalName: string | null;
  /**
   * True when `restoreReleased` turned the account back on and cleared our record. That write leaves no
   * record to carry a pending alert, so a restore is alerted at most once: a hook that throws is logged,
   * and a process that stops between the restore and the hook loses the alert (`report.restored` still
   * lists the account).
   */
  readonly restored: boolean;
  /**
   * Our record: as written, with `releasedAt` set (and `releaseAlertPending` while the alert is owed);
   * for a restore, as it was before the restore cleared it.
   */
  readonly record: AutoRotateRecord;
  readonly verdict: Verdict;
}
