/**
 * The snapshot-store port: where a guard keeps the raw reads behind its last snapshot (the protected set
 * and the unit evidence, with when each was read) so that a host that starts cold every cycle (a cron
 * job, a serverless worker) does not re-enumerate every restricted unit on every start. A stored
 * snapshot is only ever a starting point: the guard applies the same freshness rules to it as to one it
 * read itself, and a store that fails is logged and ignored.
 */
import type { ProtectedUsersRead, ReadOptions, RestrictedUnitsRead } from "./directory-reader.js";

/** The current {@link StoredSnapshot} format; a record of another version is ignored. */
export const STORED_SNAPSHOT_VERSION = 1;

/** What a guard persists per tenant: plain JSON-compatible data (no Maps, no Dates). */
export interface StoredSnapshot {
  readonly version: typeof STORED_SNAPSHOT_VERSION;
  /** Lower-case tenant id. */
  readonly tenantId: string;
  /** The protected-set read, as the directory answered it. */
  readonly protectedRead: ProtectedUsersRead;
  /** When (ms since epoch) the protected-set read started. */
  readonly protectedAtMs: number;
  /** The unit evidence, as the directory answered it. */
  readonly unitsRead: RestrictedUnitsRead;
  /** When (ms since epoch) the unit read started. */
  readonly unitsAtMs: number;
  /**
   * Graph's `@odata.deltaLink` for unit changes since `unitsRead` (docs/decisions/0016), kept only while
   * `unitsRead` is complete. Absent in records written before it existed: the next refresh reads in full.
   */
  readonly unitsDeltaLink?: string | undefined;
  /** When the reads of the last complete snapshot started, if there ever was one. */
  readonly lastCompleteAtMs?: number | undefined;
  /**
   * Refreshes in a row that ended incomplete, the stored one included (0 or absent when it was
   * complete): what the alert "tenant incomplete N cycles in a row" counts across restarts and workers.
   */
  readonly incompleteStreak?: number | undefined;
}

/**
 * The snapshot-store port. `load` answers `undefined` when nothing is stored. Both methods may throw or
 * reject: the guard logs the failure and carries on as if nothing were stored.
 */
export interface SnapshotStore {
  load(tenantId: string, options?: ReadOptions): Promise<StoredSnapshot | undefined>;
  save(snapshot: StoredSnapshot, options?: ReadOptions): Promise<void>;
}
