/**
 * A tiny in-memory directory for core's own tests (the full fake lives in @rotation-exclusion/testing,
 * which core must not depend on). Faults are plain data: change them between calls.
 */
import type {
  DirectoryFailure,
  DirectoryFailureKind,
  DirectoryReader,
  PrimarySignal,
  ReadOptions,
  RestrictedUnit,
  RoleHoldersRead,
  RoleReadFailure,
  UserCheck,
} from "@rotation-exclusion/core";

/** A GUID made from a small number, so tests read well. */
export function guid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export interface FakeUser {
  id: string;
  userPrincipalName: string;
}

export interface FakeUnit {
  id: string;
  displayName?: string;
  restricted: boolean;
  hidden?: boolean;
  dynamic?: boolean;
  userIds: string[];
  groupIds?: string[];
  deviceIds?: string[];
  otherIds?: string[];
}

/** One holder of a fake role: a user of the tenant, or (any other id) a service principal. */
export interface FakeRoleHolder {
  principalId: string;
  kind?: "active" | "eligible";
  /** The role-assignable group the user holds the role through. */
  via?: { groupId: string; groupDisplayName: string | null };
  /** Default `/`. */
  directoryScopeId?: string;
  /** Default: derived from the role, principal, kind and group. */
  assignmentId?: string;
  displayName?: string;
}

export interface FakeRole {
  id: string;
  displayName: string;
  holders: FakeRoleHolder[];
  /** Failed steps to report (the read is then incomplete). */
  failures?: RoleReadFailure[];
}

export interface FakeTenant {
  users: FakeUser[];
  units: FakeUnit[];
  roles?: FakeRole[];
}

/** Stop a read after `afterCount` items with a failure of `kind`. */
export interface PageFault {
  kind: DirectoryFailureKind;
  afterCount: number;
}

export interface FakeFaults {
  primarySignal?: PrimarySignal;
  protectedUsers?: PageFault | undefined;
  unitList?: PageFault | undefined;
  unitMembers?: Record<string, PageFault>;
  /** The app holds Member.Read.Hidden (and the reader says so: `hiddenMembersVisible`). Default false. */
  canReadHidden?: boolean;
  /**
   * What a hidden unit lists without Member.Read.Hidden: nothing (`empty`, default) or only its non-user
   * members (`omit-users`: the silently short list of docs/decisions/0002).
   */
  hiddenUnitBehavior?: "empty" | "omit-users";
  checkUsers?: DirectoryFailureKind | undefined;
  /** Every method throws this (a buggy reader). */
  throwError?: Error | undefined;
  /** Reads wait for this promise (single-flight and abort tests). */
  gate?: Promise<void> | undefined;
}

export interface FakeDirectory {
  readonly reader: DirectoryReader;
  readonly tenant: FakeTenant;
  faults: FakeFaults;
  readonly calls: {
    protectedUsers: number;
    restrictedUnits: number;
    checkUsers: number;
    checkedRefs: number;
    roleHolders: string[];
  };
  /** Signals passed to reads, to see whether the shared read was aborted. */
  readonly signals: AbortSignal[];
}

function failure(kind: DirectoryFailureKind, what: string): DirectoryFailure {
  const status = {
    throttled: 429,
    "permission-missing": 403,
    "not-found": 404,
    unsupported: 400,
    "bad-response": 200,
    unavailable: 503,
  }[kind];
  return { kind, message: `${what} failed with ${kind}`, status };
}

async function wait(gate: Promise<void> | undefined, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (gate === undefined) return;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    gate.then(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, reject);
  });
  signal?.throwIfAborted();
}

/** True when Entra would report the user management-restricted (direct member of a restricted unit). */
export function trulyRestricted(tenant: FakeTenant, userId: string): boolean {
  return tenant.units.some((unit) => unit.restricted && unit.userIds.includes(userId));
}

