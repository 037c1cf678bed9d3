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
  /** When the reads of the last complete snapshot started, if there ever was one. */
  readonly lastCompleteAtMs?: number | undefined;
}

/**
 * The snapshot-store port. `load` answers `undefined` when nothing is stored. Both methods may throw or
 * reject: the guard logs the failure and carries on as if nothing were stored.
 */
export interface SnapshotStore {
  load(tenantId: string, options?: ReadOptions): Promise<StoredSnapshot | undefined>;
  save(snapshot: StoredSnapshot, options?: ReadOptions): Promise<void>;
}

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
 * Creates an in-memory snapshot store. It copies on save and on load (`structuredClone`), so it behaves
 * like a real store: a caller that mutates what it saved or loaded changes nothing stored. It survives
 * as long as the process; pass the same instance to every cycle of a long-running host.
 *
 * @example
 * const snapshots = createInMemorySnapshotStore();
 * const guard = createRotationGuard({ tenantId, directory, accounts, snapshotStore: snapshots });
 */
export function createInMemorySnapshotStore(): InMemorySnapshotStore {
  const byTenant = new Map<string, StoredSnapshot>();
  return {
    get size() {
      return byTenant.size;
    },
    async load(tenantId, options = {}) {
      options.signal?.throwIfAborted();
      const stored = byTenant.get(tenantId.toLowerCase());
      return stored === undefined ? undefined : structuredClone(stored);
    },
    async save(snapshot, options = {}) {
      options.signal?.throwIfAborted();
      byTenant.set(snapshot.tenantId.toLowerCase(), structuredClone(snapshot));
    },
    delete: (tenantId) => byTenant.delete(tenantId.toLowerCase()),
    clear: () => byTenant.clear(),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;
const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isStringArray = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

function isUserList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (user) =>
        isRecord(user) &&
        typeof user.id === "string" &&
        (user.userPrincipalName === null || typeof user.userPrincipalName === "string") &&
        (user.displayName === null || typeof user.displayName === "string"),
    )
  );
}

function isUnitList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (unit) =>
        isRecord(unit) &&
        typeof unit.id === "string" &&
        (unit.membershipType === "assigned" || unit.membershipType === "dynamic") &&
        (unit.visibility === "public" || unit.visibility === "hiddenMembership") &&
        isRecord(unit.members) &&
        typeof unit.members.complete === "boolean" &&
        ["userIds", "groupIds", "deviceIds", "otherIds"].every((key) =>
          isStringArray((unit.members as Record<string, unknown>)[key]),
        ),
    )
  );
}

/**
 * Why a loaded value cannot be used as the stored snapshot of `tenantId`, or `undefined` when it can.
 * A store is outside our control (a row edited by hand, a format from another version, another
 * tenant's key), so its answer is checked like any input before any of it is trusted.
 */
export function storedSnapshotProblem(value: unknown, tenantId: string, nowMs: number): string | undefined {
  if (!isRecord(value)) return "not an object";
  if (value.version !== STORED_SNAPSHOT_VERSION) return `unknown version ${String(value.version)}`;
  if (typeof value.tenantId !== "string" || value.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    return "stored for another tenant";
  }
  if (!isTime(value.protectedAtMs) || !isTime(value.unitsAtMs)) return "read times missing";
  // A read time in the future would make a snapshot look fresh for longer than the configured ages.
  if (value.protectedAtMs > nowMs || value.unitsAtMs > nowMs) return "read times in the future";
  if (value.lastCompleteAtMs !== undefined) {
    if (!isTime(value.lastCompleteAtMs)) return "bad lastCompleteAtMs";
    // A later last-complete time would make a remembered denial look stale (decideVerdict drops denials
    // older than the last complete snapshot), and the last complete read is never after the stored one.
    if (value.lastCompleteAtMs > nowMs || value.lastCompleteAtMs > value.protectedAtMs) {
      return "lastCompleteAtMs after the stored read";
    }
  }
  const p = value.protectedRead;
  if (
    !isRecord(p) ||
    !["available", "unsupported", "forbidden"].includes(p.primarySignal as string) ||
    typeof p.complete !== "boolean" ||
    !isUserList(p.users)
  ) {
    return "malformed protected-set read";
  }
  const u = value.unitsRead;
  if (!isRecord(u) || typeof u.complete !== "boolean" || !isUnitList(u.units)) {
    return "malformed unit read";
  }
  return undefined;
}
