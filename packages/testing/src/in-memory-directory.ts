/**
 * A {@link DirectoryReader} over a live {@link TenantModel}: reads see mutations made between calls,
 * listings are paged (so a fault on page k keeps pages 1..k-1, as with Graph's `@odata.nextLink`),
 * permissions and faults are data, and every page or lookup counts as one request in `stats()`.
 */
import { abortableSleep, normalizeRotationFailure } from "@rotation-exclusion/core/internal";
import type {
  AccountRef,
  DirectoryReader,
  DirectoryStats,
  DirectoryUser,
  ProtectedUsersRead,
  ReadOptions,
  RestrictedUnit,
  RestrictedUnitsRead,
  RoleHoldersRead,
  RotationFailure,
  UnitChange,
  UnitChangesRead,
  UnitMembers,
  UserCheck,
} from "@rotation-exclusion/core/ports";
import { createFaultPlan, failureForFault, type InMemoryFault } from "./in-memory-faults.js";
import { readRoleHoldersInMemory } from "./in-memory-role-holders.js";
import type { TenantModel, TenantUnit, TenantUser } from "./tenant-model.js";
import { objectKind } from "./tenant-model.js";
import { createTestingError } from "./testing-error.js";
import { type TrackedUnitChange, unitChangeTrackerFor } from "./unit-change-tracker.js";

/** Options of {@link createInMemoryDirectory}. */
export interface InMemoryDirectoryOptions {
  /** Items per page of every listing (protected users, units, unit members). */
  readonly pageSize?: number;
  /** App permission simulation; everything is granted by default. */
  readonly permissions?: {
    /**
     * Member.Read.Hidden. With it, hidden-membership units list every member and say so
     * (`hiddenMembersVisible: true`); without it they answer per `hiddenUnitBehavior`.
     */
    readonly memberReadHidden?: boolean;
    /**
     * `forbidden`: the member listing answers 403. `empty`: it answers an empty list. `omit-users`: it
     * lists only the unit's non-user members, the silently short list of docs/decisions/0002.
     */
    readonly hiddenUnitBehavior?: "forbidden" | "empty" | "omit-users";
  };
  /** Faults to inject (more can be added with `injectFault`). */
  readonly faults?: readonly InMemoryFault[];
  /** Simulated latency of every request; 0 still yields to the event loop so aborts are observed. */
  readonly latencyMs?: number;
  /**
   * Whether unit change tracking is available. `false` answers every `readRestrictedUnitChanges` as a
   * cloud whose schema lacks `administrativeUnit: delta` would (400, `unsupported`; decision 0016).
   */
  readonly unitChangeTracking?: boolean;
}

/** The in-memory reader: every optional port method implemented, plus fault and statistics controls. */
export interface InMemoryDirectory extends DirectoryReader {
  readRestrictedUnitChanges(deltaLink: string | undefined, options?: ReadOptions): Promise<UnitChangesRead>;
  readRoleHolders(role: string, options?: ReadOptions): Promise<RoleHoldersRead>;
  classifyFailure(error: unknown): RotationFailure | undefined;
  stats(): DirectoryStats;
  /** Adds a fault from now on (for example between two cycles). */
  injectFault(fault: InMemoryFault): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** Sets every counter back to zero. */
  resetStats(): void;
}

const DEFAULT_OPTIONS = {
  pageSize: 100,
  permissions: { memberReadHidden: true, hiddenUnitBehavior: "forbidden" },
  faults: [],
  latencyMs: 0,
  unitChangeTracking: true,
} satisfies Required<InMemoryDirectoryOptions>;

/** Endpoint names in `stats().byEndpoint`, spelled like the Graph requests they stand for. */
const ENDPOINT = {
  protectedUsers: "users",
  units: "directory/administrativeUnits",
  unitMembers: "directory/administrativeUnits/members",
  unitChanges: "directory/administrativeUnits/delta",
  user: "users/{id}",
} as const;

type EndpointCounters = { requests: number; retries: number; throttled: number };

/** The prefix of this reader's delta links; the rest is the tracker's token. */
const DELTA_LINK_PREFIX = "in-memory-delta:";

