/**
 * Verdicts for a batch of accounts known by object id, decided the way `checkProtection` decides one:
 * from the guard's snapshot (re-read when older than `snapshotMaxAgeMs`), then, for the accounts the
 * snapshot cannot decide, from one batched fresh check of their own `isManagementRestricted` flag.
 */

import { checkUsersSafely } from "./classify-accounts.js";
import { decideVerdict, type VerdictInput } from "./decide-verdict.js";
import type { GuardContext } from "./guard-context.js";
import type { TenantSnapshot } from "./tenant-snapshot.js";
import type { Verdict } from "./verdict.js";

/** An account to verify: its Entra object id, and its UPN when known (for remembered denials). */
export interface AccountToVerify {
  readonly id: string;
  readonly userPrincipalName?: string | undefined;
}

/** The snapshot the verdicts were decided on, and one verdict per account in the order given. */
export interface VerifiedAccounts {
  readonly snapshot: TenantSnapshot;
  readonly verdicts: readonly Verdict[];
}

/**
 * Decides a verdict for every account, in order. With `fresh`, the snapshot is re-read first, as an
 * exclusion run does: a decision that is written must not rest on a snapshot minutes old. Rejects only
 * with `signal.reason`.
 */
export async function verifyAccounts(
  ctx: GuardContext,
  accounts: readonly AccountToVerify[],
  signal: AbortSignal | undefined,
  fresh = false,
): Promise<VerifiedAccounts> {
  const snapshot = await ctx.refresher.get({ force: fresh, signal });
  const lastCompleteAtMs = ctx.refresher.lastCompleteAtMs();
  const inputs: VerdictInput[] = accounts.map((account) => ({
    snapshot,
    account,
    denial: ctx.denials.find(account),
    lastCompleteAtMs,
  }));
  const verdicts = inputs.map(decideVerdict);
  if (snapshot.complete) return { snapshot, verdicts };
  // The snapshot could not tell for some accounts: one fresh look at their own flag may. One batched
  // call, however many accounts, so a large import does not turn into one request per user.
  const undecided = verdicts.flatMap((verdict, index) => (verdict.status === "unknown" ? [index] : []));
  const { checks, checkedAtMs } = await checkUsersSafely(
    ctx,
    undecided.map((index) => ({ id: (accounts[index] as AccountToVerify).id })),
    signal,
  );
  undecided.forEach((index, k) => {
    verdicts[index] = decideVerdict({ ...(inputs[index] as VerdictInput), check: checks[k], checkedAtMs });
  });
  return { snapshot, verdicts };
}
