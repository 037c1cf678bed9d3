export {
  type AccountStore,
  type AccountWrite,
  type AccountWriteResult,
  type AutoRotateRecord,
  type ManagedAccount,
  type NewManagedAccount,
  ROTATION_EXCLUSION_ACTOR,
} from "./account-store.js";
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
  RotationFailure,
  UnitMembers,
  UserCheck,
} from "./directory-reader.js";
export { type Logger, silentLogger } from "./logger.js";
export {
  type Evidence,
  type NotProtectedVerdict,
  type ProtectedReasonCode,
  type ProtectedVerdict,
  REASON_CODES,
  type ReasonCode,
  type UnknownReasonCode,
  type UnknownVerdict,
  type Verdict,
  type VerdictStatus,
} from "./verdict.js";
