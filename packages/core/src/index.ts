export {
  type AccountInput,
  describeValue,
  isGuid,
  parseAccountInput,
  userPrincipalNameProblem,
} from "./account-input.js";
export {
  type AccountStore,
  type AccountWrite,
  type AccountWriteResult,
  type AutoRotateRecord,
  type ManagedAccount,
  type NewManagedAccount,
  ROTATION_EXCLUSION_ACTOR,
} from "./account-store.js";
export type { ApplyRoleImportOptions } from "./apply-role-import.js";
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
  UnitMembers,
  UserCheck,
} from "./directory-reader.js";
export type {
  CycleAccountCounts,
  CycleGraphCounts,
  CycleStopCause,
  ExclusionCycleEvent,
  ExclusionCycleReport,
  TenantCycleResult,
  TenantCycleStatus,
  TenantStopCause,
} from "./exclusion-cycle-report.js";
export type {
  AccountOutcome,
  ConflictOutcome,
  ErrorOutcome,
  ExclusionReport,
  ExclusionTimings,
  ReleasedEvent,
  SnapshotSummary,
} from "./exclusion-report.js";
export { FINDING_CODES, type Finding, type FindingCode } from "./finding.js";
export { type Logger, silentLogger } from "./logger.js";
export { describesRestrictedManagementDenial } from "./restricted-management-denial.js";
export type {
  PlanRoleImportOptions,
  RoleImportAccount,
  RoleImportAs,
  RoleImportOther,
  RoleImportPath,
  RoleImportPlan,
  RoleImportRole,
} from "./role-import-plan.js";
export type {
  RoleImportConflict,
  RoleImportEntry,
  RoleImportError,
  RoleImportReport,
  RoleImportUpdate,
} from "./role-import-report.js";
export { MAX_ROLE_NAME_LENGTH, parseRoleNames, roleNameProblem } from "./role-input.js";
export {
  createRotationExclusionError,
  isRotationExclusionError,
  ROTATION_EXCLUSION_ERROR_CODES,
  type RotationExclusionError,
  type RotationExclusionErrorCode,
  type RotationExclusionErrorOptions,
} from "./rotation-exclusion-error.js";
export {
  type CheckOptions,
  createRotationGuard,
  type ExcludeFromAutoRotationOptions,
  type RotationGuard,
  type RotationGuardOptions,
} from "./rotation-guard.js";
export {
  type CycleGuardOptions,
  type ExclusionCycleOptions,
  runExclusionCycle,
} from "./run-exclusion-cycle.js";
export {
  createInMemorySnapshotStore,
  type InMemorySnapshotStore,
  type SnapshotStore,
  STORED_SNAPSHOT_VERSION,
  type StoredSnapshot,
} from "./snapshot-store.js";
export type { IncompleteCause, SnapshotFailure, SnapshotUnit, TenantSnapshot } from "./tenant-snapshot.js";
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
