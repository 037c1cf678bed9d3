/**
 * Keeps the tenant snapshot fresh: decides when to re-read the protected set and the unit evidence, and
 * makes concurrent callers share one refresh (single-flight). A caller's AbortSignal aborts only its own
 * wait; the shared read is aborted only when every waiter has gone.
 */

import { summarizeError } from "../internal/error-summary.js";
import type {
  DirectoryFailure,
  DirectoryReader,
  PrimarySignal,
  ProtectedUsersRead,
  RestrictedUnitsRead,
  UnitChangesRead,
} from "../ports/directory-reader.js";
import type { Logger } from "../ports/logger.js";
import { type SnapshotStore, STORED_SNAPSHOT_VERSION, type StoredSnapshot } from "../ports/snapshot-store.js";
import { type SafeSpan, startSpan, withSpan } from "../telemetry/core-telemetry.js";
import { ATTR } from "../telemetry/cycle-telemetry.js";
import { recordRefresh } from "../telemetry/snapshot-telemetry.js";
import { mergeUnitChanges } from "./merge-unit-changes.js";
import { storedSnapshotProblem } from "./stored-snapshot-problem.js";
import { buildTenantSnapshot, type TenantSnapshot } from "./tenant-snapshot.js";

/** What the refresher needs. All durations in milliseconds. */
export interface SnapshotRefresherOptions {
  readonly tenantId: string;
  readonly directory: DirectoryReader;
  readonly clock: () => number;
  readonly snapshotMaxAgeMs: number;
  readonly unitEvidenceMaxAgeMs: number;
  readonly log: Logger;
  /** Where the reads behind the last snapshot survive a restart; loaded once, saved after each refresh. */
  readonly snapshotStore?: SnapshotStore | undefined;
}

/** The single-flight snapshot source of one guard. */
export interface SnapshotRefresher {
  /** The last snapshot taken, or `undefined` before the first read. */
  current(): TenantSnapshot | undefined;
  /** When (ms since epoch) the reads of the last complete snapshot started, or `undefined`. */
  lastCompleteAtMs(): number | undefined;
  /** Refreshes in a row, the last one included, that ended incomplete; 0 after a complete one. */
  incompleteStreak(): number;
  /**
   * A snapshot no older than `snapshotMaxAgeMs`, or a fresh one when `force` is set. Rejects with
   * `signal.reason` when the caller's signal aborts.
   */
  get(options?: {
    readonly force?: boolean;
    readonly signal?: AbortSignal | undefined;
  }): Promise<TenantSnapshot>;
}

/** The reads behind a snapshot, and what the next refresh decides from them. */
interface Reads {
  readonly protectedAtMs: number;
  readonly protectedRead: ProtectedUsersRead;
  readonly protectedIds: ReadonlySet<string>;
  readonly unitsRead: RestrictedUnitsRead;
  readonly unitsAtMs: number;
  readonly unitReadIncomplete: boolean;
  /**
   * Graph's delta link for unit changes since `unitsRead`, held only while the evidence it extends was
   * complete (decision 0016). A broken round keeps the link it started from.
   */
  readonly unitsDeltaLink: string | undefined;
  /** Why this refresh's round of unit change tracking broke part way, when it did. */
  readonly unitChangesFailure?: DirectoryFailure | undefined;
}

interface State extends Reads {
  readonly snapshot: TenantSnapshot;
}

interface Flight {
  readonly promise: Promise<TenantSnapshot>;
  readonly controller: AbortController;
  waiters: number;
}