function toUnitChange(change: TrackedUnitChange): UnitChange {
  const { properties } = change;
  const added = {
    userIds: [] as string[],
    groupIds: [] as string[],
    deviceIds: [] as string[],
    otherIds: [] as string[],
  };
  for (const member of change.membersAdded) {
    if (member.kind === "user") added.userIds.push(member.id);
    else if (member.kind === "group") added.groupIds.push(member.id);
    else if (member.kind === "device") added.deviceIds.push(member.id);
    else added.otherIds.push(member.id);
  }
  return {
    id: change.id,
    removed: change.removed,
    ...(properties.displayName !== undefined ? { displayName: properties.displayName } : {}),
    ...(properties.isMemberManagementRestricted !== undefined
      ? { isMemberManagementRestricted: properties.isMemberManagementRestricted }
      : {}),
    ...(properties.membershipType !== undefined
      ? { membershipType: properties.membershipType?.toLowerCase() === "dynamic" ? "dynamic" : "assigned" }
      : {}),
    ...(properties.visibility !== undefined
      ? {
          visibility:
            properties.visibility?.toLowerCase() === "hiddenmembership" ? "hiddenMembership" : "public",
        }
      : {}),
    membersAdded: added,
    membersRemoved: change.membersRemoved,
  };
}

const toDirectoryUser = (user: TenantUser): DirectoryUser => ({
  id: user.id,
  userPrincipalName: user.userPrincipalName,
  displayName: user.displayName,
});

/**
 * Creates an in-memory directory reader over `tenant`.
 *
 * @example
 * const { tenant, ids } = emergencyAccessTenant();
 * const directory = createInMemoryDirectory(tenant, {
 *   pageSize: 2,
 *   faults: [{ operation: "protected-users", kind: "throttled", page: 2, times: 1 }],
 * });
 * const read = await directory.readProtectedUsers(); // page 1 kept, complete: false
 */
