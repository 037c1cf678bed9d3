/**
 * What one job writes through: the host's account store and the snapshot store, each write let through
 * only while the job's lock is ours (`JobLease.ensure`), and the shared budget, whose failure to answer
 * stops the job's run instead of letting a request out on a budget nobody could see (decision 0019).
 */
import type { AccountStore, SnapshotStore } from "@rotation-exclusion/core";
import type { TenantThrottleBudget, ThrottleBudget } from "@rotation-exclusion/graph-adapter";
import { isFleetError } from "./fleet-error.js";
import type { JobLease } from "./job-lease.js";

/**
 * The host's store, every write first confirming the lease. The write gets the lease's signal: a store
 * that checks it just before it sends (the PostgreSQL store does) refuses a write whose lock was lost
 * while it waited for a connection. A store that is not one is passed through for core to refuse.
 */
export function fencedAccountStore(store: AccountStore, lease: JobLease): AccountStore {
  if (typeof store !== "object" || store === null || typeof store.update !== "function") return store;
  const { add } = store;
  return {
    list: (options) => store.list(options),
    async update(key, write) {
      await lease.ensure();
      return store.update(key, write, { signal: lease.signal });
    },
    ...(typeof add === "function"
      ? {
          async add(account) {
            await lease.ensure();
            return add.call(store, account, { signal: lease.signal });
          },
        }
      : {}),
  };
}

/** The snapshot store, a save let through only while the lease holds (a load needs no lock). */
export function fencedSnapshotStore(store: SnapshotStore, lease: JobLease): SnapshotStore {
  return {
    load: (tenantId, options) => store.load(tenantId, options),
    async save(snapshot, options) {
      await lease.ensure();
      return store.save(snapshot, options);
    },
  };
}

/**
 * The shared budget as one job sees it: when the budget cannot answer (Redis unavailable or slow),
 * `onUnavailable` stops the job's run, and the request rejects with the run's abort reason, so the
 * directory reports it as the caller's abort (the tenant is deferred), not as a Graph failure to retry.
 */
export function jobThrottleBudget(
  budget: ThrottleBudget,
  onUnavailable: (error: unknown) => void,
): ThrottleBudget {
  return {
    stats: () => budget.stats(),
    forTenant(tenantId): TenantThrottleBudget {
      const tenant = budget.forTenant(tenantId);
      return {
        async acquire(cost, signal) {
          try {
            await tenant.acquire(cost, signal);
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            if (isFleetError(error) && error.code === "redis-unavailable") {
              onUnavailable(error);
              // The run's signal is linked to the request's: it has just been aborted with the reason.
              if (signal?.aborted) throw signal.reason;
            }
            throw error;
          }
        },
        reportThrottled: (retryAfterMs, scope) => tenant.reportThrottled(retryAfterMs, scope),
      };
    },
  };
}
