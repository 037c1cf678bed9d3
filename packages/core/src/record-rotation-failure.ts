/**
 * Learns from a failed password change. Graph's 403 `Authorization_RequestDenied` naming a restricted
 * management administrative unit is positive evidence: remember it and exclude the account. Another 403
 * earns one fresh look at the user's flag; anything else (including any failure without a status)
 * changes nothing. See docs/decisions/0003-rmau-write-denial-as-evidence.md.
 */
import type { ManagedAccount } from "./account-store.js";
import { checkUsersSafely } from "./classify-accounts.js";
import { deniedVerdict, type RecordedDenial } from "./decide-verdict.js";
import type { AccountRef, RotationFailure } from "./directory-reader.js";
import { redactSecrets, summarizeError } from "./error-summary.js";
import { planAccount } from "./exclusion-plan.js";
import type { GuardContext } from "./guard-context.js";
import { checkListedAccounts } from "./listed-accounts.js";
import { describesRestrictedManagementDenial } from "./restricted-management-denial.js";
import type { ProtectedVerdict, Verdict } from "./verdict.js";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Only these four fields ever leave this function: the raw failure may hold request headers.
function pickFailure(value: Record<string, unknown> | RotationFailure): RotationFailure {
  const { status, code, message, requestId } = value as Record<string, unknown>;
  return {
    ...(typeof status === "number" ? { status } : {}),
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof message === "string" ? { message } : {}),
    ...(typeof requestId === "string" ? { requestId } : {}),
  };
}

/** Normalizes what the host's rotation call threw into a {@link RotationFailure}. */
export function normalizeRotationFailure(ctx: GuardContext, failure: unknown): RotationFailure {
  if (
    isPlainObject(failure) &&
    (typeof failure.status === "number" ||
      typeof failure.code === "string" ||
      typeof failure.message === "string")
  ) {
    return pickFailure(failure);
  }
  try {
    const classified = ctx.directory.classifyFailure?.(failure);
    if (classified !== undefined) return pickFailure(classified);
  } catch (error) {
    ctx.log.warn({ error: summarizeError(error) }, "classifyFailure threw; using the error's message");
  }
  const message =
    typeof failure === "object" && failure !== null && "message" in failure ? failure.message : failure;
  return { message: String(message) };
}

// Lists the whole store: the port has no lookup by id or UPN (see Limits on recordRotationFailure).
async function findManagedAccount(ctx: GuardContext, ref: AccountRef, signal: AbortSignal | undefined) {
  let accounts: readonly ManagedAccount[];
  try {
    // The same checks as an exclusion run: a store listing one object id twice is broken, and writing
    // to whichever copy comes first would leave the other one rotating.
    accounts = checkListedAccounts(await ctx.accounts.list(signal ? { signal } : {}), ctx.tenantId);
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
      const result = await ctx.accounts.update(account.key, action.write);
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
  const normalized = normalizeRotationFailure(ctx, failure);
  const logged = safeFailure(normalized);
  const base = { accountId: ref.id ?? null, userPrincipalName: ref.userPrincipalName ?? null };

  if (describesRestrictedManagementDenial(normalized)) {
    const observedAtMs = ctx.clock();
    const denial: RecordedDenial = { observedAtMs, failure: logged };
    ctx.denials.remember(ref, denial);
    const account = await findManagedAccount(ctx, ref, signal);
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
    await persistExclusion(ctx, account, verdict, signal);
    return verdict;
  }

  if (normalized.status === 403) {
    const { checks, checkedAtMs } = await checkUsersSafely(ctx, [ref], signal);
    const check = checks[0];
    const observedAt = new Date(checkedAtMs).toISOString();
    if (check?.outcome === "found" && check.isManagementRestricted === true) {
      const verdict: ProtectedVerdict = {
        accountId: check.user.id.toLowerCase(),
        userPrincipalName: base.userPrincipalName ?? check.user.userPrincipalName,
        status: "protected",
        reasonCode: "restricted-flag",
        reason:
          "Entra reports isManagementRestricted: true (the user is in a restricted management administrative unit)",
        evidence: [{ kind: "restricted-flag", observedAt }],
        unitIds: [],
        observedAt,
      };
      ctx.log.warn(
        { accountId: verdict.accountId, failure: logged },
        "rotation denied; the user is restricted; excluding the account",
      );
      const account = await findManagedAccount(ctx, { ...ref, id: check.user.id }, signal);
      await persistExclusion(ctx, account, verdict, signal);
      return verdict;
    }
    ctx.log.warn(
      { accountId: base.accountId, failure: logged },
      "rotation denied, but the account is in no restricted unit",
    );
    return {
      ...base,
      ...(check?.outcome === "found" ? { accountId: check.user.id.toLowerCase() } : {}),
      status: "unknown",
      reasonCode: "permission-missing",
      reason:
        "The password change was denied (403) but the account is in no restricted management administrative unit: the app likely lacks a role or permission for this user",
      evidence: [],
      unitIds: [],
      observedAt,
    };
  }

  return checkProtection();
}
