/**
 * Core's tests describe a tenant and its faults as small plain data (`FakeTenant`, `FakeFaults`, which a
 * test may change between calls) and read it through the testing kit's in-memory directory, the reader
 * the directory contract suite holds to Graph's behaviour. This stub only translates that data, counts
 * calls, and adds what a contract-tested reader never does: throwing (a buggy reader) and waiting on a
 * gate (single-flight and abort tests).
 */
import type {
  DirectoryFailureKind,
  DirectoryReader,
  PrimarySignal,
  RoleReadFailure,
  UserCheck,
} from "@rotation-exclusion/core/ports";
import {
  type ContractFaultKind,
  createInMemoryDirectory,
  type InMemoryFault,
  type TenantModel,
} from "@rotation-exclusion/testing";

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
  /** Members of another kind (service principals): listed, never users. */
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
  /**
   * Steps of the role read that fail: their holders are missing from the read, which reports these
   * failures exactly as given (core's findings are worded from them).
   */
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

/** True when Entra would report the user management-restricted (direct member of a restricted unit). */
export function trulyRestricted(tenant: FakeTenant, userId: string): boolean {
  return tenant.units.some((unit) => unit.restricted && unit.userIds.includes(userId));
}

const CONTRACT_KIND: Record<DirectoryFailureKind, ContractFaultKind> = {
  throttled: "throttled",
  "permission-missing": "forbidden",
  "not-found": "not-found",
  unsupported: "unsupported",
  "bad-response": "bad-response",
  unavailable: "server-error",
  "authentication-failed": "unauthorized",
};

const ROLE_OPERATION = {
  "role-definition": "role-definition",
  "active-assignments": "role-assignments",
  "eligible-assignments": "role-eligibility",
} as const;

/** The tenant as the testing kit models it: groups, devices and service principals made for every id. */
function modelOf(tenant: FakeTenant): TenantModel {
  const model: TenantModel = {
    tenantId: "11111111-2222-4333-8444-555555555555",
    users: new Map(),
    groups: new Map(),
    devices: new Map(),
    servicePrincipals: new Map(),
    units: new Map(),
    roleDefinitions: new Map(),
    roleAssignments: [],
  };
  for (const { id, userPrincipalName } of tenant.users) {
    // Core's tests name users by UPN only; the directory reports no display name for them.
    model.users.set(id, { id, userPrincipalName, displayName: null as unknown as string });
  }
  const group = (id: string, displayName: string | null, roleAssignable: boolean) => {
    const existing = model.groups.get(id);
    if (existing !== undefined) return existing;
    const made = { id, displayName: displayName ?? id, isAssignableToRole: roleAssignable, memberIds: [] };
    model.groups.set(id, made);
    return made;
  };
  const servicePrincipal = (id: string, displayName: string | null) => {
    if (!model.servicePrincipals.has(id)) {
      model.servicePrincipals.set(id, { id, appId: id, displayName: displayName as string });
    }
  };
  for (const unit of tenant.units) {
    for (const id of unit.groupIds ?? []) group(id, null, false);
    for (const id of unit.deviceIds ?? []) model.devices.set(id, { id, displayName: id });
    for (const id of unit.otherIds ?? []) servicePrincipal(id, null);
    model.units.set(unit.id, {
      id: unit.id,
      displayName: unit.displayName ?? (null as unknown as string),
      isMemberManagementRestricted: unit.restricted,
      membershipType: unit.dynamic ? "Dynamic" : "Assigned",
      visibility: unit.hidden ? "HiddenMembership" : "Public",
      memberIds: [
        ...unit.userIds,
        ...(unit.groupIds ?? []),
        ...(unit.deviceIds ?? []),
        ...(unit.otherIds ?? []),
      ],
    });
  }
  for (const role of tenant.roles ?? []) {
    model.roleDefinitions.set(role.id, { id: role.id, displayName: role.displayName, isBuiltIn: true });
    for (const holder of role.holders) {
      const kind = holder.kind ?? "active";
      const directoryScopeId = holder.directoryScopeId ?? "/";
      const principalId = holder.via?.groupId ?? holder.principalId;
      if (holder.via !== undefined) {
        const via = group(holder.via.groupId, holder.via.groupDisplayName, true);
        if (!via.memberIds.includes(holder.principalId)) via.memberIds.push(holder.principalId);
      } else if (!model.users.has(holder.principalId)) {
        servicePrincipal(holder.principalId, holder.displayName ?? null);
      }
      const id = holder.assignmentId ?? `${role.id}:${kind}:${principalId}:${directoryScopeId}`;
      if (model.roleAssignments.some((assignment) => assignment.id === id)) continue;
      model.roleAssignments.push({ id, kind, roleDefinitionId: role.id, principalId, directoryScopeId });
    }
  }
  return model;
}

