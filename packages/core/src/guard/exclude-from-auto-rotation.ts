/**
 * One exclusion run (one tenant, one pass): refresh the snapshot, decide every managed account, and
 * apply the planned compare-and-set writes with bounded concurrency. Per-account trouble (a conflict, a
 * throwing write) is reported for that account only; an abort during the writes stops issuing writes and
 * still resolves with what was done (docs/decisions/0012-safety-rules.md, rules 5 and 10). Release alerts
 * (`onReleased`) are sent after their write and again by later runs until the hook resolved
 * (docs/decisions/0014-release-alerts.md).
 */

import { boundedMap } from "../internal/bounded-map.js";
import { summarizeError } from "../internal/error-summary.js";
import { isGuid } from "../internal/input-checks.js";
import type { ManagedAccount } from "../ports/account-store.js";
import { decideVerdicts, plainlyNotProtected } from "../verdict/decide-verdicts.js";
import { denialInRecord } from "../verdict/denial-memory.js";
import type { Verdict } from "../verdict/verdict.js";
import { isOurRecord, type PlannedAction, planAccount } from "./exclusion-plan.js";
import type { AccountOutcome, ConflictOutcome, ErrorOutcome, ExclusionReport } from "./exclusion-report.js";
import { accountStoreFor, type GuardContext } from "./guard-context.js";
import { accountToDecide, listManagedAccounts } from "./managed-accounts.js";
import { noteDroppedAlertFlag, sendReleaseAlert } from "./release-alert.js";
import type { ExcludeFromAutoRotationOptions } from "./rotation-guard.js";

interface Planned {
  readonly account: ManagedAccount;
  readonly outcome: AccountOutcome;
  readonly action: PlannedAction;
}

type WrittenOutcome = "excluded" | "alreadyExcluded" | "releasedNewly" | "restored" | "activated";

function abortedVerdict(verdict: Verdict): Verdict {
  return {
    ...verdict,
    status: "unknown",
    reasonCode: "aborted",
    reason: `The run was aborted before this account's write (the verdict was ${verdict.status}: ${verdict.reason})`,
  };
}

