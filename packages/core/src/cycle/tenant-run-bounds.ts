/**
 * What bounds one tenant's run inside a cycle: its deadline as a signal, a grace period after which a
 * run that ignores the signal (a store call, a read or a hook that never settles) is given up on, and
 * a count of the writes it issued, which tells `partial` from `deferred`.
 */
import type { AccountStore } from "../ports/account-store.js";
import type { TenantStopCause } from "./exclusion-cycle-report.js";

/**
 * A deadline as an AbortSignal with a typed reason, and a way to clear its timer. Its controller may
 * also be aborted for another reason (the cycle stopping).
 */
export function deadlineSignal(
  ms: number,
  cause: TenantStopCause,
): { signal: AbortSignal; controller: AbortController; clear: () => void } {
  const controller = new AbortController();
  const timer = Number.isFinite(ms) ? setTimeout(() => controller.abort(cause), ms) : undefined;
  return { signal: controller.signal, controller, clear: () => clearTimeout(timer) };
}

/** What {@link afterStopGrace} resolves with once the grace period is over. */
export const GAVE_UP: unique symbol = Symbol("gave-up");

/**
 * Resolves with {@link GAVE_UP} once `signal` has been aborted for `graceMs` (never, with an infinite
 * grace period). `cancel()` clears the timer and the listener, so a settled run leaves nothing behind.
 */
export function afterStopGrace(
  signal: AbortSignal,
  graceMs: number,
): { expired: Promise<typeof GAVE_UP>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const expired = new Promise<typeof GAVE_UP>((resolve) => {
    if (!Number.isFinite(graceMs)) return;
    onAbort = () => {
      timer = setTimeout(() => resolve(GAVE_UP), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return {
    expired,
    cancel: () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  };
}

/** Counts of the writes a tenant's run issued and that have settled (either way). */
export interface WriteCounts {
  issued: number;
  settled: number;
}

/**
 * The tenant's store, counting the writes issued and settled, so that a stopped tenant can be told
 * `partial` (a write may have landed) from `deferred` (none was issued). A store that is not one is
 * passed through untouched for the guard to refuse.
 */
export function countingWrites(store: AccountStore, writes: WriteCounts): AccountStore {
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
