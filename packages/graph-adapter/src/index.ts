export { MAX_BATCH_REQUESTS, userPath } from "./check-users.js";
export {
  createGraphCredential,
  GRAPH_CLOUDS,
  type GraphAppSecret,
  type GraphCloud,
  type GraphCloudEndpoints,
  type GraphCredentialOptions,
  isGraphCloud,
} from "./graph-clouds.js";
export { createGraphDirectory, type GraphDirectory } from "./graph-directory.js";
export {
  createGraphDirectoryError,
  GRAPH_DIRECTORY_ERROR_CODES,
  type GraphDirectoryError,
  type GraphDirectoryErrorCode,
  type GraphDirectoryErrorOptions,
  isGraphDirectoryError,
} from "./graph-directory-error.js";
export {
  type GraphDirectoryOptions,
  type GraphPageSizes,
  type ResolvedGraphDirectoryOptions,
  resolveGraphDirectoryOptions,
} from "./graph-directory-options.js";
export type { FetchFunction } from "./graph-transport.js";
export type { RoleHoldersRead } from "./read-role-holders.js";
export { isRestrictedManagementDenial, normalizeGraphFailure } from "./restricted-management-denial.js";
export {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  type FailedAttempt,
  parseRetryAfterMs,
  planRetry,
  RETRYABLE_STATUSES,
  type RetryPlan,
  type RetryPolicy,
} from "./retry-policy.js";
export {
  createThrottleBudget,
  IDENTITY_THROTTLE_LIMITS,
  type RequestCost,
  requestCost,
  type TenantSize,
  type TenantThrottleBudget,
  type ThrottleBudget,
  type ThrottleBudgetOptions,
  type ThrottleBudgetStats,
  type ThrottleLimits,
} from "./throttle-budget.js";