export function createFakeDirectory(tenant: FakeTenant, faults: FakeFaults = {}): FakeDirectory {
  const fake: FakeDirectory = {
    tenant,
    faults,
    calls: { protectedUsers: 0, restrictedUnits: 0, checkUsers: 0, checkedRefs: 0, roleHolders: [] },
    signals: [],
    reader: {
      async readProtectedUsers(options?: ReadOptions) {
        fake.calls.protectedUsers += 1;
        if (options?.signal) fake.signals.push(options.signal);
        await wait(fake.faults.gate, options?.signal);
        if (fake.faults.throwError) throw fake.faults.throwError;
        const primarySignal = fake.faults.primarySignal ?? "available";
        if (primarySignal !== "available") {
          const kind = primarySignal === "forbidden" ? "permission-missing" : "unsupported";
          return {
            primarySignal,
            users: [],
            complete: false,
            failure: failure(kind, "protected-user query"),
          };
        }
        const users = fake.tenant.users
          .filter((user) => trulyRestricted(fake.tenant, user.id))
          .map((user) => ({ id: user.id, userPrincipalName: user.userPrincipalName, displayName: null }));
        const fault = fake.faults.protectedUsers;
        if (fault === undefined) return { primarySignal, users, complete: true };
        return {
          primarySignal,
          users: users.slice(0, fault.afterCount),
          complete: false,
          failure: failure(fault.kind, "protected-user query"),
        };
      },
      async readRestrictedUnits(options?: ReadOptions) {
        fake.calls.restrictedUnits += 1;
        await wait(fake.faults.gate, options?.signal);
        if (fake.faults.throwError) throw fake.faults.throwError;
        const all: RestrictedUnit[] = fake.tenant.units
          .filter((unit) => unit.restricted)
          .map((unit) => {
            const hiddenFromUs = unit.hidden === true && fake.faults.canReadHidden !== true;
            const omitUsersOnly = fake.faults.hiddenUnitBehavior === "omit-users";
            const list = (ids: string[] | undefined, users = false) =>
              hiddenFromUs && (users || !omitUsersOnly) ? [] : [...(ids ?? [])];
            const memberFault = fake.faults.unitMembers?.[unit.id];
            const cut = (ids: string[]) => (memberFault ? ids.slice(0, memberFault.afterCount) : ids);
            return {
              id: unit.id,
              displayName: unit.displayName ?? null,
              membershipType: unit.dynamic ? "dynamic" : "assigned",
              visibility: unit.hidden ? "hiddenMembership" : "public",
              members: {
                userIds: cut(list(unit.userIds, true)),
                groupIds: cut(list(unit.groupIds)),
                deviceIds: cut(list(unit.deviceIds)),
                otherIds: cut(list(unit.otherIds)),
                complete: memberFault === undefined,
                ...(memberFault ? { failure: failure(memberFault.kind, `members of ${unit.id}`) } : {}),
                ...(unit.hidden ? { hiddenMembersVisible: fake.faults.canReadHidden === true } : {}),
              },
            };
          });
        const fault = fake.faults.unitList;
        if (fault === undefined) return { units: all, complete: true };
        return {
          units: all.slice(0, fault.afterCount),
          complete: false,
          failure: failure(fault.kind, "unit list"),
        };
      },
      async checkUsers(refs, options?: ReadOptions) {
        fake.calls.checkUsers += 1;
        fake.calls.checkedRefs += refs.length;
        await wait(fake.faults.gate, options?.signal);
        if (fake.faults.throwError) throw fake.faults.throwError;
        return refs.map((ref): UserCheck => {
          if (fake.faults.checkUsers)
            return { outcome: "failed", failure: failure(fake.faults.checkUsers, "user check") };
          const user = fake.tenant.users.find((u) =>
            ref.id !== undefined
              ? u.id === ref.id.toLowerCase()
              : u.userPrincipalName.toLowerCase() === ref.userPrincipalName.toLowerCase(),
          );
          if (user === undefined) return { outcome: "failed", failure: failure("not-found", "user check") };
          const flagAvailable = (fake.faults.primarySignal ?? "available") === "available";
          return {
            outcome: "found",
            user: { id: user.id, userPrincipalName: user.userPrincipalName, displayName: null },
            isManagementRestricted: flagAvailable ? trulyRestricted(fake.tenant, user.id) : "unavailable",
          };
        });
      },
      async readRoleHolders(role, options?: ReadOptions): Promise<RoleHoldersRead> {
        fake.calls.roleHolders.push(role);
        await wait(fake.faults.gate, options?.signal);
        if (fake.faults.throwError) throw fake.faults.throwError;
        const wanted = role.toLowerCase();
        const found = fake.tenant.roles?.find(
          (r) => r.id.toLowerCase() === wanted || r.displayName.toLowerCase() === wanted,
        );
        if (found === undefined) return { role: null, users: [], others: [], complete: true, failures: [] };
        const read: RoleHoldersRead = {
          role: { id: found.id, displayName: found.displayName },
          users: [],
          others: [],
          complete: (found.failures ?? []).length === 0,
          failures: found.failures ?? [],
        };
        for (const holder of found.holders) {
          const kind = holder.kind ?? "active";
          const directoryScopeId = holder.directoryScopeId ?? "/";
          const assignmentId =
            holder.assignmentId ??
            `${found.id}:${kind}:${holder.via?.groupId ?? holder.principalId}:${directoryScopeId}`;
          const user = fake.tenant.users.find((u) => u.id === holder.principalId);
          if (user) {
            (read.users as RoleHoldersRead["users"][number][]).push({
              user: { id: user.id, userPrincipalName: user.userPrincipalName, displayName: null },
              kind,
              via: holder.via ?? null,
              directoryScopeId,
              assignmentId,
            });
          } else {
            (read.others as RoleHoldersRead["others"][number][]).push({
              principalId: holder.principalId,
              principalType: "servicePrincipal",
              displayName: holder.displayName ?? null,
              kind,
              directoryScopeId,
              assignmentId,
            });
          }
        }
        return read;
      },
    },
  };
  return fake;
}
