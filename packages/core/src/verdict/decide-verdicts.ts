/**
 * The one way a verdict is decided. Every caller (`checkProtection`, an exclusion run, a role import)
 * passes its accounts through {@link decideVerdicts}: accounts named only by UPN are resolved with one
 * batched per-user check, every account is decided by the rules of `decide-verdict.ts` against the same
 * snapshot, and, when asked, the accounts the snapshot cannot decide get one more batched look at their
 * own `isManagementRestricted` flag. See docs/decisions/0012-safety-rules.md.
 */
import { summarizeError } from "../internal/error-summary.js";
import { describeValue } from "../internal/input-checks.js";
import type { AccountRef, DirectoryReader, UserCheck } from "../ports/directory-reader.js";
import type { Logger } from "../ports/logger.js";
import type { TenantSnapshot } from "../snapshot/tenant-snapshot.js";
import type { AccountToDecide } from "./account-to-decide.js";
import { checkedUserMismatch, decideVerdict, namedUserIds } from "./decide-verdict.js";
import type { DenialMemory } from "./denial-memory.js";
import type { Verdict } from "./verdict.js";

/** What deciding needs besides the snapshot and the accounts. */
export interface VerdictSources {
  /** The per-user look (UPN resolution and the second look). */
  readonly directory: Pick<DirectoryReader, "checkUsers">;
  readonly denials: DenialMemory;
  /** When the reads of the last complete snapshot started (ms since the epoch), if there ever was one. */
  lastCompleteAtMs(): number | undefined;
  readonly clock: () => number;
  readonly log: Logger;
  /**
   * UPNs resolved to object ids, per snapshot (lower-case UPN to lower-case id), so that a host that
   * names accounts by UPN pays the lookup once per snapshot, not once per check. Absent: no cache.
   */
  readonly resolvedUpns?: WeakMap<TenantSnapshot, Map<string, string>> | undefined;
}

