// The public API of @rotation-exclusion/testing (Biome keeps these re-exports sorted by path).

export { BUILT_IN_ROLES, type BuiltInRoleName } from "./built-in-roles.js";
// describeDirectoryContract imports vitest, so it is exported from "@rotation-exclusion/testing/contract".
export type {
  ContractFault,
  ContractFaultKind,
  DirectoryHarness,
  DirectoryHarnessOptions,
  DirectoryUnderTest,
} from "./contract/directory-harness.js";
export { deterministicGuid } from "./deterministic-guid.js";
export {
  type FakeGraphPasswordChange,
  type FakeGraphServer,
  type FakeGraphServerOptions,
  type FakeGraphSettings,
  startFakeGraphServer,
} from "./fake-graph/fake-graph-server.js";
export type { FakeGraphBatchOrder, FakeGraphBatchOuterStatus } from "./fake-graph/graph-batch.js";
export type {
  FakeGraphFault,
  FakeGraphFaultEffect,
  FakeGraphFaultHandle,
  FakeGraphFaultMatch,
  FakeGraphFaultRequest,
  RetryAfterFormat,
} from "./fake-graph/graph-faults.js";
export type { FakeGraphThrottle } from "./fake-graph/graph-pipeline.js";
export { FAKE_GRAPH_LISTING_ROUTES } from "./fake-graph/graph-router.js";
export type { FakeGraphRequestRecord, FakeGraphStats } from "./fake-graph/request-log.js";
export type { FakeGraphPermissions, FakeGraphRoute } from "./fake-graph/route-context.js";
export { RESTRICTED_MANAGEMENT_DENIAL_MESSAGE } from "./fake-graph/user-routes.js";
export {
  type EmergencyAccessTenantIds,
  type EmergencyAccessTenantOptions,
  emergencyAccessTenant,
  type LargeTenantIds,
  type LargeTenantOptions,
  largeTenant,
  type TenantFixture,
} from "./fixtures.js";
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
export {
  createInMemoryDirectory,
  type InMemoryDirectory,
  type InMemoryDirectoryOptions,
} from "./in-memory-directory.js";
export type { InMemoryFault, RoleReadFault } from "./in-memory-faults.js";
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
export {
  createTestingError,
  isTestingError,
  TESTING_ERROR_CODES,
  type TestingError,
  type TestingErrorCode,
  type TestingErrorOptions,
} from "./testing-error.js";
