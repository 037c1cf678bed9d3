/**
 * The `onReleased` alert of one account, made durable: the release is persisted with
 * `releaseAlertPending` (see `planAccount`), the hook is called, and only once it resolved is the flag
 * removed, by compare-and-set. Until then the flag stays in the store and a later run, of this guard or
 * of another process, calls the hook again; hooks are idempotent by the event's `eventKey`.
 */
import { summarizeError } from "../internal/error-summary.js";
import type { AccountStore, AutoRotateRecord, ManagedAccount } from "../ports/account-store.js";
import type { AccountOutcome, ReleasedEvent } from "./exclusion-report.js";
import type { GuardContext } from "./guard-context.js";

/** One alert to send. */
export interface ReleaseAlert {
  readonly outcome: AccountOutcome;
  /** The record the event carries. */
  readonly record: AutoRotateRecord;
  readonly restored: boolean;
  /** When the account was released (`record.releasedAt`) or restored: part of the event key. */
  readonly at: string;
  /**
   * The account holding `record` with `releaseAlertPending`, at the version the store last showed us;
   * the flag is removed from it once the hook resolved. `undefined` when the store holds no flag for
   * this alert (a restore, or a store that dropped it): the alert is then sent at most once.
   */
  readonly pendingOn: ManagedAccount | undefined;
}

/** The event key of a release or a restore (see `ReleasedEvent.eventKey`). */
export function releaseEventKey(tenantId: string, key: string, restored: boolean, at: string): string {
  // The store key is encoded so that no key can make two alerts share an event key.
  return `${restored ? "restored" : "released"}:${tenantId}:${encodeURIComponent(key)}:${at}`;
}

/** The record with `releaseAlertPending` removed (not set to false: the record is as it was before). */
export function withoutPendingAlert(record: AutoRotateRecord): AutoRotateRecord {
  const { releaseAlertPending: _sent, ...rest } = record;
  return rest;
}

/**
 * Logs, once per guard, that the store returned our release without the `releaseAlertPending` we
 * wrote: its alerts cannot survive a failed hook or a stopped process, so they are sent at most once.
 */
export function noteDroppedAlertFlag(ctx: GuardContext, key: string): void {
  if (ctx.notices.releaseAlertFlagDropped) return;
  ctx.notices.releaseAlertFlagDropped = true;
  ctx.log.warn(
    { key },
    "the account store dropped releaseAlertPending from our record; onReleased alerts are sent at most once until the store keeps the field",
  );
}

/**
 * Calls the hook for one alert, then removes the pending flag. Never throws: a hook that throws leaves
 * the flag for a later run; a conflict or a failure on the clearing write does too (the hook is called
 * again, which an idempotent hook absorbs). After an abort the clearing write is not issued, since
 * stopping stops new writes (docs/decisions/0012-safety-rules.md, rule 10).
 */
export async function sendReleaseAlert(
  ctx: GuardContext,
  store: AccountStore,
  alert: ReleaseAlert,
  signal: AbortSignal | undefined,
): Promise<void> {
  const hook = ctx.onReleased;
  if (hook === undefined) return;
  const { outcome, record, restored, pendingOn } = alert;
  const event: ReleasedEvent = {
    tenantId: ctx.tenantId,
    key: outcome.key,
    eventKey: releaseEventKey(ctx.tenantId, outcome.key, restored, alert.at),
    accountId: outcome.accountId,
    userPrincipalName: outcome.userPrincipalName,
    restored,
    record,
    verdict: outcome.verdict,
  };
  try {
    await hook(event);
  } catch (error) {
    ctx.log.error(
      { key: outcome.key, eventKey: event.eventKey, error: summarizeError(error) },
      pendingOn === undefined
        ? "onReleased hook threw; the run continues"
        : "onReleased hook threw; the alert stays pending and a later run calls the hook again",
    );
    return;
  }
  if (pendingOn === undefined) return;
  if (signal?.aborted) {
    ctx.log.info(
      { key: outcome.key },
      "run stopped before clearing releaseAlertPending; a later run alerts again",
    );
    return;
  }
  try {
    const result = await store.update(pendingOn.key, {
      expectedVersion: pendingOn.version,
      autoRotate: pendingOn.autoRotate,
      record: withoutPendingAlert(record),
    });
    if (result.status === "conflict")
      ctx.log.warn(
        { key: outcome.key },
        "account changed meanwhile; releaseAlertPending stays and a later run alerts again if it is still set",
      );
  } catch (error) {
    ctx.log.error(
      { key: outcome.key, error: summarizeError(error) },
      "clearing releaseAlertPending failed; a later run alerts again",
    );
  }
}
