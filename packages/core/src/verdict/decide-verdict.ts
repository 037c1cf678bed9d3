/**
 * The verdict rules, as one pure function of the snapshot, the account, a remembered rotation denial
 * and an optional fresh per-user check: the steps of docs/decisions/0012-safety-rules.md in order.
 * Membership is never transitive: only *user* members of a restricted unit count; a group in the unit
 * protects nobody. Callers go through `decideVerdicts`, which gathers the checks and denials.
 */
import { describeValue } from "../internal/input-checks.js";
import type { DirectoryFailure, DirectoryUser, UserCheck } from "../ports/directory-reader.js";
import type { SnapshotUnit, TenantSnapshot } from "../snapshot/tenant-snapshot.js";
import { unknownReasonFor } from "../snapshot/tenant-snapshot.js";
import type { AccountToDecide } from "./account-to-decide.js";
import type { RecordedDenial } from "./denial-memory.js";
import type { Evidence, ProtectedVerdict, UnknownReasonCode, Verdict } from "./verdict.js";

/** Everything one verdict depends on. */
export interface VerdictInput {
  readonly snapshot: TenantSnapshot;
  readonly account: AccountToDecide;
  /** A remembered denial for this account, if any. */
  readonly denial?: RecordedDenial | undefined;
  /** When the reads of the last complete snapshot started (ms), if there ever was one. */
  readonly lastCompleteAtMs?: number | undefined;
  /** A fresh per-user check of this account (UPN resolution, or the second look of `checkProtection`). */
  readonly check?: UserCheck | undefined;
  /** When the check was made (ms); defaults to the protected set's read time. */
  readonly checkedAtMs?: number | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

// Built once per snapshot: an exclusion run decides every managed account against the same snapshot,
// and scanning every unit's member list per account grows as accounts x members.
interface SnapshotIndex {
  /** Restricted units by user member id. */
  readonly unitsByMember: ReadonlyMap<string, readonly SnapshotUnit[]>;
  /** Restricted units by the id of a member whose type is missing or not a user, group or device. */
  readonly unitsByUntypedMember: ReadonlyMap<string, readonly SnapshotUnit[]>;
  /**
   * Every id the snapshot names as possibly protected: the protected set, every unit's user members, and
   * every member of unknown type (which may be a user).
   */
  readonly namedUserIds: ReadonlySet<string>;
}

function byMember(snapshot: TenantSnapshot, ids: (unit: SnapshotUnit) => readonly string[]) {
  const units = new Map<string, SnapshotUnit[]>();
  for (const unit of snapshot.units) {
    for (const memberId of ids(unit)) {
      const listed = units.get(memberId);
      if (listed === undefined) units.set(memberId, [unit]);
      else if (listed[listed.length - 1] !== unit) listed.push(unit);
    }
  }
  return units;
}

const indexes = new WeakMap<TenantSnapshot, SnapshotIndex>();

function indexOf(snapshot: TenantSnapshot): SnapshotIndex {
  let index = indexes.get(snapshot);
  if (index === undefined) {
    const unitsByMember = byMember(snapshot, (unit) => unit.members.userIds);
    const unitsByUntypedMember = byMember(snapshot, (unit) => unit.members.otherIds);
    const namedUserIds = new Set([
      ...snapshot.protectedUsers.keys(),
      ...unitsByMember.keys(),
      ...unitsByUntypedMember.keys(),
    ]);
    index = { unitsByMember, unitsByUntypedMember, namedUserIds };
    indexes.set(snapshot, index);
  }
  return index;
}

function unitsOf(snapshot: TenantSnapshot, userId: string): readonly SnapshotUnit[] {
  return indexOf(snapshot).unitsByMember.get(userId) ?? [];
}

/**
 * Every id the snapshot names as possibly protected: the protected set, every restricted unit's user
 * members, and its members of unknown type.
 */
export function namedUserIds(snapshot: TenantSnapshot): ReadonlySet<string> {
  return indexOf(snapshot).namedUserIds;
}

/**
 * The verdict of Entra's own flag (step 1): protected because the user reads
 * `isManagementRestricted: true`, with the units the snapshot lists the user in as further evidence.
 * Built here for the snapshot's protected set and a fresh per-user check, and by
 * `recordRotationFailure` for the check a plain 403 earns, so all three read the same.
 */
export function flaggedVerdict(
  account: { readonly accountId: string; readonly userPrincipalName: string | null },
  observedAt: string,
  units: readonly Evidence[] = [],
): ProtectedVerdict {
  return {
    accountId: account.accountId,
    userPrincipalName: account.userPrincipalName,
    status: "protected",
    reasonCode: "restricted-flag",
    reason:
      "Entra reports isManagementRestricted: true (the user is in a restricted management administrative unit)",
    evidence: [{ kind: "restricted-flag", observedAt }, ...units],
    unitIds: units.flatMap((e) => (e.kind === "unit-member" ? [e.unitId] : [])),
    observedAt,
  };
}

/**
 * The verdict a password change denied by a restricted unit gives (rule 7): protected, with the denial
 * as evidence, followed by any corroborating evidence. Built here for a remembered denial and by
 * `recordRotationFailure` for one just observed, so both read the same.
 */
export function deniedVerdict(
  account: { readonly accountId: string | null; readonly userPrincipalName: string | null },
  denial: RecordedDenial,
  corroboration: readonly Evidence[] = [],
): ProtectedVerdict {
  const observedAt = iso(denial.observedAtMs);
  const { failure } = denial;
  return {
    accountId: account.accountId,
    userPrincipalName: account.userPrincipalName,
    status: "protected",
    reasonCode: "rotation-denied-by-unit",
    reason: "A password change was denied because the user is in a restricted management administrative unit",
    evidence: [
      {
        kind: "rotation-denied",
        message: failure.message ?? "",
        status: failure.status ?? null,
        code: failure.code ?? null,
        requestId: failure.requestId ?? null,
        observedAt,
      },
      ...corroboration,
    ],
    unitIds: [],
    observedAt,
  };
}

/**
 * Why a check's user is not the account that was asked about, or `undefined` when it is: the object id
 * must match (any letter case) when the account has one, else the UPN must match when the directory
 * names one. An answer about someone else must never decide this account (rule 9: a role import once
 * imported X with `autoRotate: true` on Y's flag).
 */
export function checkedUserMismatch(account: AccountToDecide, user: DirectoryUser): string | undefined {
  if (account.id !== undefined) {
    if (user.id.toLowerCase() === account.id.toLowerCase()) return undefined;
    return `The per-user check for ${account.id} answered about another object, ${describeValue(user.id)}`;
  }
  const asked = account.userPrincipalName;
  const named = user.userPrincipalName;
  if (asked === undefined || named === null || named.toLowerCase() === asked.toLowerCase()) return undefined;
  return `The per-user check for ${describeValue(asked)} answered about another user, ${describeValue(named)}`;
}

/** Decides one account's verdict: steps 1 to 5 of docs/decisions/0012-safety-rules.md, in order. */
export function decideVerdict(input: VerdictInput): Verdict {
  const { snapshot, check } = input;
  let id = input.account.id?.toLowerCase();
  let userPrincipalName = input.account.userPrincipalName;
  // Formatted only when a verdict needs it: most verdicts of a run never do.
  let checkedAtText: string | undefined;
  const checkedAt = () =>
    (checkedAtText ??=
      input.checkedAtMs === undefined ? snapshot.protectedSetObservedAt : iso(input.checkedAtMs));
  let checkFailure: { reasonCode: UnknownReasonCode; reason: string } | undefined;
  let flagReadFalse = false;

  const mismatch = check?.outcome === "found" ? checkedUserMismatch(input.account, check.user) : undefined;
  if (check?.outcome === "found" && mismatch === undefined) {
    id = check.user.id.toLowerCase();
    userPrincipalName ??= check.user.userPrincipalName ?? undefined;
    flagReadFalse = check.isManagementRestricted === false;
  } else if (check !== undefined) {
    // A check about another user is a bad answer: it says nothing about this account.
    const f: DirectoryFailure =
      check.outcome === "failed" ? check.failure : { kind: "bad-response", message: `${mismatch}` };
    checkFailure = {
      reasonCode: f.kind === "not-found" ? "not-found" : unknownReasonFor(f.kind),
      reason: `The per-user check failed (${f.kind}${f.status === undefined ? "" : ` ${f.status}`}): ${f.message}`,
    };
    if (id === undefined && userPrincipalName !== undefined) {
      // The check could not resolve the UPN, but the protected set names users by UPN too: positive
      // evidence found there still protects the account.
      const wanted = userPrincipalName.toLowerCase();
      for (const [protectedId, user] of snapshot.protectedUsers) {
        if (user.userPrincipalName?.toLowerCase() === wanted) id = protectedId;
      }
    }
  }

  // Fields are copied one by one below, not spread: V8 clones a spread object slowly in this hot path
  // (an exclusion run decides every managed account; 100,000 accounts went from ~600 to ~25 ms).
  const base = { accountId: id ?? null, userPrincipalName: userPrincipalName ?? null };
  if (id === undefined) {
    return {
      accountId: base.accountId,
      userPrincipalName: base.userPrincipalName,
      status: "unknown",
      reasonCode: checkFailure?.reasonCode ?? "not-found",
      reason: checkFailure?.reason ?? "The account's object id could not be resolved",
      evidence: [],
      unitIds: [],
      observedAt: checkedAt(),
    };
  }

  const unitEvidence = (onlyReadable: boolean): Evidence[] =>
    unitsOf(snapshot, id)
      .filter((unit) => !onlyReadable || unit.readable)
      .map((unit) => ({
        kind: "unit-member",
        unitId: unit.id,
        unitDisplayName: unit.displayName,
        observedAt: snapshot.unitEvidenceObservedAt,
      }));
  const unitIdsOf = (evidence: readonly Evidence[]) =>
    evidence.flatMap((e) => (e.kind === "unit-member" ? [e.unitId] : []));

  // Step 1 (rule 1): Entra itself says the user is management-restricted, in the protected set or in a
  // fresh read of the user's own flag.
  if (
    snapshot.protectedUsers.has(id) ||
    (check?.outcome === "found" && mismatch === undefined && check.isManagementRestricted === true)
  ) {
    const fromCheck = !snapshot.protectedUsers.has(id);
    const observedAt = fromCheck ? checkedAt() : snapshot.protectedSetObservedAt;
    return flaggedVerdict(
      { accountId: id, userPrincipalName: base.userPrincipalName },
      observedAt,
      unitEvidence(true),
    );
  }

  // Step 2 (rules 1 and 3): listed as a user member of a restricted unit; a partial page still is positive
  // evidence. Not after a broken round of change tracking: the lost pages may have removed the member.
  const membership = unitEvidence(false);
  if (membership.length > 0 && !snapshot.unitChangesBroken) {
    return {
      accountId: base.accountId,
      userPrincipalName: base.userPrincipalName,
      status: "protected",
      reasonCode: "unit-member",
      reason: `The user is a direct member of restricted management administrative unit ${unitIdsOf(membership).join(", ")}`,
      evidence: membership,
      unitIds: unitIdsOf(membership),
      observedAt: snapshot.unitEvidenceObservedAt,
    };
  }

  // Step 3 (rule 7): a write was denied by a unit after the last complete snapshot; newer than anything that
  // could contradict it. Same millisecond counts as newer: when in doubt, do not rotate.
  const { denial, lastCompleteAtMs } = input;
  if (denial !== undefined && (lastCompleteAtMs === undefined || denial.observedAtMs >= lastCompleteAtMs)) {
    return deniedVerdict(base, denial);
  }

  // A restricted unit lists this id with a type that is not a user, group or device (or with none): the
  // unit may protect it, so nothing here may say it does not (rules 1 and 2).
  const untyped = indexOf(snapshot).unitsByUntypedMember.get(id);
  if (untyped !== undefined) {
    const unitIds = untyped.map((unit) => unit.id);
    return {
      accountId: base.accountId,
      userPrincipalName: base.userPrincipalName,
      status: "unknown",
      reasonCode: "bad-response",
      reason: `Restricted management administrative unit ${unitIds.join(", ")} lists this object with a type that is not a user, group or device (or with no type), so the unit may protect it; it cannot be decided until the directory names its type`,
      evidence: [],
      unitIds,
      observedAt: snapshot.unitEvidenceObservedAt,
    };
  }

  // Step 4 (rule 2): only a complete read (or a fresh read of this user's own flag) may say "not protected";
  // after a broken round of change tracking nothing may (decision 0016: release needs a complete round).
  if ((snapshot.complete || flagReadFalse) && !snapshot.unitChangesBroken) {
    const viaCheck = !snapshot.complete;
    return {
      accountId: base.accountId,
      userPrincipalName: base.userPrincipalName,
      status: "not-protected",
      reasonCode: "not-restricted",
      reason: viaCheck
        ? "A fresh read of the user shows isManagementRestricted: false"
        : snapshot.primarySignal === "available"
          ? "A complete read of restricted users does not include this user"
          : "A complete read of every restricted unit does not list this user",
      evidence: [],
      unitIds: [],
      observedAt: viaCheck
        ? checkedAt()
        : snapshot.primarySignal === "available"
          ? snapshot.protectedSetObservedAt
          : snapshot.unitEvidenceObservedAt,
    };
  }

  // Step 5 (rule 6): we cannot tell; say why.
  const cause = checkFailure ?? snapshot.incompleteCause;
  const unitIds =
    snapshot.incompleteCause?.unitId === undefined || checkFailure
      ? unitIdsOf(membership)
      : [snapshot.incompleteCause.unitId];
  return {
    accountId: base.accountId,
    userPrincipalName: base.userPrincipalName,
    status: "unknown",
    reasonCode: cause?.reasonCode ?? "snapshot-incomplete",
    reason: cause?.reason ?? "The tenant snapshot is incomplete",
    evidence: [],
    unitIds,
    observedAt: checkFailure ? checkedAt() : snapshot.protectedSetObservedAt,
  };
}
