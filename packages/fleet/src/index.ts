/**
 * `@rotation-exclusion/fleet`: run the exclusion cycle of tens of thousands of tenants on many worker
 * processes with BullMQ on Redis, under one shared Microsoft Graph budget, with a shared snapshot store
 * and a PostgreSQL account store every worker sees.
 */

// ── Redis: one counted, fail-fast connection per process for the fleet's stores ───────────────────
export {
  connectFleetRedis,
  type FleetRedis,
  type FleetRedisOptions,
  type RedisConnection,
} from "./fleet-redis.js";

// ── What every worker shares through Redis ────────────────────────────────────────────────────────
export {
  createRedisSnapshotStore,
  type RedisSnapshotStore,
  type RedisSnapshotStoreOptions,
} from "./redis-snapshot-store.js";
export {
  createRedisThrottleBudget,
  type RedisThrottleBudget,
  type RedisThrottleBudgetOptions,
} from "./redis-throttle-budget.js";

// ── Work distribution on BullMQ: the producer and the workers ─────────────────────────────────────
export {
  type CollectCycleOptions,
  createExclusionQueue,
  type EnqueueCycleOptions,
  type ExclusionQueue,
  type ExclusionQueueOptions,
  type FleetCycleReport,
} from "./exclusion-queue.js";
export {
  createExclusionWorker,
  type ExclusionWorker,
  type ExclusionWorkerOptions,
  type TenantRunContext,
} from "./exclusion-worker.js";
export { DEFAULT_QUEUE_NAME, type FleetTenantResult, tenantJobId } from "./tenant-job.js";

// ── Accounts every worker sees: the reference PostgreSQL store ────────────────────────────────────
export {
  accountTableSql,
  createPostgresAccountStore,
  type PostgresAccountSeed,
  type PostgresAccountStore,
  type PostgresAccountStoreOptions,
  type PostgresTenantAccountStore,
} from "./postgres-account-store.js";

// ── Errors ────────────────────────────────────────────────────────────────────────────────────────
export { FLEET_ERROR_CODES, type FleetError, type FleetErrorCode, isFleetError } from "./fleet-error.js";
