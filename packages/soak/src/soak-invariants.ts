/**
 * The safety invariants a soak checks after every cycle, against ground truth (the fake server's live
 * tenant model, its accepted password changes and its request log) rather than against what the guard
 * says about itself.
 */
import {
  type ExclusionReport,
  type ManagedAccount,
  REASON_CODES,
  ROTATION_EXCLUSION_ACTOR,
  type RoleImportReport,
  type TenantSnapshot,
  type Verdict,
  type VerdictStatus,
} from "@rotation-exclusion/core";
import type { InitialManagedAccount, RotationCycleReport, TenantModel } from "@rotation-exclusion/testing";

/** What went wrong, in a fixed list (the tally counts each; a clean run has none). */
export type SoakViolationKind =
  | "cycle-threw"
  | "rotation-attempted-on-protected"
  | "rotation-succeeded-on-protected"
  | "unprotected-account-excluded"
  | "operator-record-changed"
  | "verdict-mixes-users"
  | "unknown-without-reason"
  | "undecided-after-fault-free-cycle"
  | "store-duplicate"
  | "store-diverged"
  | "memory-grew";

/** One broken invariant, with where and what. */
export interface SoakViolation {
  readonly kind: SoakViolationKind;
  readonly tenantIndex: number;
  readonly cycle: number;
  /** `faulty` (the run under faults) or `twin` (the same tenant, never faulted). */
  readonly side: "faulty" | "twin";
  readonly detail: string;
}

/** A write this cycle that the store accepted. */
export interface RecordedWrite {
  readonly key: string;
  readonly objectId: string | undefined;
  readonly userPrincipalName: string | undefined;
  readonly autoRotate: boolean;
  readonly recordKind: "exclusion" | "pendingVerification" | undefined;
  readonly recordChangedBy: string | undefined;
  /** The record carries `releasedAt`: we say the account is no longer protected. */
  readonly recordReleased: boolean;
}

/** Everything one side did in one cycle. */
export interface SideCycle {
  readonly roleImport: RoleImportReport | undefined;
  readonly exclusion: ExclusionReport | undefined;
  readonly rotation: RotationCycleReport | undefined;
  readonly snapshot: TenantSnapshot | undefined;
  readonly error: unknown;
  readonly writes: readonly RecordedWrite[];
  /** User ids a password change was sent for (from the server's request log). */
  readonly patchedUserIds: readonly string[];
  /** User ids whose password change the server accepted. */
  readonly changedUserIds: readonly string[];
  /** Requests the side's server answered during the cycle. */
  readonly requests: number;
  /** The store after the cycle. */
  readonly accounts: readonly ManagedAccount[];
  /**
   * A read ran out of the patient deadline on a cycle without injected faults: not something the soak
   * injected, so the cycle is not held to "everything decided" (a later clean one is).
   */
  readonly ranOutOfTime: boolean;
}

const UNKNOWN_REASON_CODES: ReadonlySet<string> = new Set(
  REASON_CODES.filter(
    (code) => !["restricted-flag", "unit-member", "rotation-denied-by-unit", "not-restricted"].includes(code),
  ),
);

/** Every verdict a cycle reported: exclusion run, role import and rotation engine. */
export function verdictsOf(cycle: SideCycle): Verdict[] {
  const verdicts: Verdict[] = [];
  const { exclusion, roleImport, rotation } = cycle;
  if (exclusion !== undefined) {
    const lists = [
      exclusion.excluded,
      exclusion.alreadyExcluded,
      exclusion.deferred,
      exclusion.released.newly,
      exclusion.released.still,
      exclusion.restored,
      exclusion.activated,
      exclusion.conflicts,
      exclusion.errors,
    ];
    for (const list of lists) for (const outcome of list) verdicts.push(outcome.verdict);
  }
  if (roleImport !== undefined) {
    const { added } = roleImport;
    const lists = [
      added.rotating,
      added.excluded,
      added.pending,
      roleImport.alreadyManaged,
      roleImport.updated,
    ];
    for (const list of lists) for (const entry of list) verdicts.push(entry.verdict);
  }
  for (const outcome of rotation?.outcomes ?? []) {
    if (outcome.status === "skipped" && outcome.cause === "guard" && outcome.verdict !== null)
      verdicts.push(outcome.verdict);
    if (outcome.status === "failed" && outcome.learned !== null) verdicts.push(outcome.learned);
  }
  return verdicts;
}

/**
 * Verdicts by status for the tally: every account of the exclusion run (not-protected ones are only
 * counted there), every role import entry, and every check the rotation engine made (a rotation that was
 * attempted had a not-protected verdict).
 */
