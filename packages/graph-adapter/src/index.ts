/**
 * `@rotation-exclusion/graph-adapter`: core's directory reader over Microsoft Graph v1.0, with the
 * credential, cloud, retry and throttle settings a host needs to run it across many tenants.
 */

// ── The directory reader of one tenant ────────────────────────────────────────────────────────────
export { createGraphDirectory, type GraphDirectory } from "./graph-directory.js";
export type { GraphDirectoryOptions, GraphPageSizes } from "./graph-directory-options.js";
export {
  createGraphConnectionPool,
  type FetchFunction,
  type GraphConnectionPool,
  type GraphConnectionPoolOptions,
} from "./transport/graph-http.js";
export type { RetryPolicy } from "./requests/retry-policy.js";
export { createGraphQueryMemo, type GraphQueryMemo } from "./requests/graph-query-memo.js";

// ── Credentials and national clouds ───────────────────────────────────────────────────────────────
export {
  createGraphCredential,
  GRAPH_CLOUDS,
  type GraphAppSecret,
  type GraphCloud,
  type GraphCloudEndpoints,
  type GraphCredentialOptions,
  isGraphCloud,
} from "./graph-clouds.js";

// ── One throttle budget for every tenant of the app ───────────────────────────────────────────────
export {
  createThrottleBudget,
  type TenantThrottleBudget,
  type ThrottleBudget,
  type ThrottleBudgetOptions,
  type ThrottleBudgetStats,
  type ThrottleScope,
  throttleScopeOf,
} from "./requests/throttle-budget.js";
// Graph's documented limits and request costs, the currency of a ThrottleBudget (core owns the table
// so the testing kit's fake Graph enforces the same one).
export {
  IDENTITY_THROTTLE_LIMITS,
  type RequestCost,
  requestCost,
  type TenantSize,
  type ThrottleLimits,
} from "@rotation-exclusion/core/internal";

// ── Telling a restricted unit's refusal from other failures of the host's own password change ────
export { isRestrictedManagementDenial } from "./errors/restricted-management-denial.js";

// ── Errors ────────────────────────────────────────────────────────────────────────────────────────
export {
  GRAPH_DIRECTORY_ERROR_CODES,
  type GraphDirectoryError,
  type GraphDirectoryErrorCode,
  isGraphDirectoryError,
} from "./errors/graph-directory-error.js";
