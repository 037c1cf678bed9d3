/**
 * `@rotation-exclusion/core/ports`: the interfaces core needs from the outside world, for those who
 * implement them (a directory reader over another API, an account store over a database, a snapshot
 * store, a logger). Hosts that only use the guard need the main entry point.
 */

// The directory reader and what it answers.
export type {
  AccountRef,
  DirectoryFailure,
  DirectoryFailureKind,
  DirectoryReader,
  DirectoryStats,
  DirectoryUser,
  PrimarySignal,
  ProtectedUsersRead,
  ReadOptions,
  RestrictedUnit,
  RestrictedUnitsRead,
  RoleHoldersRead,
  RoleOtherHolder,
  RoleReadFailure,
  RoleUserHolder,
  RotationFailure,
  UnitChange,
  UnitChangesRead,
  UnitMembers,
  UserCheck,
} from "./directory-reader.js";

// The account store: the host's managed accounts, written by compare-and-set.
export {
  type AccountStore,
  type AccountWrite,
  type AccountWriteResult,
  type AutoRotateRecord,
  type ManagedAccount,
  type NewManagedAccount,
  ROTATION_EXCLUSION_ACTOR,
} from "./account-store.js";

// The snapshot store: the reads behind a tenant's last snapshot, kept across restarts.
export { type SnapshotStore, STORED_SNAPSHOT_VERSION, type StoredSnapshot } from "./snapshot-store.js";

// The logger: a subset of pino's interface.
export { type Logger, silentLogger } from "./logger.js";
