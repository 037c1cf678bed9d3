/**
 * Learns from a failed password change. Graph's 403 `Authorization_RequestDenied` naming a restricted
 * management administrative unit is positive evidence (safety rule 7): remember it and exclude the
 * account. Any other 403, and `Authorization_RequestDenied` with any status, earns one fresh look at the
 * user's flag, and only the flag read as true excludes; anything else changes nothing.
 * See docs/decisions/0003-rmau-write-denial-as-evidence.md.
 */
import { redactSecrets, summarizeError } from "../internal/error-summary.js";
import { isPlainObject } from "../internal/input-checks.js";
import type { AccountStore, ManagedAccount } from "../ports/account-store.js";
import type { AccountRef, RotationFailure } from "../ports/directory-reader.js";
import { deniedVerdict, flaggedVerdict } from "../verdict/decide-verdict.js";
import { checkUsersSafely } from "../verdict/decide-verdicts.js";
import type { RecordedDenial } from "../verdict/denial-memory.js";
import { describesRestrictedManagementDenial } from "../verdict/restricted-management-denial.js";
import { normalizeRotationFailure } from "../verdict/rotation-failure.js";
import type { ProtectedVerdict, Verdict } from "../verdict/verdict.js";
import { planAccount } from "./exclusion-plan.js";
import { accountStoreFor, type GuardContext } from "./guard-context.js";
import { checkListedAccounts } from "./managed-accounts.js";

/**
 * What the host's rotation call threw, as a {@link RotationFailure}: a plain object is read as it is;
 * an error instance is first offered to the directory reader's own `classifyFailure` (it knows its
 * error types), then read the same way. Anything else keeps only its text.
 */
function rotationFailureOf(ctx: GuardContext, failure: unknown): RotationFailure {
  if (!isPlainObject(failure)) {
    try {
      const classified = ctx.directory.classifyFailure?.(failure);
      if (classified !== undefined) return normalizeRotationFailure(classified) ?? {};
    } catch (error) {
      ctx.log.warn({ error: summarizeError(error) }, "classifyFailure threw; reading the error as it is");
    }
  }
  const normalized = normalizeRotationFailure(failure);
  if (normalized !== undefined) return normalized;
  const message =
    typeof failure === "object" && failure !== null && "message" in failure ? failure.message : failure;
  return { message: String(message) };
}

// Lists the whole store: the port has no lookup by id or UPN (see Limits on recordRotationFailure).
async function findManagedAccount(
  ctx: GuardContext,
  store: AccountStore,
  ref: AccountRef,
  signal: AbortSignal | undefined,
) {
  let accounts: readonly ManagedAccount[];
  try {
    // The same checks as an exclusion run: a store listing one object id twice is broken, and writing
    // to whichever copy comes first would leave the other one rotating.
    accounts = checkListedAccounts(await store.list(signal ? { signal } : {}), ctx.tenantId);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    ctx.log.error(
      { error: summarizeError(error) },
      "listing managed accounts failed; the exclusion is not persisted",
    );
    return undefined;
  }
  const id = ref.id?.toLowerCase();
  const upn = ref.userPrincipalName?.toLowerCase();
  return (
    (id === undefined ? undefined : accounts.find((a) => a.objectId?.toLowerCase() === id)) ??
    (upn === undefined ? undefined : accounts.find((a) => a.userPrincipalName?.toLowerCase() === upn))
  );
}

/** Writes the exclusion for one account; on a conflict re-reads once and retries. Never throws. */
async function persistExclusion(
  ctx: GuardContext,
  store: AccountStore,
  found: ManagedAccount | undefined,
  verdict: ProtectedVerdict,
  signal: AbortSignal | undefined,
) {
  let account = found;
  for (let attempt = 0; account !== undefined && attempt < 2; attempt += 1) {
    const action = planAccount(account, verdict, {
      restoreReleased: ctx.restoreReleased,
      now: new Date(ctx.clock()).toISOString(),
    });
    if (!("write" in action) || action.write === undefined) return;
    if (signal?.aborted) return;
    const key = account.key;
    try {
      const result = await store.update(account.key, action.write);
      if (result.status === "written") {
        ctx.log.info(
          { key: account.key, reasonCode: verdict.reasonCode },
          "account excluded after a rotation failure",
        );
        return;
      }
      account = result.current;
    } catch (error) {
      ctx.log.error(
        { key, error: summarizeError(error) },
        "excluding the account failed; the next run retries",
      );
      return;
    }
  }
  if (account !== undefined)
    ctx.log.warn({ key: account.key }, "account kept changing; the next run excludes it");
}