export function countVerdicts(cycle: SideCycle): Record<VerdictStatus, number> {
  const counts: Record<VerdictStatus, number> = { protected: 0, "not-protected": 0, unknown: 0 };
  for (const verdict of verdictsOf(cycle)) counts[verdict.status] += 1;
  counts["not-protected"] += cycle.exclusion?.notProtectedCount ?? 0;
  for (const outcome of cycle.rotation?.outcomes ?? []) {
    if (outcome.status === "rotated" || outcome.status === "failed") counts["not-protected"] += 1;
  }
  return counts;
}

/** True when the guard's snapshot holds positive evidence for the user (flag or unit membership). */
export function snapshotProtects(snapshot: TenantSnapshot | undefined, userId: string): boolean {
  if (snapshot === undefined) return false;
  const id = userId.toLowerCase();
  return snapshot.protectedUsers.has(id) || snapshot.units.some((unit) => unit.members.userIds.includes(id));
}

/** The tenant user an account or write names (by object id, else by UPN), if any. */
export function userIdOf(
  tenant: TenantModel,
  named: { readonly objectId?: string | undefined; readonly userPrincipalName?: string | undefined },
): string | undefined {
  if (named.objectId !== undefined) return named.objectId.toLowerCase();
  const upn = named.userPrincipalName?.toLowerCase();
  if (upn === undefined) return undefined;
  for (const user of tenant.users.values()) if (user.userPrincipalName.toLowerCase() === upn) return user.id;
  return undefined;
}

/** Where a violation happened. */
export interface CycleWhere {
  readonly tenantIndex: number;
  readonly cycle: number;
  readonly side: "faulty" | "twin";
}

/**
 * Checks one side's cycle. `protectedIds` is the ground truth during the cycle (the directory does not
 * change within a cycle); `faultFree` says no fault was active, so everything must have been decided.
 * `operatorOwned`: the accounts an operator turned off by hand, as the operator left them.
 */
export function checkCycle(
  where: CycleWhere,
  tenant: TenantModel,
  protectedIds: ReadonlySet<string>,
  cycle: SideCycle,
  faultFree: boolean,
  operatorOwned: ReadonlyMap<string, InitialManagedAccount> = new Map(),
): SoakViolation[] {
  const violations: SoakViolation[] = [];
  const add = (kind: SoakViolationKind, detail: string) => violations.push({ ...where, kind, detail });
  if (cycle.error !== undefined) {
    const message =
      cycle.error instanceof Error ? `${cycle.error.name}: ${cycle.error.message}` : String(cycle.error);
    add("cycle-threw", message);
  }
  for (const id of new Set(cycle.patchedUserIds)) {
    if (protectedIds.has(id) || snapshotProtects(cycle.snapshot, id))
      add("rotation-attempted-on-protected", `a password change was sent for protected user ${id}`);
  }
  for (const id of cycle.changedUserIds) {
    if (protectedIds.has(id))
      add("rotation-succeeded-on-protected", `the password of protected user ${id} changed`);
  }
  for (const write of cycle.writes) {
    // Our exclusion record without releasedAt claims protection; a released record keeps the toggle as is.
    const claimsProtection =
      write.recordChangedBy === ROTATION_EXCLUSION_ACTOR &&
      write.recordKind === "exclusion" &&
      !write.recordReleased;
    const userId = userIdOf(tenant, write);
    if (claimsProtection && (userId === undefined || !protectedIds.has(userId)))
      add(
        "unprotected-account-excluded",
        `account ${write.key} was excluded (autoRotate ${write.autoRotate}) but is not protected`,
      );
  }
  checkOperatorOwned(cycle, operatorOwned, add);
  for (const verdict of verdictsOf(cycle)) {
    // Rule 9: a verdict names one user; an id and a UPN of two different users mix them.
    const named = verdict.accountId === null ? undefined : tenant.users.get(verdict.accountId.toLowerCase());
    if (
      named !== undefined &&
      verdict.userPrincipalName !== null &&
      named.userPrincipalName.toLowerCase() !== verdict.userPrincipalName.toLowerCase()
    )
      add(
        "verdict-mixes-users",
        `a ${verdict.status} verdict names user ${named.id} and the UPN ${verdict.userPrincipalName} of another`,
      );
    if (verdict.status !== "unknown") continue;
    if (
      !UNKNOWN_REASON_CODES.has(verdict.reasonCode) ||
      typeof verdict.reason !== "string" ||
      verdict.reason === ""
    )
      add(
        "unknown-without-reason",
        `an unknown verdict for ${verdict.accountId ?? verdict.userPrincipalName} has no reason`,
      );
    if (faultFree)
      add(
        "undecided-after-fault-free-cycle",
        `${verdict.accountId ?? verdict.userPrincipalName} is unknown (${verdict.reasonCode}: ${verdict.reason})`,
      );
  }
  if (faultFree) checkSettled(cycle, add);
  checkNoDuplicates(tenant, cycle.accounts, add);
  return violations;
}

