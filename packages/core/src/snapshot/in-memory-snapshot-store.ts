/**
 * The in-memory snapshot store: one process's memory of every tenant's last reads, for a long-running
 * host (or tests). A host that starts cold every cycle keeps its snapshots in its own store instead.
 */
import type { SnapshotStore, StoredSnapshot } from "../ports/snapshot-store.js";

/** An in-memory {@link SnapshotStore}, with a look at what it holds (for tests and diagnostics). */
export interface InMemorySnapshotStore extends SnapshotStore {
  /** Tenants with a stored snapshot. */
  readonly size: number;
  /** Forgets one tenant's snapshot; true when there was one. */
  delete(tenantId: string): boolean;
  /** Forgets everything. */
  clear(): void;
}

/**
 * Creates an in-memory snapshot store. It keeps each tenant's record as its JSON text, so it behaves
 * like a real store (a caller that mutates what it saved or loaded changes nothing stored) and a quiet
 * tenant costs its record's few hundred bytes, not an object graph. It survives as long as the process;
 * pass the same instance to every cycle of a long-running host.
 *
 * @example
 * const snapshots = createInMemorySnapshotStore();
 * const guard = createRotationGuard({ tenantId, directory, accounts, snapshotStore: snapshots });
 */
export function createInMemorySnapshotStore(): InMemorySnapshotStore {
  const byTenant = new Map<string, string>();
  return {
    get size() {
      return byTenant.size;
    },
    async load(tenantId, options = {}) {
      options.signal?.throwIfAborted();
      const stored = byTenant.get(tenantId.toLowerCase());
      return stored === undefined ? undefined : (JSON.parse(stored) as StoredSnapshot);
    },
    async save(snapshot, options = {}) {
      options.signal?.throwIfAborted();
      byTenant.set(snapshot.tenantId.toLowerCase(), JSON.stringify(snapshot));
    },
    delete: (tenantId) => byTenant.delete(tenantId.toLowerCase()),
    clear: () => byTenant.clear(),
  };
}
