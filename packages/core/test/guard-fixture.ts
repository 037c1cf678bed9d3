/** A standard small tenant, store and guard for core's public-API tests. */
import {
  type AutoRotateRecord,
  createRotationGuard,
  ROTATION_EXCLUSION_ACTOR,
  type RotationGuard,
  type RotationGuardOptions,
} from "@rotation-exclusion/core";
import {
  createFakeDirectory,
  type FakeDirectory,
  type FakeFaults,
  type FakeTenant,
  guid,
} from "./directory-fixture.js";
import { createFakeStore, type FakeStore, type SeedAccount } from "./fake-store.js";

export const TENANT_ID = "11111111-2222-4333-8444-555555555555";

export const ALICE = guid(1); // direct member of the public restricted unit
export const BOB = guid(2); // in no restricted unit (member of an ordinary unit)
export const CAROL = guid(3); // member of a group that sits in the restricted unit: NOT protected
export const DAVE = guid(4); // direct member of the hidden-membership restricted unit
export const ERIN = guid(5); // direct member of the public restricted unit
export const PUBLIC_UNIT = guid(100);
export const HIDDEN_UNIT = guid(101);
export const ORDINARY_UNIT = guid(102);
export const GROUP = guid(200);

/** An exclusion record written by us (the guard), as an account store would hold it. */
export const OUR_EXCLUSION: AutoRotateRecord = {
  kind: "exclusion",
  changedBy: ROTATION_EXCLUSION_ACTOR,
  reasonCode: "unit-member",
  reason: "Direct member of restricted unit Tier 0",
  unitIds: [],
  evidence: [],
  changedAt: "2025-12-01T00:00:00.000Z",
};

export function standardTenant(): FakeTenant {
  return {
    users: [
      { id: ALICE, userPrincipalName: "alice@contoso.test" },
      { id: BOB, userPrincipalName: "bob@contoso.test" },
      { id: CAROL, userPrincipalName: "carol@contoso.test" },
      { id: DAVE, userPrincipalName: "dave@contoso.test" },
      { id: ERIN, userPrincipalName: "erin@contoso.test" },
    ],
    units: [
      { id: PUBLIC_UNIT, displayName: "Tier 0", restricted: true, userIds: [ALICE, ERIN], groupIds: [GROUP] },
      { id: HIDDEN_UNIT, displayName: "Break glass", restricted: true, hidden: true, userIds: [DAVE] },
      { id: ORDINARY_UNIT, displayName: "Sales", restricted: false, userIds: [BOB] },
    ],
  };
}

export function standardAccounts(): SeedAccount[] {
  return [
    { key: "alice", objectId: ALICE, userPrincipalName: "alice@contoso.test", autoRotate: true },
    { key: "bob", objectId: BOB, userPrincipalName: "bob@contoso.test", autoRotate: true },
    { key: "carol", objectId: CAROL, autoRotate: true },
    { key: "dave", objectId: DAVE, autoRotate: true },
    { key: "erin", objectId: ERIN, autoRotate: true },
  ];
}

export interface Fixture {
  readonly directory: FakeDirectory;
  readonly store: FakeStore;
  readonly guard: RotationGuard;
  /** Moves the injected clock forward. */
  advance(ms: number): void;
  now(): number;
}

export function createFixture(
  init: {
    tenant?: FakeTenant;
    faults?: FakeFaults;
    accounts?: SeedAccount[];
    options?: Partial<Omit<RotationGuardOptions, "tenantId" | "directory" | "accounts">>;
  } = {},
): Fixture {
  let nowMs = Date.UTC(2026, 0, 1);
  const directory = createFakeDirectory(
    init.tenant ?? standardTenant(),
    init.faults ?? { canReadHidden: true },
  );
  const store = createFakeStore(init.accounts ?? standardAccounts());
  const guard = createRotationGuard({
    tenantId: TENANT_ID,
    directory: directory.reader,
    accounts: store.store,
    clock: () => nowMs,
    ...init.options,
  });
  return {
    directory,
    store,
    guard,
    advance(ms) {
      nowMs += ms;
    },
    now: () => nowMs,
  };
}

/** The keys of a report list. */
export const keys = (list: readonly { key: string }[]) => list.map((entry) => entry.key);
