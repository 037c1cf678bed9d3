/**
 * The report of `applyRoleImport()`: every account of the plan lands in exactly one list (added,
 * already managed, updated, deferred, conflicts or errors); non-user holders are listed as skipped.
 */
import type { AutoRotateRecord, ManagedAccount } from "../ports/account-store.js";
import type { Finding } from "../snapshot/finding.js";
import type { Verdict } from "../verdict/verdict.js";
import type { RoleImportOther } from "./plan-role-import.js";

/** One account of an applied (or dry-run) role import. */
export interface RoleImportEntry {
  readonly objectId: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
  /** The store's key, when the account is (or would be) in the store; `null` when unknown. */
  readonly key: string | null;
  /** The verdict the import acted on: re-decided when the plan is applied. */
  readonly verdict: Verdict;
  /** The toggle after the import: as written, as it would be written (dry run), or as the store holds it. */
  readonly autoRotate: boolean;
  readonly record: AutoRotateRecord | null;
}

/** An already managed account carrying our `pendingVerification` record that the import decided. */
export interface RoleImportUpdate extends RoleImportEntry {
  /** `excluded`: now protected, converted to an exclusion. `activated`: now not protected, turned on. */
  readonly outcome: "excluded" | "activated";
}

/**
 * A write refused because the store holds the account already (add) or it changed meanwhile (update),
 * or not attempted because the store gives the holder's UPN to another object id (`reason` says so).
 */
export interface RoleImportConflict extends RoleImportEntry {
  readonly current: ManagedAccount | undefined;
  /**
   * Why the account was not written, when the store refused nothing: set when the store's account with
   * this UPN belongs to another object id (a UPN reused after its first owner was deleted).
   */
  readonly reason?: string | undefined;
}

/** A write that threw. */
export interface RoleImportError extends RoleImportEntry {
  /** What failed, redacted of anything token-like. */
  readonly message: string;
}

/** The result of `applyRoleImport()`. */
export interface RoleImportReport {
  readonly tenantId: string;
  readonly dryRun: boolean;
  /** True when the caller's signal aborted during the writes; unwritten accounts are in `deferred`. */
  readonly aborted: boolean;
  /** The plan was complete, and every account was written, found managed, or refused by a conflict. */
  readonly complete: boolean;
  /** Accounts added to the store, by how they arrived. */
  readonly added: {
    /** Not protected (a complete read, or a fresh read of the user's flag): rotation on. */
    readonly rotating: readonly RoleImportEntry[];
    /** Protected: rotation off, with our exclusion record. */
    readonly excluded: readonly RoleImportEntry[];
    /** Could not tell: rotation off, with our `pendingVerification` record. */
    readonly pending: readonly RoleImportEntry[];
  };
  /** Accounts the store manages already; their toggle is left as it is. */
  readonly alreadyManaged: readonly RoleImportEntry[];
  /** Already managed accounts parked by us for verification that the import decided. */
  readonly updated: readonly RoleImportUpdate[];
  /** Accounts not written because the call was aborted. */
  readonly deferred: readonly RoleImportEntry[];
  readonly conflicts: readonly RoleImportConflict[];
  readonly errors: readonly RoleImportError[];
  /** Service principals and other non-user holders: never imported. */
  readonly skipped: readonly RoleImportOther[];
  /** The plan's findings. */
  readonly findings: readonly Finding[];
}
