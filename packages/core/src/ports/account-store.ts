/**
 * The account store port: the rotation service's own list of managed accounts, each with its
 * `autoRotate` toggle. Writes are compare-and-set: every write names the version it expects, and a
 * store that holds another version answers `conflict` instead of overwriting (an operator or another
 * worker changed the account meanwhile).
 *
 * An operator or UI that changes `autoRotate` must also replace or clear `record` in the same write:
 * a record left as ours (`changedBy: rotation-exclusion`) still looks like ours, and this library may
 * act on it (release, restore or activate the account) against the operator's choice.
 */

import type { Evidence, ReasonCode } from "../verdict/verdict.js";
import type { ReadOptions } from "./directory-reader.js";

/** The actor name in records this library writes. A record with another `changedBy` is not ours. */
export const ROTATION_EXCLUSION_ACTOR = "rotation-exclusion";

/** Who turned `autoRotate` off (or parked the account), why, which units, and when. */
export interface AutoRotateRecord {
  /**
   * `exclusion`: turned off on positive evidence of protection.
   * `pendingVerification`: imported with rotation off because protection could not be verified yet.
   */
  readonly kind: "exclusion" | "pendingVerification";
  /** `rotation-exclusion` for records this library wrote; anything else is an operator's or another tool's. */
  readonly changedBy: string;
  readonly reasonCode: ReasonCode;
  readonly reason: string;
  readonly unitIds: readonly string[];
  readonly evidence: readonly Evidence[];
  /** ISO 8601. */
  readonly changedAt: string;
  /** Set (ISO 8601) when a complete snapshot first showed the account no longer protected. */
  readonly releasedAt?: string | undefined;
  /**
   * `true` while the host's `onReleased` hook still owes an alert for this release: written in the same
   * compare-and-set write as `releasedAt` (only by a guard that has a hook), and removed by a second
   * write once the hook resolved. A run that finds it set calls the hook again, so an alert survives a
   * throwing hook or a process that stopped between the write and the hook. A store must keep it as it
   * keeps the rest of the record; a store seen dropping it is logged and alerted at most once.
   */
  readonly releaseAlertPending?: boolean | undefined;
}

/** One managed account as the store holds it. */
export interface ManagedAccount {
  /** The store's own key for the account. */
  readonly key: string;
  /** Entra object id, when the store knows it. */
  readonly objectId?: string | undefined;
  readonly userPrincipalName?: string | undefined;
  /**
   * Whether the rotation service rotates this account. Whoever else changes it (an operator, a UI)
   * must replace or clear `record` in the same write, or our stale record may be acted on.
   */
  readonly autoRotate: boolean;
  /** Why `autoRotate` is off, and who turned it off; absent when nobody recorded why. */
  readonly record?: AutoRotateRecord | undefined;
  /** Opaque version for compare-and-set (an ETag, a row version, a counter). */
  readonly version: string;
}

/** A compare-and-set write of one account's toggle and record. */
export interface AccountWrite {
  readonly expectedVersion: string;
  readonly autoRotate: boolean;
  /**
   * The new record, or `null` to clear it. It replaces the stored record whole: a field it leaves out
   * (such as a cleared `releaseAlertPending`) is removed, not kept from the old record.
   */
  readonly record: AutoRotateRecord | null;
}

/** A new account for the store (role import). */
export interface NewManagedAccount {
  readonly objectId: string;
  readonly userPrincipalName?: string | undefined;
  readonly autoRotate: boolean;
  readonly record: AutoRotateRecord | null;
}

/** What a store write did: written, or refused because the account changed meanwhile. */
export type AccountWriteResult =
  | { readonly status: "written"; readonly account: ManagedAccount }
  | { readonly status: "conflict"; readonly current: ManagedAccount | undefined };

/** The account store port. Methods may throw for store failures; core reports them per account. */
export interface AccountStore {
  /** Every managed account of this tenant. */
  list(options?: ReadOptions): Promise<readonly ManagedAccount[]>;
  /** Compare-and-set update of one account. */
  update(key: string, write: AccountWrite, options?: ReadOptions): Promise<AccountWriteResult>;
  /** Adds an account (role import). Answers `conflict` when an account with that object id exists. */
  add?(account: NewManagedAccount, options?: ReadOptions): Promise<AccountWriteResult>;
}
