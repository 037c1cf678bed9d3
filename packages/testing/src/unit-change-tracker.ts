/**
 * Change tracking of a tenant's administrative units, as Graph's `administrativeUnit: delta` reports it
 * (docs/decisions/0016): a round names every unit created, updated or deleted since the state its token
 * stands for. The tenant model is plain mutable data, so the tracker remembers the units as they were
 * when each token was issued and compares. One tracker per tenant model, shared by the in-memory
 * directory and the fake Graph server, so a token stays valid across readers built per cycle, as a
 * Graph delta link does across processes.
 */
import type { TenantModel, TenantUnit } from "./tenant-model.js";
import { objectKind } from "./tenant-model.js";

/** A unit's properties in Graph's spelling, as a round reports them. */
export interface TrackedUnitProperties {
  readonly displayName?: string;
  readonly isMemberManagementRestricted?: boolean;
  readonly membershipType?: TenantUnit["membershipType"];
  readonly visibility?: TenantUnit["visibility"];
}

/**
 * One unit in a round. A new unit carries every property (Graph's standard representation); an updated
 * one only the properties that changed, as "at least the properties that have been updated"
 * (concepts/delta-query-overview.md); a deleted one only `removed`.
 */
export interface TrackedUnitChange {
  readonly id: string;
  readonly removed: boolean;
  readonly properties: TrackedUnitProperties;
  /** Members added, each with its kind at the time of the round. */
  readonly membersAdded: readonly {
    readonly id: string;
    readonly kind: NonNullable<ReturnType<typeof objectKind>>;
  }[];
  readonly membersRemoved: readonly string[];
}

interface UnitState {
  readonly displayName: string;
  readonly isMemberManagementRestricted: boolean;
  readonly membershipType: TenantUnit["membershipType"];
  readonly visibility: TenantUnit["visibility"];
  readonly memberIds: ReadonlySet<string>;
}

/** The change tracker of one tenant model. */
export interface UnitChangeTracker {
  /** A token for the units as they are now (Graph's `$deltatoken`). */
  mark(): string;
  /** What changed since `token`, or `undefined` when the token is unknown or expired. */
  changesSince(token: string): readonly TrackedUnitChange[] | undefined;
  /** Every unit as it is now, as the first round without a token reports it (each one new). */
  currentUnits(): readonly TrackedUnitChange[];
  /**
   * Keeps a round's entries and the token it ends with, for a server that hands them out page by page:
   * the pages of one round must not change when the tenant changes between them.
   */
  openRound(changes: readonly TrackedUnitChange[], endToken: string): string;
  /** A round opened by {@link openRound}, or `undefined` when unknown or expired. */
  round(
    roundId: string,
  ): { readonly changes: readonly TrackedUnitChange[]; readonly endToken: string } | undefined;
  /** Expires every token handed out so far (Graph's `syncStateNotFound`, or a 410 sync reset). */
  expireAll(): void;
}

/** Tokens kept per tenant; older ones expire, as Graph's delta links expire after seven days. */
const TOKENS_KEPT = 256;

const trackers = new WeakMap<TenantModel, UnitChangeTracker>();

function captureUnits(tenant: TenantModel): Map<string, UnitState> {
  const units = new Map<string, UnitState>();
  for (const unit of tenant.units.values()) {
    // Graph lists only objects that exist: a dangling id in the model is not a member, so deleting the
    // object reads as the member leaving.
    const memberIds = new Set(unit.memberIds.filter((id) => objectKind(tenant, id) !== undefined));
    units.set(unit.id, {
      displayName: unit.displayName,
      isMemberManagementRestricted: unit.isMemberManagementRestricted,
      membershipType: unit.membershipType,
      visibility: unit.visibility,
      memberIds,
    });
  }
  return units;
}

