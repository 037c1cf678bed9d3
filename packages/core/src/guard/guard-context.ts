/**
 * The state and collaborators one rotation guard shares between its operations (internal).
 */
import type { AccountStore } from "../ports/account-store.js";
import type { DirectoryReader } from "../ports/directory-reader.js";
import type { Logger } from "../ports/logger.js";
import { createRotationExclusionError } from "../rotation-exclusion-error.js";
import type { SnapshotRefresher } from "../snapshot/snapshot-refresher.js";
import type { VerdictSources } from "../verdict/decide-verdicts.js";
import type { DenialMemory } from "../verdict/denial-memory.js";
import type { ReleasedEvent } from "./exclusion-report.js";

/** Everything the guard's operations share; it is also what deciding a verdict needs. */
export interface GuardContext extends VerdictSources {
  readonly tenantId: string;
  readonly directory: DirectoryReader;
  /** `undefined` for a read-only guard: the writing operations ask for it through `accountStoreFor`. */
  readonly accounts: AccountStore | undefined;
  /** Bound to the tenant: every line carries `tenantId`. */
  readonly log: Logger;
  readonly clock: () => number;
  readonly restoreReleased: boolean;
  readonly writeConcurrency: number;
  readonly onReleased: ((event: ReleasedEvent) => void | Promise<void>) | undefined;
  readonly refresher: SnapshotRefresher;
  readonly denials: DenialMemory;
  /** What this guard has already warned about, so that a warning repeated every run is logged once. */
  readonly notices: GuardNotices;
}

/** The once-per-guard warnings, and whether each was logged. */
export interface GuardNotices {
  /** The account store dropped the `releaseAlertPending` we wrote. */
  releaseAlertFlagDropped: boolean;
}

/**
 * The guard's account store, for an operation that writes. A guard created without one (a read-only
 * guard: `checkProtection`, `isRotationProtected`, `refreshSnapshot`, `planRoleImport`) refuses the
 * writing operations with a `RotationExclusionError` of code `unsupported` that names the operation.
 */
export function accountStoreFor(ctx: GuardContext, operation: string): AccountStore {
  if (ctx.accounts !== undefined) return ctx.accounts;
  throw createRotationExclusionError(
    "unsupported",
    `${operation} writes to the account store, but the guard of tenant ${ctx.tenantId} was created without one; pass createRotationGuard({ accounts }) to use it`,
    { tenantId: ctx.tenantId },
  );
}