/** How {@link decideVerdicts} decides. */
export interface DecideOptions {
  /**
   * Give each account with an object id that the snapshot leaves `unknown` one fresh look at its own
   * flag (one batched call for all of them). `checkProtection` and role imports do; an exclusion run
   * does not, and defers such accounts to the next run (safety rule 6).
   */
  readonly secondLook: boolean;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One `checkUsers` call, made safe: a reader that throws (other than on abort) or answers the wrong
 * number of checks yields `failed` checks, which can only ever lead to `unknown`; so does a check that
 * answers about another user than the one asked (safety rule 9).
 */
export async function checkUsersSafely(
  sources: VerdictSources,
  refs: readonly AccountRef[],
  signal: AbortSignal | undefined,
): Promise<{ readonly checks: readonly UserCheck[]; readonly checkedAtMs: number }> {
  const checkedAtMs = sources.clock();
  if (refs.length === 0) return { checks: [], checkedAtMs };
  const failedAll = (kind: "bad-response" | "unavailable", message: string) => ({
    checks: refs.map((): UserCheck => ({ outcome: "failed", failure: { kind, message } })),
    checkedAtMs,
  });
  let checks: readonly UserCheck[];
  try {
    checks = await sources.directory.checkUsers(refs, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const summary = summarizeError(error);
    sources.log.error({ error: summary }, "checkUsers threw; the accounts stay undecided");
    return failedAll("unavailable", `checkUsers threw ${summary.name}`);
  }
  if (checks.length !== refs.length) {
    sources.log.error(
      { expected: refs.length, received: checks.length },
      "checkUsers answered the wrong number of checks",
    );
    return failedAll("bad-response", "checkUsers answered the wrong number of checks");
  }
  return { checks: answeringTheirRefs(sources, refs, checks), checkedAtMs };
}

// A found check must be about the user asked for; one about anybody else is a bad answer (it would
// otherwise decide, and let a role import write, this account on another user's flag).
function answeringTheirRefs(
  sources: VerdictSources,
  refs: readonly AccountRef[],
  checks: readonly UserCheck[],
): readonly UserCheck[] {
  let fixed: UserCheck[] | undefined;
  checks.forEach((check, index) => {
    if (check.outcome !== "found") return;
    const message = checkedUserMismatch(refs[index] as AccountRef, check.user);
    if (message === undefined) return;
    sources.log.error({ asked: refs[index], answeredId: check.user.id }, message);
    fixed ??= [...checks];
    fixed[index] = { outcome: "failed", failure: { kind: "bad-response", message } };
  });
  return fixed ?? checks;
}

/**
 * Decides a verdict for every account, in order, against one snapshot. Rejects only with
 * `signal.reason`: a directory that fails makes verdicts `unknown`, never an error.
 *
 * @example
 * const [verdict] = await decideVerdicts(ctx, snapshot, [{ id }], { secondLook: true, signal });
 */
export async function decideVerdicts(
  sources: VerdictSources,
  snapshot: TenantSnapshot,
  accounts: readonly AccountToDecide[],
  options: DecideOptions,
): Promise<Verdict[]> {
  const { signal } = options;
  const lastCompleteAtMs = sources.lastCompleteAtMs();
  const decide = (account: AccountToDecide, check?: UserCheck, checkedAtMs?: number): Verdict => {
    // A UPN-only account is looked up under the object id its check resolved, too.
    const resolvedId = check?.outcome === "found" ? check.user.id : account.id;
    const denial = sources.denials.isEmpty()
      ? undefined
      : sources.denials.find(
          resolvedId === undefined
            ? account
            : { id: resolvedId, userPrincipalName: account.userPrincipalName },
        );
    return decideVerdict({ snapshot, account, denial, lastCompleteAtMs, check, checkedAtMs });
  };

  // Accounts named only by UPN have no object id to find in the snapshot: resolve them first, from the
  // snapshot's cache when an earlier check already did.
  const resolved = upnsResolvedFor(sources, snapshot);
  const upnOnly: number[] = [];
  const named = accounts.map((account, index): AccountToDecide => {
    if (account.userPrincipalName === undefined) return account;
    const upn = account.userPrincipalName.toLowerCase();
    const cached = resolved?.get(upn);
    if (account.id !== undefined) {
      // The host names this UPN with another object id: the cached answer is stale.
      if (cached !== undefined && cached !== account.id.toLowerCase()) resolved?.delete(upn);
      return account;
    }
    if (cached !== undefined) return { id: cached, userPrincipalName: account.userPrincipalName };
    upnOnly.push(index);
    return account;
  });
  const resolution = await checkUsersSafely(
    sources,
    upnOnly.map((index) => named[index] as AccountRef),
    signal,
  );
  const checkOf = new Map(upnOnly.map((index, k) => [index, resolution.checks[k]]));
  for (const [index, check] of checkOf) {
    const upn = named[index]?.userPrincipalName;
    if (check?.outcome === "found" && upn !== undefined)
      resolved?.set(upn.toLowerCase(), check.user.id.toLowerCase());
  }
  const verdicts = named.map((account, index) =>
    decide(account, checkOf.get(index), checkOf.has(index) ? resolution.checkedAtMs : undefined),
  );
  if (!options.secondLook || snapshot.complete) return verdicts;

  // The snapshot could not tell for some accounts: one fresh look at their own flag may. One batched
  // call, however many accounts, so a large import does not turn into one request per user.
  const undecided = verdicts.flatMap((verdict, index) =>
    verdict.status === "unknown" && !checkOf.has(index) && named[index]?.id !== undefined ? [index] : [],
  );
  const secondLook = await checkUsersSafely(
    sources,
    undecided.map((index) => named[index] as AccountRef),
    signal,
  );
  undecided.forEach((index, k) => {
    const account = named[index] as AccountToDecide;
    let check = secondLook.checks[k];
    // An id taken from the cache must still carry the UPN the host named; if the directory now gives
    // that object another UPN, the cached answer is stale: forget it, and decide nothing on it.
    const asked = accounts[index]?.userPrincipalName;
    if (accounts[index]?.id === undefined && asked !== undefined && check?.outcome === "found") {
      const now = check.user.userPrincipalName;
      if (now !== null && now.toLowerCase() !== asked.toLowerCase()) {
        resolved?.delete(asked.toLowerCase());
        const message = `The object ${account.id} resolved for ${describeValue(asked)} is now named ${describeValue(now)}`;
        sources.log.warn({ asked, answeredId: check.user.id }, message);
        check = { outcome: "failed", failure: { kind: "bad-response", message } };
      }
    }
    verdicts[index] = decide(account, check, secondLook.checkedAtMs);
  });
  return verdicts;
}

/** The UPN cache of this snapshot, made on first use; `undefined` without a cache. */
function upnsResolvedFor(sources: VerdictSources, snapshot: TenantSnapshot): Map<string, string> | undefined {
  const cache = sources.resolvedUpns;
  if (cache === undefined) return undefined;
  let resolved = cache.get(snapshot);
  if (resolved === undefined) {
    resolved = new Map();
    cache.set(snapshot, resolved);
  }
  return resolved;
}

/**
 * A test, for the bulk of a run's accounts, that {@link decideVerdicts} would answer `not-protected`
 * from the snapshot alone: the snapshot is complete, names the user nowhere (neither in the protected
 * set nor as a member of any restricted unit) and no denial is remembered for the account. Lets a run
 * count such accounts without building a verdict each (100,000 accounts a run); the property test
 * `verdict-paths.property.test.ts` holds it to the full decision. `undefined` when the snapshot is
 * incomplete: nothing is plainly not protected then.
 */
export function plainlyNotProtected(
  sources: Pick<VerdictSources, "denials">,
  snapshot: TenantSnapshot,
): ((id: string, userPrincipalName: string | undefined) => boolean) | undefined {
  if (!snapshot.complete) return undefined;
  const named = namedUserIds(snapshot);
  const { denials } = sources;
  if (denials.isEmpty()) return (id) => !named.has(id);
  return (id, userPrincipalName) => !named.has(id) && denials.find({ id, userPrincipalName }) === undefined;
}