/**
 * The failure as it may be logged and persisted. Only a Graph-origin message (one that came with an
 * HTTP status and a Graph error code) is kept, redacted and capped in length: a host's own error text
 * is arbitrary and may hold the very password it failed to set.
 */
function safeFailure(failure: RotationFailure): RotationFailure {
  const { message, ...rest } = failure;
  const graphOrigin = failure.status !== undefined && failure.code !== undefined;
  return graphOrigin && message ? { ...rest, message: redactSecrets(message) } : rest;
}

/**
 * The body of `RotationGuard.recordRotationFailure` (input already validated).
 *
 * Limits: finding the account to exclude lists the whole store (`AccountStore.list`) once per excluding
 * failure, since the port has no lookup by object id or UPN. Fine while failures are occasional; a host
 * whose every rotation in a large store fails pays one full listing each.
 */
export async function recordRotationFailure(
  ctx: GuardContext,
  ref: AccountRef,
  failure: unknown,
  signal: AbortSignal | undefined,
  checkProtection: () => Promise<Verdict>,
): Promise<Verdict> {
  const store = accountStoreFor(ctx, "recordRotationFailure");
  const normalized = rotationFailureOf(ctx, failure);
  const logged = safeFailure(normalized);
  const base = { accountId: ref.id ?? null, userPrincipalName: ref.userPrincipalName ?? null };

  if (describesRestrictedManagementDenial(normalized)) {
    const observedAtMs = ctx.clock();
    const denial: RecordedDenial = { observedAtMs, failure: logged };
    ctx.denials.remember(ref, denial);
    const account = await findManagedAccount(ctx, store, ref, signal);
    // The store may know the id of an account the host named by UPN: remember the denial under it too.
    if (account !== undefined)
      ctx.denials.remember({ id: account.objectId, userPrincipalName: account.userPrincipalName }, denial);
    // The snapshot already in memory may list the user with isManagementRestricted: true; that costs
    // nothing to consult and corroborates the denial with a documented property (0001), so it is kept
    // alongside. No extra directory read is made here.
    const snapshot = ctx.refresher.current();
    const flagged = [ref.id, account?.objectId].some(
      (id) => id !== undefined && snapshot?.protectedUsers.has(id.toLowerCase()) === true,
    );
    const verdict = deniedVerdict(
      base,
      denial,
      flagged && snapshot ? [{ kind: "restricted-flag", observedAt: snapshot.protectedSetObservedAt }] : [],
    );
    ctx.log.warn(
      { accountId: base.accountId, failure: logged },
      "rotation denied by a restricted unit; excluding the account",
    );
    await persistExclusion(ctx, store, account, verdict, signal);
    return verdict;
  }

  // Any other refusal (a 403, or Authorization_RequestDenied with whatever status, such as a 403 that
  // links Microsoft's restricted-unit page without naming the unit) earns one fresh look at the user's
  // own flag. The refusal itself is never remembered nor persisted: only the flag read as true excludes.
  if (normalized.status === 403 || normalized.code?.toLowerCase() === "authorization_requestdenied") {
    const { checks, checkedAtMs } = await checkUsersSafely(ctx, [ref], signal);
    const check = checks[0];
    const observedAt = new Date(checkedAtMs).toISOString();
    if (check?.outcome === "found" && check.isManagementRestricted === true) {
      const verdict = flaggedVerdict(
        {
          accountId: check.user.id.toLowerCase(),
          userPrincipalName: base.userPrincipalName ?? check.user.userPrincipalName,
        },
        observedAt,
      );
      ctx.log.warn(
        { accountId: verdict.accountId, failure: logged },
        "rotation denied; the user is restricted; excluding the account",
      );
      const account = await findManagedAccount(ctx, store, { ...ref, id: check.user.id }, signal);
      await persistExclusion(ctx, store, account, verdict, signal);
      return verdict;
    }
    const notRestricted = check?.outcome === "found" && check.isManagementRestricted === false;
    ctx.log.warn(
      { accountId: base.accountId, failure: logged, flagRead: notRestricted },
      notRestricted
        ? "rotation denied, but the account is in no restricted unit"
        : "rotation denied, and the account's own flag could not be read",
    );
    const denied = `The password change was denied (${normalized.status ?? "no status"} ${normalized.code ?? "no code"})`;
    return {
      ...base,
      ...(check?.outcome === "found" ? { accountId: check.user.id.toLowerCase() } : {}),
      status: "unknown",
      reasonCode: "permission-missing",
      reason: notRestricted
        ? `${denied} but the account is in no restricted management administrative unit: the app likely lacks a role or permission for this user`
        : `${denied} and a fresh read of the user could not tell whether a restricted management administrative unit protects it`,
      evidence: [],
      unitIds: [],
      observedAt,
    };
  }

  return checkProtection();
}
