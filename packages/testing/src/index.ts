/**
 * `@rotation-exclusion/testing`: what a host tests its rotation service with. Describe a tenant, read it
 * through an in-memory directory or serve it over HTTPS as a fake Microsoft Graph, keep accounts in an
 * in-memory store, and run a minimal rotation engine. The directory contract suite is at
 * `@rotation-exclusion/testing/contract` (it imports vitest).
 */

// ── Tenants: a builder, ready-made fixtures, and the data model both readers serve ────────────────
export {
  type RoleAssignmentOptions,
  type TenantBuilder,
  type TenantBuilderOptions,
  type TenantGroupOptions,
  type TenantUnitOptions,
  type TenantUserOptions,
  tenantBuilder,
} from "./tenant-builder.js";
export {
  type EmergencyAccessTenantIds,
  type EmergencyAccessTenantOptions,
  emergencyAccessTenant,
  type LargeTenantIds,
  type LargeTenantOptions,
  largeTenant,
  type TenantFixture,
} from "./fixtures.js";
export { BUILT_IN_ROLES, type BuiltInRoleName } from "./built-in-roles.js";
export {
  HOSTILE_NAMES,
  type ReportFixtureKind,
  type ReportFixtureTenant,
  type ReportFixtureTenants,
  reportFixtureTenants,
} from "./report-fixture-tenants.js";
export { deterministicGuid } from "./deterministic-guid.js";
export { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } from "./headless-chromium.js";
export {
  isManagementRestricted,
  objectKind,
  reportedManagementRestricted,
  type TenantDevice,
  type TenantGroup,
  type TenantModel,
  type TenantRoleAssignment,
  type TenantRoleDefinition,
  type TenantServicePrincipal,
  type TenantUnit,
  type TenantUser,
} from "./tenant-model.js";

// ── Reading a tenant in memory, with faults as data ───────────────────────────────────────────────
export {
  createInMemoryDirectory,
  type InMemoryDirectory,
  type InMemoryDirectoryOptions,
} from "./in-memory-directory.js";
export type { InMemoryFault, RoleReadFault } from "./in-memory-faults.js";
export {
  type TrackedUnitChange,
  type TrackedUnitProperties,
  type UnitChangeTracker,
  unitChangeTrackerFor,
} from "./unit-change-tracker.js";

// ── Managed accounts in memory ────────────────────────────────────────────────────────────────────
export {
  type AccountStoreFailure,
  type AccountWriteLogEntry,
  createInMemoryAccountStore,
  type InitialManagedAccount,
  type InjectedConflict,
  type InMemoryAccountStore,
  type InMemoryAccountStoreOptions,
  managedAccountsFor,
  type OperatorChange,
} from "./in-memory-account-store.js";

// ── Loopback stand-ins for token endpoints (authority, managed identity) ─────────────────────────
export {
  type FakeTokenRequest,
  type FakeTokenService,
  type FakeTokenServiceOptions,
  startFakeTokenService,
} from "./fake-token-service.js";

// ── A fake Microsoft Graph over HTTPS, with fault injection ───────────────────────────────────────
export {
  type FakeGraphPasswordChange,
  type FakeGraphServer,
  type FakeGraphServerOptions,
  type FakeGraphSettings,
  fakeGraphToken,
  startFakeGraphServer,
} from "./fake-graph/fake-graph-server.js";
export type {
  FakeGraphFault,
  FakeGraphFaultEffect,
  FakeGraphFaultHandle,
  FakeGraphFaultMatch,
  FakeGraphFaultRequest,
  RetryAfterFormat,
} from "./fake-graph/graph-faults.js";
export type { FakeGraphBatchOrder, FakeGraphBatchOuterStatus } from "./fake-graph/graph-batch.js";
export type { FakeGraphAppLimit, FakeGraphThrottle } from "./fake-graph/graph-pipeline.js";
export { FAKE_GRAPH_LISTING_ROUTES } from "./fake-graph/graph-router.js";
export type { FakeGraphRequestRecord, FakeGraphStats } from "./fake-graph/request-log.js";
export type { FakeGraphPermissions, FakeGraphRoute } from "./fake-graph/route-context.js";
export {
  RESTRICTED_MANAGEMENT_DENIAL_MESSAGE,
  RESTRICTED_MANAGEMENT_DENIAL_MESSAGE_WITH_LINK,
} from "./fake-graph/user-routes.js";
export type { FakeGraphRotationApp } from "./fake-graph/password-reset-policy.js";

// ── A minimal rotation engine, to run a host's rotation cycle behind the guard ────────────────────
export {
  createRotationEngine,
  generatePassword,
  type RotationCycleReport,
  type RotationEngine,
  type RotationEngineCredential,
  type RotationEngineFailure,
  type RotationEngineOptions,
  type RotationOutcome,
} from "./rotation-engine.js";

// ── The contract suite's harness types, for a directory implementation of your own ───────────────
export type {
  ContractFault,
  ContractFaultKind,
  DirectoryHarness,
  DirectoryHarnessOptions,
  DirectoryUnderTest,
} from "./contract/directory-harness.js";

// ── Errors ────────────────────────────────────────────────────────────────────────────────────────
export {
  createTestingError,
  isTestingError,
  TESTING_ERROR_CODES,
  type TestingError,
  type TestingErrorCode,
  type TestingErrorOptions,
} from "./testing-error.js";