function changedProperties(before: UnitState, after: UnitState): TrackedUnitProperties {
  const changed: {
    displayName?: string;
    isMemberManagementRestricted?: boolean;
    membershipType?: TenantUnit["membershipType"];
    visibility?: TenantUnit["visibility"];
  } = {};
  if (before.displayName !== after.displayName) changed.displayName = after.displayName;
  if (before.isMemberManagementRestricted !== after.isMemberManagementRestricted) {
    changed.isMemberManagementRestricted = after.isMemberManagementRestricted;
  }
  if (before.membershipType !== after.membershipType) changed.membershipType = after.membershipType;
  if (before.visibility !== after.visibility) changed.visibility = after.visibility;
  return changed;
}

function diff(
  tenant: TenantModel,
  before: ReadonlyMap<string, UnitState>,
  after: ReadonlyMap<string, UnitState>,
): TrackedUnitChange[] {
  const changes: TrackedUnitChange[] = [];
  const kindOf = (id: string) => {
    const kind = objectKind(tenant, id);
    return kind === undefined ? [] : [{ id, kind }];
  };
  for (const [id, was] of before) {
    if (!after.has(id)) {
      changes.push({ id, removed: true, properties: {}, membersAdded: [], membersRemoved: [] });
    } else {
      const now = after.get(id) as UnitState;
      const properties = changedProperties(was, now);
      const membersAdded = [...now.memberIds].filter((member) => !was.memberIds.has(member)).flatMap(kindOf);
      const membersRemoved = [...was.memberIds].filter((member) => !now.memberIds.has(member));
      if (Object.keys(properties).length > 0 || membersAdded.length > 0 || membersRemoved.length > 0) {
        changes.push({ id, removed: false, properties, membersAdded, membersRemoved });
      }
    }
  }
  for (const [id, now] of after) {
    if (before.has(id)) continue;
    const { memberIds, ...properties } = now;
    changes.push({
      id,
      removed: false,
      properties,
      membersAdded: [...memberIds].flatMap(kindOf),
      membersRemoved: [],
    });
  }
  return changes;
}

/**
 * The change tracker of `tenant` (created on first use). Tokens are opaque strings; each remembers the
 * units as they were when it was issued.
 *
 * @example
 * const tracker = unitChangeTrackerFor(tenant);
 * const token = tracker.mark();
 * tenant.units.get(unitId)?.memberIds.push(userId);
 * tracker.changesSince(token); // [{ id: unitId, membersAdded: [{ id: userId, kind: "user" }], … }]
 */
export function unitChangeTrackerFor(tenant: TenantModel): UnitChangeTracker {
  const existing = trackers.get(tenant);
  if (existing) return existing;
  const states = new Map<string, Map<string, UnitState>>();
  const rounds = new Map<string, { changes: readonly TrackedUnitChange[]; endToken: string }>();
  let issued = 0;
  // A generation in every token: tokens of an expired generation are never honoured again.
  let generation = 0;
  const tracker: UnitChangeTracker = {
    mark() {
      issued += 1;
      const token = `g${generation}n${issued}`;
      states.set(token, captureUnits(tenant));
      while (states.size > TOKENS_KEPT) {
        const oldest = states.keys().next().value as string;
        states.delete(oldest);
      }
      return token;
    },
    changesSince(token) {
      const before = states.get(token);
      return before === undefined ? undefined : diff(tenant, before, captureUnits(tenant));
    },
    currentUnits: () => diff(tenant, new Map(), captureUnits(tenant)),
    openRound(changes, endToken) {
      issued += 1;
      const roundId = `g${generation}r${issued}`;
      rounds.set(roundId, { changes, endToken });
      while (rounds.size > TOKENS_KEPT) rounds.delete(rounds.keys().next().value as string);
      return roundId;
    },
    round: (roundId) => rounds.get(roundId),
    expireAll() {
      states.clear();
      rounds.clear();
      generation += 1;
    },
  };
  trackers.set(tenant, tracker);
  return tracker;
}
