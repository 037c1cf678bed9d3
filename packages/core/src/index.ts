/**
 * `@rotation-exclusion/core`: decide which Entra accounts sit in a restricted management administrative
 * unit and keep them out of automatic password rotation, with evidence. Pure logic, no I/O.
 *
 * Implementing a directory reader or a store? The ports are also at `@rotation-exclusion/core/ports`.
 */

// ── The rotation guard: one tenant, before and during each rotation cycle ─────────────────────────
export {
  type CheckOptions,
  createRotationGuard,
  type ExcludeFromAutoRotationOptions,
  type RotationGuard,
} from "./guard/rotation-guard.js";
export type { RotationGuardOptions } from "./guard/guard-options.js";
export type { AccountInput } from "./guard/account-input.js";

// ── Verdicts: protected, not-protected or unknown, with the reason and the evidence ───────────────
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
} from "./verdict/verdict.js";
export { describesRestrictedManagementDenial } from "./verdict/restricted-management-denial.js";

// ── What an exclusion run reports ─────────────────────────────────────────────────────────────────
export type {
  AccountOutcome,
  ConflictOutcome,
  ErrorOutcome,
  ExclusionReport,
  ExclusionTimings,
  ReleasedEvent,
  SnapshotSummary,
} from "./guard/exclusion-report.js";
export type {
  IncompleteCause,
  SnapshotFailure,
  SnapshotUnit,
  TenantSnapshot,
} from "./snapshot/tenant-snapshot.js";
export { FINDING_CODES, type Finding, type FindingCode } from "./snapshot/finding.js";

// ── Importing the holders of directory roles ──────────────────────────────────────────────────────
export type {
  PlanRoleImportOptions,
  RoleImportAccount,
  RoleImportAs,
  RoleImportOther,
  RoleImportPath,
  RoleImportPlan,
  RoleImportRole,
} from "./role-import/plan-role-import.js";
export type { ApplyRoleImportOptions } from "./role-import/apply-role-import.js";
export type {
  RoleImportConflict,
  RoleImportEntry,
  RoleImportError,
  RoleImportReport,
  RoleImportUpdate,
} from "./role-import/role-import-report.js";

// ── Many tenants: one cycle over every customer tenant ────────────────────────────────────────────
export {
  type CycleGuardOptions,
  type ExclusionCycleOptions,
  runExclusionCycle,
} from "./cycle/run-exclusion-cycle.js";
export {
  type CycleAccountCounts,
  type CycleGraphCounts,
  type CycleStopCause,
  EXCLUSION_CYCLE_REPORT_KIND,
  EXCLUSION_CYCLE_REPORT_SCHEMA_VERSION,
  type ExclusionCycleEvent,
  type ExclusionCycleReport,
  type TenantCycleResult,
  type TenantCycleStatus,
  type TenantStopCause,
} from "./cycle/exclusion-cycle-report.js";
export {
  createInMemorySnapshotStore,
  type InMemorySnapshotStore,
} from "./snapshot/in-memory-snapshot-store.js";

// ── Errors ────────────────────────────────────────────────────────────────────────────────────────
export {
  isRotationExclusionError,
  ROTATION_EXCLUSION_ERROR_CODES,
  type RotationExclusionError,
  type RotationExclusionErrorCode,
} from "./rotation-exclusion-error.js";

// ── What the host provides: its account store, a snapshot store, a logger, a directory reader ─────
export {
  type AccountStore,
  type AccountWrite,
  type AccountWriteResult,
  type AutoRotateRecord,
  type ManagedAccount,
  type NewManagedAccount,
  ROTATION_EXCLUSION_ACTOR,
} from "./ports/account-store.js";
export { type SnapshotStore, STORED_SNAPSHOT_VERSION, type StoredSnapshot } from "./ports/snapshot-store.js";
export { type Logger, silentLogger } from "./ports/logger.js";
export type { DirectoryReader, RotationFailure } from "./ports/directory-reader.js";