/** An operator's choice is never undone (0012, rule 4): no write to their accounts, and they stay as left. */
function checkOperatorOwned(
  cycle: SideCycle,
  operatorOwned: ReadonlyMap<string, InitialManagedAccount>,
  add: (kind: SoakViolationKind, detail: string) => void,
): void {
  for (const write of cycle.writes) {
    if (operatorOwned.has(write.key))
      add(
        "operator-record-changed",
        `account ${write.key}, turned off by an operator, was written (autoRotate ${write.autoRotate}, record by ${write.recordChangedBy ?? "nobody"})`,
      );
  }
  for (const account of cycle.accounts) {
    const left = operatorOwned.get(account.key);
    if (left !== undefined && operatorShape(account) !== operatorShape(left))
      add(
        "operator-record-changed",
        `account ${account.key} is ${operatorShape(account)}, an operator left it ${operatorShape(left)}`,
      );
  }
}

/** What an operator decides about an account: the toggle and the record, compared whole. */
export function operatorShape(account: {
  readonly autoRotate: boolean;
  readonly record?: ManagedAccount["record"];
}): string {
  return `autoRotate=${account.autoRotate} record=${JSON.stringify(account.record ?? null)}`;
}

function checkSettled(cycle: SideCycle, add: (kind: SoakViolationKind, detail: string) => void): void {
  for (const account of cycle.accounts) {
    const record = account.record;
    if (record?.changedBy === ROTATION_EXCLUSION_ACTOR && record.kind === "pendingVerification")
      add("undecided-after-fault-free-cycle", `account ${account.key} is still pending verification`);
  }
  for (const outcome of cycle.rotation?.outcomes ?? []) {
    if (outcome.status === "failed")
      add("undecided-after-fault-free-cycle", `rotating ${outcome.key} failed: ${outcome.failure.message}`);
  }
  if (cycle.exclusion !== undefined && !cycle.exclusion.snapshot.complete)
    add("undecided-after-fault-free-cycle", "the snapshot of a fault-free cycle is incomplete");
  if (cycle.roleImport !== undefined && !cycle.roleImport.complete)
    add("undecided-after-fault-free-cycle", "the role import of a fault-free cycle is incomplete");
}

function checkNoDuplicates(
  tenant: TenantModel,
  accounts: readonly ManagedAccount[],
  add: (kind: SoakViolationKind, detail: string) => void,
): void {
  const seen = new Map<string, string>();
  for (const account of accounts) {
    const userId = userIdOf(tenant, account) ?? `unresolved:${account.key}`;
    const other = seen.get(userId);
    if (other !== undefined)
      add("store-duplicate", `accounts ${other} and ${account.key} both manage user ${userId}`);
    seen.set(userId, account.key);
  }
}

/**
 * The settled state of an account once faults stop, in terms that do not depend on timing: protected
 * accounts are excluded by us; unprotected ones rotate (or, without `restoreReleased`, may stay excluded
 * by us with `releasedAt`, which depends on history, so both read as `unprotected`).
 */
export function settledState(
  account: ManagedAccount,
  isProtected: boolean,
  restoreReleased: boolean,
): string {
  const record = account.record;
  const ours = record?.changedBy === ROTATION_EXCLUSION_ACTOR;
  const shape = `autoRotate=${account.autoRotate} record=${record === undefined ? "none" : `${record.kind}${ours ? "" : `/${record.changedBy}`}${record.releasedAt === undefined ? "" : "/released"}`}`;
  if (isProtected) return `${account.key} protected ${shape}`;
  if (restoreReleased) return `${account.key} unprotected ${shape}`;
  const settled = (account.autoRotate && record === undefined) || (ours && record?.releasedAt !== undefined);
  return `${account.key} unprotected ${settled ? "settled" : shape}`;
}

/** What every account must look like once faults stop (see {@link settledState}). */
export function expectedSettledState(key: string, isProtected: boolean, restoreReleased: boolean): string {
  if (isProtected) return `${key} protected autoRotate=false record=exclusion`;
  return restoreReleased ? `${key} unprotected autoRotate=true record=none` : `${key} unprotected settled`;
}
