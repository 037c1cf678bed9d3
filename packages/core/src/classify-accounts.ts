/**
 * Classifies a batch of accounts against one snapshot. Accounts known only by UPN are resolved with a
 * single batched `checkUsers` call; everything else is decided from the snapshot alone.
 */

import { checkedUserMismatch, decideVerdict } from "./decide-verdict.js";
import type { AccountRef, UserCheck } from "./directory-reader.js";
import { summarizeError } from "./error-summary.js";
import type { GuardContext } from "./guard-context.js";
import type { TenantSnapshot } from "./tenant-snapshot.js";
import type { Verdict } from "./verdict.js";

/** An account to classify: an id and/or a UPN (both absent when the store holds nothing usable). */
export interface AccountToClassify {
  readonly id?: string | undefined;
  readonly userPrincipalName?: string | undefined;
}

/**
 * One `checkUsers` call, made safe: a reader that throws (other than on abort) or answers the wrong
 * number of checks yields `failed` checks, which can only ever lead to `unknown`; so does a check that
 * answers about another user than the one asked.
 */
export async function checkUsersSafely(
  ctx: GuardContext,
  refs: readonly AccountRef[],
  signal: AbortSignal | undefined,
): Promise<{ readonly checks: readonly UserCheck[]; readonly checkedAtMs: number }> {
  const checkedAtMs = ctx.clock();
  if (refs.length === 0) return { checks: [], checkedAtMs };
  try {
    const checks = await ctx.directory.checkUsers(refs, signal ? { signal } : {});
    if (checks.length === refs.length) return { checks: answeringTheirRefs(ctx, refs, checks), checkedAtMs };
    ctx.log.error(
      { expected: refs.length, received: checks.length },
      "checkUsers answered the wrong number of checks",
    );
    const failure = {
      kind: "bad-response" as const,
      message: "checkUsers answered the wrong number of checks",
    };
    return { checks: refs.map(() => ({ outcome: "failed", failure })), checkedAtMs };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const summary = summarizeError(error);
    ctx.log.error({ error: summary }, "checkUsers threw; the accounts stay undecided");
    const failure = { kind: "unavailable" as const, message: `checkUsers threw ${summary.name}` };
    return { checks: refs.map(() => ({ outcome: "failed", failure })), checkedAtMs };
  }
}

// A found check must be about the user asked for; one about anybody else is a bad answer (it would
// otherwise decide, and let a role import write, this account on another user's flag).
function answeringTheirRefs(
  ctx: GuardContext,
  refs: readonly AccountRef[],
  checks: readonly UserCheck[],
): readonly UserCheck[] {
  let fixed: UserCheck[] | undefined;
  checks.forEach((check, index) => {
    if (check.outcome !== "found") return;
    const message = checkedUserMismatch(refs[index] as AccountRef, check.user);
    if (message === undefined) return;
    ctx.log.error({ asked: refs[index], answeredId: check.user.id }, message);
    fixed ??= [...checks];
    fixed[index] = { outcome: "failed", failure: { kind: "bad-response", message } };
  });
  return fixed ?? checks;
}

/** Decides a verdict for every account, in order. Rejects only with `signal.reason`. */
export async function classifyAccounts(
  ctx: GuardContext,
  snapshot: TenantSnapshot,
  accounts: readonly AccountToClassify[],
  signal: AbortSignal | undefined,
): Promise<Verdict[]> {
  const upnOnly: { index: number; ref: AccountRef }[] = [];
  accounts.forEach((account, index) => {
    if (account.id === undefined && account.userPrincipalName !== undefined) {
      upnOnly.push({ index, ref: { userPrincipalName: account.userPrincipalName } });
    }
  });
  const { checks, checkedAtMs } = await checkUsersSafely(
    ctx,
    upnOnly.map((entry) => entry.ref),
    signal,
  );
  const checkByIndex = new Map<number, UserCheck>();
  upnOnly.forEach((entry, i) => {
    const check = checks[i];
    if (check !== undefined) checkByIndex.set(entry.index, check);
  });
  const lastCompleteAtMs = ctx.refresher.lastCompleteAtMs();
  return accounts.map((account, index) => {
    const check = checkByIndex.get(index);
    const resolvedId = check?.outcome === "found" ? check.user.id : account.id;
    return decideVerdict({
      snapshot,
      account,
      denial: ctx.denials.find({ id: resolvedId, userPrincipalName: account.userPrincipalName }),
      lastCompleteAtMs,
      check,
      checkedAtMs,
    });
  });
}
