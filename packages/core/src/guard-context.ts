/**
 * The state and collaborators one rotation guard shares between its operations (internal).
 */
import type { AccountStore } from "./account-store.js";
import type { RecordedDenial } from "./decide-verdict.js";
import type { DirectoryReader } from "./directory-reader.js";
import type { ReleasedEvent } from "./exclusion-report.js";
import type { Logger } from "./logger.js";
import type { SnapshotRefresher } from "./snapshot-refresher.js";

/** Rotation denials by a restricted unit, remembered in memory by object id and by UPN. */
export interface DenialMemory {
  remember(
    account: { readonly id?: string | undefined; readonly userPrincipalName?: string | undefined },
    denial: RecordedDenial,
  ): void;
  find(account: {
    readonly id?: string | null | undefined;
    readonly userPrincipalName?: string | null | undefined;
  }): RecordedDenial | undefined;
  /** True while no denial was ever remembered (by far the common case): a run need look none up. */
  isEmpty(): boolean;
}

/** Creates an empty {@link DenialMemory}. */
export function createDenialMemory(): DenialMemory {
  const byKey = new Map<string, RecordedDenial>();
  const keysOf = (account: {
    readonly id?: string | null | undefined;
    readonly userPrincipalName?: string | null | undefined;
  }) => [
    ...(account.id ? [`id:${account.id.toLowerCase()}`] : []),
    ...(account.userPrincipalName ? [`upn:${account.userPrincipalName.toLowerCase()}`] : []),
  ];
  return {
    remember(account, denial) {
      for (const key of keysOf(account)) byKey.set(key, denial);
    },
    find(account) {
      // The common case by far: no denial was ever recorded, so no keys need building.
      if (byKey.size === 0) return undefined;
      let newest: RecordedDenial | undefined;
      for (const key of keysOf(account)) {
        const denial = byKey.get(key);
        if (denial !== undefined && (newest === undefined || denial.observedAtMs > newest.observedAtMs))
          newest = denial;
      }
      return newest;
    },
    isEmpty: () => byKey.size === 0,
  };
}

/** Everything the guard's operations share. */
export interface GuardContext {
  readonly tenantId: string;
  readonly directory: DirectoryReader;
  readonly accounts: AccountStore;
  /** Bound to the tenant: every line carries `tenantId`. */
  readonly log: Logger;
  readonly clock: () => number;
  readonly restoreReleased: boolean;
  readonly writeConcurrency: number;
  readonly onReleased: ((event: ReleasedEvent) => void | Promise<void>) | undefined;
  readonly refresher: SnapshotRefresher;
  readonly denials: DenialMemory;
}
