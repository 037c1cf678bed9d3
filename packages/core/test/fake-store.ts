/** A tiny compare-and-set account store for core's own tests, with injectable write faults. */
import type {
  AccountStore,
  AccountWrite,
  AutoRotateRecord,
  ManagedAccount,
  NewManagedAccount,
} from "@rotation-exclusion/core";

export interface SeedAccount {
  key: string;
  objectId?: string;
  userPrincipalName?: string;
  autoRotate: boolean;
  record?: AutoRotateRecord;
}

export interface FakeStoreFaults {
  /** Keys whose writes throw. */
  throwOn: Set<string>;
  /** Keys whose writes meet a concurrent change (the version moves just before the write). */
  conflictOn: Set<string>;
  listThrows: boolean;
  /** Object ids whose `add` throws. */
  addThrowOn: Set<string>;
  /** Object ids someone else adds just before our `add` (which then conflicts). */
  addRaceOn: Set<string>;
}

export interface FakeStore {
  readonly store: AccountStore;
  readonly faults: FakeStoreFaults;
  readonly writes: { key: string; write: AccountWrite }[];
  readonly adds: NewManagedAccount[];
  get(key: string): ManagedAccount | undefined;
  all(): ManagedAccount[];
  /** Simulates an operator editing an account (bumps its version). */
  edit(key: string, change: Partial<Pick<ManagedAccount, "autoRotate" | "record">>): void;
}

export function createFakeStore(seed: SeedAccount[]): FakeStore {
  const accounts = new Map<string, ManagedAccount>();
  let counter = 0;
  const put = (account: Omit<ManagedAccount, "version">) => {
    counter += 1;
    accounts.set(account.key, { ...account, version: `v${counter}` });
  };
  for (const account of seed) put(account);
  const fake: FakeStore = {
    faults: {
      throwOn: new Set(),
      conflictOn: new Set(),
      listThrows: false,
      addThrowOn: new Set(),
      addRaceOn: new Set(),
    },
    writes: [],
    adds: [],
    get: (key) => accounts.get(key),
    all: () => [...accounts.values()],
    edit(key, change) {
      const current = accounts.get(key);
      if (current) put({ ...current, ...change });
    },
    store: {
      async list() {
        if (fake.faults.listThrows) throw new Error("store offline");
        return [...accounts.values()];
      },
      async update(key, write) {
        if (fake.faults.throwOn.has(key)) throw new Error(`write to ${key} failed: disk full`);
        if (fake.faults.conflictOn.has(key)) fake.edit(key, {});
        const current = accounts.get(key);
        if (current === undefined || current.version !== write.expectedVersion)
          return { status: "conflict", current };
        fake.writes.push({ key, write });
        const { record, autoRotate } = write;
        put({ ...current, autoRotate, record: record ?? undefined });
        return { status: "written", account: accounts.get(key) as ManagedAccount };
      },
      async add(account) {
        const id = account.objectId.toLowerCase();
        if (fake.faults.addThrowOn.has(id)) throw new Error(`add of ${id} failed: store offline`);
        if (fake.faults.addRaceOn.has(id) && !accounts.has(`race-${id}`)) {
          put({ key: `race-${id}`, objectId: id, autoRotate: true });
        }
        const current = [...accounts.values()].find((a) => a.objectId?.toLowerCase() === id);
        if (current !== undefined) return { status: "conflict", current };
        fake.adds.push(account);
        const { record, ...rest } = account;
        put({ key: `added-${id}`, ...rest, ...(record ? { record } : {}) });
        return { status: "written", account: accounts.get(`added-${id}`) as ManagedAccount };
      },
    },
  };
  return fake;
}