/** The faults as the in-memory directory takes them; it reads one item per page, so a cut is a page. */
function faultsOf(tenant: FakeTenant, faults: FakeFaults): InMemoryFault[] {
  const page = (fault: PageFault) => ({ kind: CONTRACT_KIND[fault.kind], page: fault.afterCount + 1 });
  const list: InMemoryFault[] = [];
  const signal = faults.primarySignal ?? "available";
  if (signal !== "available") list.push({ operation: "protected-users", kind: signal, page: 1 });
  else if (faults.protectedUsers) list.push({ operation: "protected-users", ...page(faults.protectedUsers) });
  if (faults.unitList) list.push({ operation: "restricted-units", ...page(faults.unitList) });
  for (const [unitId, fault] of Object.entries(faults.unitMembers ?? {})) {
    list.push({ operation: "unit-members", unitId, ...page(fault) });
  }
  for (const role of tenant.roles ?? []) {
    for (const { step, groupId, failure } of role.failures ?? []) {
      const kind = CONTRACT_KIND[failure.kind];
      if (step === "group-members") list.push({ operation: "group-members", groupId: groupId ?? "", kind });
      else list.push({ operation: ROLE_OPERATION[step], kind });
    }
  }
  return list;
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

export function createFakeDirectory(tenant: FakeTenant, faults: FakeFaults = {}): FakeDirectory {
  // Built anew for every call, so a test can change the tenant or the faults between calls.
  const current = () => {
    const { canReadHidden = false, hiddenUnitBehavior = "empty" } = fake.faults;
    return createInMemoryDirectory(modelOf(fake.tenant), {
      pageSize: 1,
      permissions: { memberReadHidden: canReadHidden, hiddenUnitBehavior },
      faults: faultsOf(fake.tenant, fake.faults),
    });
  };
  const before = async (signal: AbortSignal | undefined) => {
    await wait(fake.faults.gate, signal);
    if (fake.faults.throwError) throw fake.faults.throwError;
  };
  const fake: FakeDirectory = {
    tenant,
    faults,
    calls: { protectedUsers: 0, restrictedUnits: 0, checkUsers: 0, checkedRefs: 0, roleHolders: [] },
    signals: [],
    reader: {
      async readProtectedUsers(options = {}) {
        fake.calls.protectedUsers += 1;
        if (options.signal) fake.signals.push(options.signal);
        await before(options.signal);
        return current().readProtectedUsers(options);
      },
      async readRestrictedUnits(options = {}) {
        fake.calls.restrictedUnits += 1;
        await before(options.signal);
        return current().readRestrictedUnits(options);
      },
      async checkUsers(refs, options = {}) {
        fake.calls.checkUsers += 1;
        fake.calls.checkedRefs += refs.length;
        await before(options.signal);
        const failing = fake.faults.checkUsers;
        const directory = current();
        for (const ref of failing === undefined ? [] : refs) {
          const userId = ref.id ?? ref.userPrincipalName;
          directory.injectFault({
            operation: "user-check",
            userId,
            kind: CONTRACT_KIND[failing as DirectoryFailureKind],
          });
        }
        const checks = await directory.checkUsers(refs, options);
        // Without the protected-set query (400 or 403), the flag cannot be read per user either.
        if ((fake.faults.primarySignal ?? "available") === "available") return checks;
        return checks.map(
          (check): UserCheck =>
            check.outcome === "found" ? { ...check, isManagementRestricted: "unavailable" } : check,
        );
      },
      async readRoleHolders(role, options = {}) {
        fake.calls.roleHolders.push(role);
        await before(options.signal);
        const read = await current().readRoleHolders(role, options);
        const wanted = role.toLowerCase();
        const given = fake.tenant.roles?.find(
          (r) => r.id.toLowerCase() === wanted || r.displayName.toLowerCase() === wanted,
        )?.failures;
        return given === undefined || given.length === 0
          ? read
          : { ...read, complete: false, failures: given };
      },
    },
  };
  return fake;
}