/** Runs one exclusion run for the guard's tenant. */
export async function excludeFromAutoRotation(
  ctx: GuardContext,
  options: ExcludeFromAutoRotationOptions = {},
): Promise<ExclusionReport> {
  const { signal } = options;
  const dryRun = options.dryRun === true;
  const store = accountStoreFor(ctx, "excludeFromAutoRotation");
  const startedMs = ctx.clock();
  signal?.throwIfAborted();
  const snapshot = await ctx.refresher.get({ force: true, signal });
  const snapshotDoneMs = ctx.clock();

  const accounts = await listManagedAccounts(ctx, store, signal, "nothing was changed, retry the run");
  // Most accounts of a run need nothing: plainly not protected, and no record of ours for planAccount to
  // act on. They are only counted, without a verdict, a plan or a report entry each; everything else is
  // decided and planned in full.
  const plain = plainlyNotProtected(ctx, snapshot);
  const needsNothing = (account: ManagedAccount): boolean =>
    plain !== undefined &&
    !isOurRecord(account.record) &&
    isGuid(account.objectId) &&
    plain(account.objectId.toLowerCase(), account.userPrincipalName || undefined);
  let notProtectedCount = 0;
  const toDecide: ManagedAccount[] = [];
  for (const account of accounts) {
    if (needsNothing(account)) notProtectedCount += 1;
    else toDecide.push(account);
  }
  // Rule 7 across guards: a denial recorded by another guard (another process of a fleet, or the host's
  // rotation guard) reaches this run through our record on the account. This run's snapshot may have
  // been read before that denial, so it is remembered here and protects until a newer complete read.
  const nowMs = ctx.clock();
  for (const account of toDecide) {
    const denial = denialInRecord(account.record, nowMs);
    if (denial !== undefined)
      ctx.denials.remember({ id: account.objectId, userPrincipalName: account.userPrincipalName }, denial);
  }
  // No second look: an account the snapshot cannot decide is deferred to the next run (rule 6).
  const verdicts = await decideVerdicts(ctx, snapshot, toDecide.map(accountToDecide), {
    secondLook: false,
    signal,
  });
  const now = new Date(ctx.clock()).toISOString();
  const planned: Planned[] = toDecide.map((account, i) => {
    const verdict = verdicts[i] as Verdict;
    return {
      account,
      outcome: {
        key: account.key,
        accountId: verdict.accountId,
        userPrincipalName: verdict.userPrincipalName,
        verdict,
      },
      action: planAccount(account, verdict, {
        restoreReleased: ctx.restoreReleased,
        now,
        alertOnRelease: ctx.onReleased !== undefined,
      }),
    };
  });
  const classifyDoneMs = ctx.clock();

  const lists: Record<WrittenOutcome | "releasedStill" | "deferred" | "pending", AccountOutcome[]> = {
    excluded: [],
    alreadyExcluded: [],
    releasedNewly: [],
    releasedStill: [],
    restored: [],
    activated: [],
    deferred: [],
    pending: [],
  };
  const conflicts: ConflictOutcome[] = [];
  const errors: ErrorOutcome[] = [];
  const stillPending = (entry: Planned) => {
    if (isOurRecord(entry.account.record, "pendingVerification")) lists.pending.push(entry.outcome);
  };

  // The accounts with work in the store: a write, or an alert still owed for an earlier release (the
  // hook, then the write that clears the flag).
  const writes: Planned[] = [];
  for (const entry of planned) {
    const { action } = entry;
    if (action.outcome === "notProtected") notProtectedCount += 1;
    else if (action.outcome === "deferred") {
      lists.deferred.push(entry.outcome);
      stillPending(entry);
    } else if (action.outcome === "releasedStill") {
      if (action.alertPending && ctx.onReleased !== undefined && !dryRun) writes.push(entry);
      else lists.releasedStill.push(entry.outcome);
    } else if ("write" in action && action.write !== undefined && !dryRun) writes.push(entry);
    else lists[action.outcome].push(entry.outcome);
  }

  // A release persisted with releaseAlertPending whose hook never resolved (it threw, or the process
  // stopped first): the alert is owed, whichever guard wrote it.
  async function resendAlert({ account, outcome }: Planned): Promise<void> {
    lists.releasedStill.push(outcome);
    const { record } = account;
    if (record?.releasedAt === undefined) return; // planAccount answers releasedStill only with both
    const alert = { outcome, record, restored: false, at: record.releasedAt, pendingOn: account };
    await sendReleaseAlert(ctx, store, alert, signal);
  }

  async function applyWrite(entry: Planned): Promise<void> {
    const { action, outcome } = entry;
    if (action.outcome === "releasedStill") return resendAlert(entry);
    if (!("write" in action) || action.write === undefined) return;
    try {
      // The caller's signal is not passed on: a half-cancelled compare-and-set leaves us unsure whether
      // it landed. Writes are short; an abort only stops new ones.
      const result = await store.update(entry.account.key, action.write);
      if (result.status === "conflict") {
        conflicts.push({ ...outcome, current: result.current });
        if (isOurRecord(result.current?.record, "pendingVerification")) lists.pending.push(outcome);
        ctx.log.warn(
          { key: outcome.key, outcome: action.outcome },
          "account changed meanwhile; write skipped",
        );
        return;
      }
      lists[action.outcome].push(outcome);
      ctx.log.info(
        {
          key: outcome.key,
          accountId: outcome.accountId,
          outcome: action.outcome,
          reasonCode: outcome.verdict.reasonCode,
        },
        "account updated",
      );
      if (action.outcome === "releasedNewly") {
        // Trust the flag only as the store gives it back: a store that dropped it cannot make the alert
        // survive, so it is sent at most once rather than re-sent by every run.
        const written = result.account;
        const held = written?.record?.releaseAlertPending === true;
        if (action.record.releaseAlertPending === true && !held) noteDroppedAlertFlag(ctx, outcome.key);
        const at = action.record.releasedAt ?? now;
        const alert = {
          outcome,
          record: action.record,
          restored: false,
          at,
          pendingOn: held ? written : undefined,
        };
        await sendReleaseAlert(ctx, store, alert, signal);
      } else if (action.outcome === "restored" && entry.account.record !== undefined) {
        // The restore cleared our record, so no flag can carry this alert: it is sent at most once.
        const alert = {
          outcome,
          record: entry.account.record,
          restored: true,
          at: now,
          pendingOn: undefined,
        };
        await sendReleaseAlert(ctx, store, alert, signal);
      }
    } catch (error) {
      const summary = summarizeError(error);
      errors.push({ ...outcome, message: `${summary.name}: ${summary.message}` });
      stillPending(entry);
      ctx.log.error({ key: outcome.key, error: summary }, "account write failed; the run continues");
    }
  }

  const { started } = await boundedMap(writes, applyWrite, { concurrency: ctx.writeConcurrency, signal });
  const aborted = started < writes.length;
  for (const entry of writes.slice(started)) {
    // An owed alert not re-sent leaves the account as it was: still released, the flag kept for later.
    if (entry.action.outcome === "releasedStill") {
      lists.releasedStill.push(entry.outcome);
      continue;
    }
    lists.deferred.push({ ...entry.outcome, verdict: abortedVerdict(entry.outcome.verdict) });
    stillPending(entry);
  }
  const finishedMs = ctx.clock();

  // Concurrent writes finish in any order; reports list accounts in the store's order.
  const keyOrder = new Map(planned.map((entry, i) => [entry.account.key, i]));
  const rank = (outcome: AccountOutcome) => keyOrder.get(outcome.key) ?? Number.MAX_SAFE_INTEGER;
  for (const list of [...Object.values(lists), conflicts, errors]) list.sort((a, b) => rank(a) - rank(b));

  const report: ExclusionReport = {
    tenantId: ctx.tenantId,
    dryRun,
    aborted,
    snapshot: {
      complete: snapshot.complete,
      primarySignal: snapshot.primarySignal,
      protectedSetObservedAt: snapshot.protectedSetObservedAt,
      unitEvidenceObservedAt: snapshot.unitEvidenceObservedAt,
      protectedUserCount: snapshot.protectedUsers.size,
      restrictedUnitCount: snapshot.units.length,
      findings: snapshot.findings,
      incompleteStreak: ctx.refresher.incompleteStreak(),
      ...(snapshot.incompleteCause ? { incompleteReason: snapshot.incompleteCause.reasonCode } : {}),
    },
    excluded: lists.excluded,
    alreadyExcluded: lists.alreadyExcluded,
    deferred: lists.deferred,
    released: { newly: lists.releasedNewly, still: lists.releasedStill },
    restored: lists.restored,
    activated: lists.activated,
    pending: lists.pending,
    conflicts,
    errors,
    notProtectedCount,
    accountCount: accounts.length,
    timings: {
      startedAt: new Date(startedMs).toISOString(),
      finishedAt: new Date(finishedMs).toISOString(),
      totalMs: finishedMs - startedMs,
      snapshotMs: snapshotDoneMs - startedMs,
      classifyMs: classifyDoneMs - snapshotDoneMs,
      writeMs: finishedMs - classifyDoneMs,
    },
  };
  ctx.log.info(
    {
      dryRun,
      aborted,
      complete: snapshot.complete,
      accountCount: report.accountCount,
      excluded: report.excluded.length,
      deferred: report.deferred.length,
      releasedNewly: report.released.newly.length,
      conflicts: conflicts.length,
      errors: errors.length,
    },
    "exclusion run finished",
  );
  return report;
}