function sameIds(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

/** Creates the snapshot refresher of one guard. */
export function createSnapshotRefresher(options: SnapshotRefresherOptions): SnapshotRefresher {
  const { directory, clock, log } = options;
  let state: State | undefined;
  let lastCompleteAtMs: number | undefined;
  let incompleteStreak = 0;
  let flight: Flight | undefined;
  let restoreDone = options.snapshotStore === undefined;
  let unitChangesUnsupported = false;

  function readsFrom(
    protectedRead: ProtectedUsersRead,
    protectedAtMs: number,
    unitsRead: RestrictedUnitsRead,
    unitsAtMs: number,
    unitsDeltaLink: string | undefined,
    unitChangesFailure?: DirectoryFailure,
  ): Reads {
    return {
      protectedAtMs,
      protectedRead,
      protectedIds: new Set(protectedRead.users.map((user) => user.id.toLowerCase())),
      unitsRead,
      unitsAtMs,
      unitReadIncomplete: !unitsRead.complete || unitsRead.units.some((unit) => !unit.members.complete),
      unitsDeltaLink,
      unitChangesFailure,
    };
  }

  // Built only for the reads a refresh ends with: a restored record is only the "previous" reads.
  function stateFrom(reads: Reads): State {
    const snapshot = buildTenantSnapshot({
      tenantId: options.tenantId,
      protectedRead: reads.protectedRead,
      protectedSetObservedAtMs: reads.protectedAtMs,
      unitsRead: reads.unitsRead,
      unitEvidenceObservedAtMs: reads.unitsAtMs,
      unitChangesFailure: reads.unitChangesFailure,
    });
    return { ...reads, snapshot };
  }

  // A cold start takes the stored reads as the "previous" snapshot, so the usual rules decide whether
  // the unit evidence may be reused. A store that fails or answers nonsense is as good as an empty one.
  async function restore(store: SnapshotStore, signal: AbortSignal): Promise<Reads | undefined> {
    let stored: StoredSnapshot | undefined;
    try {
      stored = await store.load(options.tenantId, { signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      log.warn({ error: summarizeError(error) }, "snapshot store load failed; starting cold");
      restoreDone = true;
      return undefined;
    }
    restoreDone = true;
    if (stored === undefined) return undefined;
    const problem = storedSnapshotProblem(stored, options.tenantId, clock());
    if (problem !== undefined) {
      log.warn({ problem }, "stored snapshot ignored; starting cold");
      return undefined;
    }
    lastCompleteAtMs ??= stored.lastCompleteAtMs;
    incompleteStreak = stored.incompleteStreak ?? 0;
    return readsFrom(
      stored.protectedRead,
      stored.protectedAtMs,
      stored.unitsRead,
      stored.unitsAtMs,
      stored.unitsDeltaLink,
    );
  }

  async function persist(store: SnapshotStore, saved: State): Promise<void> {
    try {
      await store.save({
        version: STORED_SNAPSHOT_VERSION,
        tenantId: options.tenantId,
        protectedRead: saved.protectedRead,
        protectedAtMs: saved.protectedAtMs,
        unitsRead: saved.unitsRead,
        unitsAtMs: saved.unitsAtMs,
        unitsDeltaLink: saved.unitsDeltaLink,
        lastCompleteAtMs,
        incompleteStreak,
      });
    } catch (error) {
      log.warn(
        { error: summarizeError(error) },
        "snapshot store save failed; the next cold start reads units again",
      );
    }
  }

  // The port promises never to throw except on abort; a buggy reader that throws anyway is turned into
  // an "unavailable" failure so that the snapshot is incomplete (every verdict unknown), never wrong.
  async function readProtected(
    signal: AbortSignal,
    previous: PrimarySignal | undefined,
  ): Promise<ProtectedUsersRead> {
    try {
      return await directory.readProtectedUsers({ signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const summary = summarizeError(error);
      log.error({ error: summary }, "readProtectedUsers threw; treating the protected set as unavailable");
      const failure = { kind: "unavailable" as const, message: `readProtectedUsers threw ${summary.name}` };
      return { primarySignal: previous ?? "available", users: [], complete: false, failure };
    }
  }

  async function readUnits(signal: AbortSignal): Promise<RestrictedUnitsRead> {
    try {
      return await directory.readRestrictedUnits({ signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const summary = summarizeError(error);
      log.error({ error: summary }, "readRestrictedUnits threw; treating the unit list as unavailable");
      return {
        units: [],
        complete: false,
        failure: { kind: "unavailable", message: `readRestrictedUnits threw ${summary.name}` },
      };
    }
  }

  // Same promise as the other reads: a reader that throws anyway breaks the round, never the snapshot.
  async function readUnitChanges(
    deltaLink: string | undefined,
    signal: AbortSignal,
  ): Promise<UnitChangesRead | undefined> {
    if (directory.readRestrictedUnitChanges === undefined || unitChangesUnsupported) return undefined;
    let read: UnitChangesRead;
    try {
      read = await directory.readRestrictedUnitChanges(deltaLink, { signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const summary = summarizeError(error);
      log.error({ error: summary }, "readRestrictedUnitChanges threw; treating the round as broken");
      const failure = {
        kind: "unavailable" as const,
        message: `readRestrictedUnitChanges threw ${summary.name}`,
      };
      return { outcome: "incomplete", failure };
    }
    if (read.outcome === "unsupported") {
      // Chosen on the first refusal and remembered: this directory reads units in full from now on.
      unitChangesUnsupported = true;
      log.info(
        { failure: read.failure },
        "unit change tracking unsupported; reading units in full from now on",
      );
    }
    return read;
  }

  /**
   * A full read of the units, preceded by a link that tracks changes from now on, so the next refresh can
   * ask only for what changed. The link is taken first: a change made during the full read is then seen
   * again by the next round, never missed. It is kept only when the full read is complete.
   */
  async function readUnitsInFull(
    signal: AbortSignal,
    trackChanges: boolean,
  ): Promise<{ unitsRead: RestrictedUnitsRead; unitsDeltaLink: string | undefined }> {
    const start = trackChanges ? await readUnitChanges(undefined, signal) : undefined;
    const unitsRead = await readUnits(signal);
    const complete = unitsRead.complete && unitsRead.units.every((unit) => unit.members.complete);
    const unitsDeltaLink = start?.outcome === "complete" && complete ? start.deltaLink : undefined;
    return { unitsRead, unitsDeltaLink };
  }

  /**
   * Brings `previous` unit evidence up to date with one round of change tracking; `undefined` when the
   * round cannot be used and the units must be read in full. A broken round keeps the old evidence and
   * its link but marks the read incomplete; the snapshot built from it decides by Entra's own flag only,
   * and every other account is `unknown` this cycle (rule 2, decision 0016).
   */
  async function readUnitsByChanges(
    previous: Reads,
    deltaLink: string,
    signal: AbortSignal,
  ): Promise<{ unitsRead: RestrictedUnitsRead; unitsDeltaLink: string | undefined } | undefined> {
    const round = await readUnitChanges(deltaLink, signal);
    if (round === undefined) return undefined;
    if (round.outcome === "incomplete") {
      log.warn({ failure: round.failure }, "unit change round broke part way; the old link is kept");
      return {
        unitsRead: { units: previous.unitsRead.units, complete: false, failure: round.failure },
        unitsDeltaLink: deltaLink,
      };
    }
    if (round.outcome !== "complete") {
      if (round.outcome === "resync-required") {
        log.info({ failure: round.failure }, "unit change link expired; reading units in full");
      }
      return undefined;
    }
    const merged = mergeUnitChanges(previous.unitsRead, round.changes);
    if (merged.kind === "full-read-needed") {
      log.info({ reason: merged.reason }, "unit changes need a full read");
      return undefined;
    }
    return { unitsRead: merged.unitsRead, unitsDeltaLink: round.deltaLink };
  }

  async function refresh(signal: AbortSignal, span: SafeSpan): Promise<TenantSnapshot> {
    const store = options.snapshotStore;
    const previous =
      state ?? (store !== undefined && !restoreDone ? await restore(store, signal) : undefined);
    const protectedAtMs = clock();
    const protectedRead = await readProtected(signal, previous?.protectedRead.primarySignal);
    const protectedIds = new Set(protectedRead.users.map((user) => user.id.toLowerCase()));
    const unitsAgeMs = previous === undefined ? Number.POSITIVE_INFINITY : clock() - previous.unitsAtMs;
    const rereadUnits =
      previous === undefined ||
      // Without the primary signal, units are the only signal: they must be as fresh as the snapshot.
      protectedRead.primarySignal !== "available" ||
      // A partial set is no baseline: the ids on its lost pages may have changed (a user left a unit)
      // with the next complete read listing exactly what the partial one did.
      !previous.protectedRead.complete ||
      !sameIds(previous.protectedIds, protectedIds) ||
      previous.unitReadIncomplete ||
      unitsAgeMs >= options.unitEvidenceMaxAgeMs;
    // Without the primary signal units are the only signal, and a release needs a complete full read of
    // them (rule 2): change tracking is used only while the protected set can be read (decision 0016).
    const trackChanges = protectedRead.primarySignal === "available";
    let unitsRead: RestrictedUnitsRead;
    let unitsAtMs: number;
    let unitsDeltaLink: string | undefined;
    let unitChangesFailure: DirectoryFailure | undefined;
    if (rereadUnits || previous === undefined) {
      unitsAtMs = clock();
      const byChanges =
        trackChanges && previous?.unitsDeltaLink !== undefined
          ? await readUnitsByChanges(previous, previous.unitsDeltaLink, signal)
          : undefined;
      ({ unitsRead, unitsDeltaLink } = byChanges ?? (await readUnitsInFull(signal, trackChanges)));
      // A broken round did not bring the old evidence up to date: it keeps the time it was read.
      if (byChanges !== undefined && !byChanges.unitsRead.complete && previous !== undefined) {
        unitsAtMs = previous.unitsAtMs;
        unitChangesFailure = byChanges.unitsRead.failure ?? {
          kind: "unavailable",
          message: "the round of unit change tracking was incomplete",
        };
      }
    } else {
      unitsAtMs = previous.unitsAtMs;
      unitsRead = previous.unitsRead;
      unitsDeltaLink = previous.unitsDeltaLink;
    }
    const next = stateFrom(
      readsFrom(protectedRead, protectedAtMs, unitsRead, unitsAtMs, unitsDeltaLink, unitChangesFailure),
    );
    const { snapshot } = next;
    state = next;
    if (snapshot.complete) lastCompleteAtMs = protectedAtMs;
    incompleteStreak = snapshot.complete ? 0 : incompleteStreak + 1;
    recordRefresh(span, snapshot, {
      unitsReread: rereadUnits,
      unitsAtMs,
      lastCompleteAtMs,
      incompleteStreak,
    });
    if (store !== undefined) await persist(store, next);
    log.debug(
      {
        complete: snapshot.complete,
        primarySignal: snapshot.primarySignal,
        protectedUserCount: snapshot.protectedUsers.size,
        restrictedUnitCount: snapshot.units.length,
        unitsReread: rereadUnits,
      },
      "tenant snapshot refreshed",
    );
    return snapshot;
  }

  function startFlight(): Flight {
    const controller = new AbortController();
    const span = startSpan("rotation_exclusion.snapshot_refresh", { [ATTR.tenantId]: options.tenantId });
    // The reads run under the refresh's span, so the directory's Graph requests are its children.
    const promise = withSpan(span, () => refresh(controller.signal, span));
    // A refresh that rejected (aborted) still ends its span; one that resolved ended it in recordRefresh.
    promise.catch(() => {
      span.fail("aborted");
      span.end();
    });
    const started: Flight = { promise, controller, waiters: 0 };
    const clear = () => {
      if (flight === started) flight = undefined;
    };
    // Waiters that aborted no longer listen; the noop catch keeps that from being an unhandled rejection.
    promise.then(clear, clear);
    return started;
  }

  function join(joined: Flight, signal: AbortSignal | undefined): Promise<TenantSnapshot> {
    if (signal === undefined) return joined.promise;
    joined.waiters += 1;
    return new Promise<TenantSnapshot>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        joined.waiters -= 1;
        if (joined.waiters === 0) {
          // Nobody waits any more: stop the shared read, and let the next caller start a fresh one.
          if (flight === joined) flight = undefined;
          joined.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      joined.promise.then(
        (snapshot) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve(snapshot);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  return {
    current: () => state?.snapshot,
    lastCompleteAtMs: () => lastCompleteAtMs,
    incompleteStreak: () => incompleteStreak,
    async get(getOptions = {}) {
      const { signal, force = false } = getOptions;
      signal?.throwIfAborted();
      if (
        !force &&
        flight === undefined &&
        state !== undefined &&
        clock() - state.protectedAtMs < options.snapshotMaxAgeMs
      ) {
        return state.snapshot;
      }
      if (flight === undefined) {
        flight = startFlight();
        // A caller without a signal can never abort, so the shared read must never be aborted for it.
        if (signal === undefined) flight.waiters = Number.POSITIVE_INFINITY;
      } else if (signal === undefined) {
        flight.waiters = Number.POSITIVE_INFINITY;
      }
      return join(flight, signal);
    },
  };
}