export function createInMemoryDirectory(
  tenant: TenantModel,
  options: InMemoryDirectoryOptions = {},
): InMemoryDirectory {
  const pageSize = options.pageSize ?? DEFAULT_OPTIONS.pageSize;
  const latencyMs = options.latencyMs ?? DEFAULT_OPTIONS.latencyMs;
  const permissions = { ...DEFAULT_OPTIONS.permissions, ...options.permissions };
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw createTestingError("invalid-argument", `pageSize must be a whole number >= 1 (got ${pageSize}).`);
  }
  if (!(latencyMs >= 0)) {
    throw createTestingError("invalid-argument", `latencyMs must be >= 0 (got ${latencyMs}).`);
  }
  const faults = createFaultPlan(options.faults ?? DEFAULT_OPTIONS.faults);
  const unitChangeTracking = options.unitChangeTracking ?? DEFAULT_OPTIONS.unitChangeTracking;
  const tracker = unitChangeTrackerFor(tenant);
  let counters = new Map<string, EndpointCounters>();

  async function request(endpoint: string, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    await abortableSleep(latencyMs, signal);
    // Without latency the event loop still turns, as over HTTP: an abort from a timer is seen between pages.
    if (latencyMs <= 0) await new Promise(setImmediate);
    signal?.throwIfAborted();
    const counter = counters.get(endpoint) ?? { requests: 0, retries: 0, throttled: 0 };
    counter.requests += 1;
    counters.set(endpoint, counter);
  }

  /** Spends a matching fault; a throttled answer also counts as throttled in the statistics. */
  function takeFault(endpoint: string, matches: (fault: InMemoryFault) => boolean) {
    const kind = faults.take(matches);
    const counter = counters.get(endpoint);
    if (kind === "throttled" && counter) counter.throttled += 1;
    return kind;
  }

  /** Computed once per read: per-user unit scans would make large tenants quadratic. */
  function restrictedMemberIds(): Set<string> {
    const ids = new Set<string>();
    for (const unit of tenant.units.values()) {
      if (unit.isMemberManagementRestricted) for (const id of unit.memberIds) ids.add(id);
    }
    return ids;
  }

  const restrictedFlag = (user: TenantUser, members: Set<string>): boolean =>
    user.isManagementRestricted !== undefined ? user.isManagementRestricted === true : members.has(user.id);

  async function readUnitMembers(unit: TenantUnit, signal: AbortSignal | undefined): Promise<UnitMembers> {
    const members = {
      userIds: [] as string[],
      groupIds: [] as string[],
      groupDisplayNames: {} as Record<string, string>,
      deviceIds: [] as string[],
      otherIds: [] as string[],
    };
    // Graph lists only objects that exist; a dangling id in the model is not a member.
    const isHiddenUnit = unit.visibility === "HiddenMembership";
    const hidden = isHiddenUnit && !permissions.memberReadHidden;
    // Without Member.Read.Hidden, `omit-users` drops the users and keeps a 200 that looks complete.
    const listed = unit.memberIds.filter((id) => {
      const kind = objectKind(tenant, id);
      return kind !== undefined && !(hidden && kind === "user");
    });
    // The reader knows its own permissions, as the Graph adapter knows them from the token's roles.
    const visibility = isHiddenUnit ? { hiddenMembersVisible: permissions.memberReadHidden } : {};
    for (let page = 1; ; page++) {
      await request(ENDPOINT.unitMembers, signal);
      const kind = takeFault(
        ENDPOINT.unitMembers,
        (fault) =>
          fault.operation === "unit-members" && fault.unitId === unit.id && (fault.page ?? 1) === page,
      );
      const what = `Members of unit "${unit.displayName}" (${unit.id}), page ${page}`;
      if (kind) return { ...members, ...visibility, complete: false, failure: failureForFault(kind, what) };
      if (hidden && permissions.hiddenUnitBehavior === "forbidden") {
        return {
          ...members,
          ...visibility,
          complete: false,
          failure: failureForFault("forbidden", `${what} (hidden membership)`),
        };
      }
      if (hidden && permissions.hiddenUnitBehavior === "empty")
        return { ...members, ...visibility, complete: true };
      for (const id of listed.slice((page - 1) * pageSize, page * pageSize)) {
        const memberKind = objectKind(tenant, id);
        if (memberKind === "user") members.userIds.push(id);
        else if (memberKind === "group") {
          members.groupIds.push(id);
          const name = tenant.groups.get(id)?.displayName;
          if (name) members.groupDisplayNames[id] = name;
        } else if (memberKind === "device") members.deviceIds.push(id);
        else members.otherIds.push(id);
      }
      if (page * pageSize >= listed.length) return { ...members, ...visibility, complete: true };
    }
  }

  const directory: InMemoryDirectory = {
    async readProtectedUsers(readOptions: ReadOptions = {}): Promise<ProtectedUsersRead> {
      const { signal } = readOptions;
      const members = restrictedMemberIds();
      const all = [...tenant.users.values()].filter((user) => restrictedFlag(user, members));
      const users: DirectoryUser[] = [];
      for (let page = 1; ; page++) {
        await request(ENDPOINT.protectedUsers, signal);
        const kind = takeFault(
          ENDPOINT.protectedUsers,
          (fault) => fault.operation === "protected-users" && (fault.page ?? 1) === page,
        );
        if (kind) {
          const failure = failureForFault(
            kind,
            `Protected users (isManagementRestricted eq true), page ${page}`,
          );
          // Only a first-page 400/403 says the query itself is unusable; later trouble is a partial read.
          if (page === 1 && (kind === "unsupported" || kind === "forbidden")) {
            return { primarySignal: kind, users: [], complete: false, failure };
          }
          return { primarySignal: "available", users, complete: false, failure };
        }
        users.push(...all.slice((page - 1) * pageSize, page * pageSize).map(toDirectoryUser));
        if (page * pageSize >= all.length) return { primarySignal: "available", users, complete: true };
      }
    },

    async readRestrictedUnits(readOptions: ReadOptions = {}): Promise<RestrictedUnitsRead> {
      const { signal } = readOptions;
      const all = [...tenant.units.values()].filter((unit) => unit.isMemberManagementRestricted === true);
      const units: RestrictedUnit[] = [];
      for (let page = 1; ; page++) {
        await request(ENDPOINT.units, signal);
        const kind = takeFault(
          ENDPOINT.units,
          (fault) => fault.operation === "restricted-units" && (fault.page ?? 1) === page,
        );
        if (kind) {
          return { units, complete: false, failure: failureForFault(kind, `Restricted units, page ${page}`) };
        }
        for (const unit of all.slice((page - 1) * pageSize, page * pageSize)) {
          units.push({
            id: unit.id,
            displayName: unit.displayName,
            membershipType: unit.membershipType?.toLowerCase() === "dynamic" ? "dynamic" : "assigned",
            visibility: unit.visibility?.toLowerCase() === "hiddenmembership" ? "hiddenMembership" : "public",
            members: await readUnitMembers(unit, signal),
          });
        }
        if (page * pageSize >= all.length) return { units, complete: true };
      }
    },

    async readRestrictedUnitChanges(
      deltaLink: string | undefined,
      readOptions: ReadOptions = {},
    ): Promise<UnitChangesRead> {
      const { signal } = readOptions;
      const token = deltaLink?.startsWith(DELTA_LINK_PREFIX)
        ? deltaLink.slice(DELTA_LINK_PREFIX.length)
        : undefined;
      // The round's end state is taken when the round starts, as Graph's token reflects the state at the
      // first request; the pages then hand out what changed up to it.
      const changes = token === undefined ? [] : tracker.changesSince(token);
      const nextToken = tracker.mark();
      for (let page = 1; ; page++) {
        await request(ENDPOINT.unitChanges, signal);
        if (!unitChangeTracking) {
          return {
            outcome: "unsupported",
            failure: {
              kind: "unsupported",
              status: 400,
              code: "BadRequest",
              message:
                "Unit changes (administrativeUnits/delta): this cloud does not declare the function (400).",
            },
          };
        }
        const kind = takeFault(
          ENDPOINT.unitChanges,
          (fault) => fault.operation === "unit-changes" && (fault.page ?? 1) === page,
        );
        if (kind) {
          return { outcome: "incomplete", failure: failureForFault(kind, `Unit changes, page ${page}`) };
        }
        if ((deltaLink !== undefined && token === undefined) || changes === undefined) {
          return {
            outcome: "resync-required",
            failure: {
              kind: "not-found",
              status: 400,
              code: "syncStateNotFound",
              message:
                "Unit changes: the delta token is expired or unknown (syncStateNotFound); read the units in full.",
            },
          };
        }
        if (page * pageSize >= changes.length) {
          return {
            outcome: "complete",
            changes: changes.map(toUnitChange),
            deltaLink: `${DELTA_LINK_PREFIX}${nextToken}`,
          };
        }
      }
    },

    async checkUsers(
      refs: readonly AccountRef[],
      readOptions: ReadOptions = {},
    ): Promise<readonly UserCheck[]> {
      const { signal } = readOptions;
      signal?.throwIfAborted();
      // Without the property (the cloud answered 400 to the protected-users query) no flag can be read.
      const flagUnavailable = faults.has(
        (fault) => fault.operation === "protected-users" && fault.kind === "unsupported",
      );
      const byId = new Map([...tenant.users.values()].map((user) => [user.id.toLowerCase(), user]));
      const byUpn = new Map(
        [...tenant.users.values()].map((user) => [user.userPrincipalName.toLowerCase(), user]),
      );
      const members = restrictedMemberIds();
      const checks: UserCheck[] = [];
      for (const ref of refs) {
        await request(ENDPOINT.user, signal);
        // Literal map lookups: a hostile UPN such as `' or 1 eq 1` can only miss, never widen a query.
        const user =
          ref.id !== undefined
            ? byId.get(ref.id.toLowerCase())
            : byUpn.get(ref.userPrincipalName.toLowerCase());
        const named = [ref.id, ref.userPrincipalName, user?.id].filter((value) => value !== undefined);
        const kind = takeFault(
          ENDPOINT.user,
          (fault) =>
            fault.operation === "user-check" &&
            named.some((name) => name.toLowerCase() === fault.userId.toLowerCase()),
        );
        const what = `User ${ref.id ?? ref.userPrincipalName}`;
        if (kind) checks.push({ outcome: "failed", failure: failureForFault(kind, what) });
        else if (!user) checks.push({ outcome: "failed", failure: failureForFault("not-found", what) });
        else {
          checks.push({
            outcome: "found",
            user: toDirectoryUser(user),
            isManagementRestricted: flagUnavailable ? "unavailable" : restrictedFlag(user, members),
          });
        }
      }
      return checks;
    },

    readRoleHolders: (role, readOptions = {}) =>
      readRoleHoldersInMemory(tenant, role, {
        request: (endpoint) => request(endpoint, readOptions.signal),
        takeFault,
      }),

    classifyFailure: normalizeRotationFailure,

    stats(): DirectoryStats {
      const byEndpoint: Record<string, EndpointCounters> = {};
      let requests = 0;
      let throttled = 0;
      for (const [endpoint, counter] of counters) {
        byEndpoint[endpoint] = { ...counter };
        requests += counter.requests;
        throttled += counter.throttled;
      }
      return { requests, retries: 0, throttled, byEndpoint };
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    resetStats() {
      counters = new Map();
    },
  };
  return directory;
}
