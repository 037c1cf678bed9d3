/**
 * `@rotation-exclusion/core/internal`: helpers the sibling packages of this repository (the Graph
 * adapter, the testing kit, the command line) share with core, so that each concept is written once.
 * Not for hosts: no semver promise covers this entry point, and it may change in any release.
 */

// Input checks: every package refuses exactly what the guard refuses.
export {
  describeValue,
  isGuid,
  isPlainObject,
  isRecord,
  MAX_ROLE_NAME_LENGTH,
  roleNameProblem,
  userPrincipalNameProblem,
} from "./input-checks.js";
export { parseRoleNames } from "../role-import/role-input.js";

// One worker pool, one abortable wait.
export { type BoundedMapEnd, type BoundedMapOptions, boundedMap, mapConcurrently } from "./bounded-map.js";
export { abortableSleep } from "./abortable-sleep.js";
export {
  IDENTITY_THROTTLE_LIMITS,
  type RequestCost,
  requestCost,
  type TenantSize,
  type ThrottleLimits,
} from "./graph-limits.js";

// Failures: one error base shape, one Graph error body parser, one redaction.
export { defineErrorType, type ErrorType, type ErrorTypeSpec } from "./error-type.js";
export { type GraphErrorBody, type GraphErrorBodyOptions, parseGraphErrorBody } from "./graph-error-body.js";
export { bindLogger } from "./bound-logger.js";
export { redactSecrets, summarizeError } from "./error-summary.js";
export { normalizeRotationFailure } from "../verdict/rotation-failure.js";

// Cycle reports: the one summary shape, for hosts that run a cycle's tenants elsewhere (fleet mode).
export {
  addCounts,
  NO_ACCOUNTS,
  NO_GRAPH,
  summarizeCycle,
} from "../cycle/exclusion-cycle-report.js";

// Telemetry: one scope per package, guarded so that it never fails the work it describes (decision 0021).
export { type SafeSpan, type TelemetryScope, telemetryScope, withSpan } from "./telemetry-scope.js";
