/**
 * The account store contract: what core relies on from every `AccountStore` (the in-memory store of
 * this kit, a host's database table, the fleet's PostgreSQL store), as one vitest suite each
 * implementation runs through its own harness, so that they cannot drift. Compare-and-set is the heart
 * of it: a write names the version it expects, and of two writers on one version exactly one wins.
 */
import type {
  AccountStore,
  AccountWriteResult,
  AutoRotateRecord,
  ManagedAccount,
  NewManagedAccount,
} from "@rotation-exclusion/core";
import type { ReadOptions } from "@rotation-exclusion/core/ports";
import { describe, expect, test } from "vitest";

/** An account to seed a store under test with; the store assigns the version. */
export interface ContractSeedAccount {
  readonly key: string;
  readonly objectId?: string;
  readonly userPrincipalName?: string;
  readonly autoRotate: boolean;
  readonly record?: AutoRotateRecord;
}

/** A store under test, with the one thing the contract cannot do through the port. */
export interface AccountStoreUnderTest {
  readonly store: AccountStore & {
    add(account: NewManagedAccount, options?: ReadOptions): Promise<AccountWriteResult>;
  };
  /**
   * An operator (or another worker) changes the account now, outside this store object: the version
   * must move, so that a write on the old version conflicts.
   */
  operatorChange(key: string, change: { readonly autoRotate: boolean }): Promise<void>;
  /** Releases what the store holds (connections, tables). */
  dispose?(): Promise<void>;
}

/** How the contract makes a store: seeded, empty of anything else, isolated from other tests. */
export interface AccountStoreHarness {
  create(seed: readonly ContractSeedAccount[]): Promise<AccountStoreUnderTest>;
}

const UNIT = "8c1d7c3e-52d4-4a43-9a60-0c6d1c2f9e11";
const BREAK_GLASS = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const ADMIN = "7d444840-9dc0-41d3-8a4e-1d1b9e0c2f02";
const NEWCOMER = "a5b8f1c2-7e3d-4b6a-9c0d-2e4f6a8b0c13";

/** A record with every field the port knows, evidence of every kind included (nulls too). */
const FULL_RECORD: AutoRotateRecord = {
  kind: "exclusion",
  changedBy: "rotation-exclusion",
  reasonCode: "rotation-denied-by-unit",
  reason: "A password change was denied because the user is in a restricted management administrative unit",
  unitIds: [UNIT],
  evidence: [
    {
      kind: "rotation-denied",
      message: "Target object is a member of a restricted management administrative unit",
      status: 403,
      code: "Authorization_RequestDenied",
      requestId: null,
      observedAt: "2026-01-01T00:00:00.000Z",
    },
    { kind: "restricted-flag", observedAt: "2026-01-01T00:00:01.000Z" },
    { kind: "unit-member", unitId: UNIT, unitDisplayName: null, observedAt: "2026-01-01T00:00:02.000Z" },
  ],
  changedAt: "2026-01-01T00:00:03.000Z",
  releasedAt: "2026-01-02T00:00:00.000Z",
  releaseAlertPending: true,
};

const seed = (): ContractSeedAccount[] => [
  { key: "row-break-glass", objectId: BREAK_GLASS, userPrincipalName: "bg1@contoso.test", autoRotate: true },
  { key: "row-admin", objectId: ADMIN, autoRotate: false, record: { ...FULL_RECORD, releasedAt: undefined } },
];

function byKey(accounts: readonly ManagedAccount[], key: string): ManagedAccount {
  const found = accounts.find((account) => account.key === key);
  if (found === undefined) throw new Error(`the store did not list ${key}`);
  return found;
}

async function withStore(
  harness: AccountStoreHarness,
  run: (under: AccountStoreUnderTest) => Promise<void>,
): Promise<void> {
  const under = await harness.create(seed());
  try {
    await run(under);
  } finally {
    await under.dispose?.();
  }
}

/**
 * Registers the account store contract suite for one implementation.
 *
 * @example
 * describeAccountStoreContract("in-memory", {
 *   async create(seed) {
 *     const store = createInMemoryAccountStore(seed);
 *     return { store, operatorChange: async (key, change) => void store.operatorChange(key, change) };
 *   },
 * });
 */
export function describeAccountStoreContract(name: string, harness: AccountStoreHarness): void {
  describe(`account store contract: ${name}`, () => {
    test("lists every seeded account with its fields and a version", () =>
      withStore(harness, async ({ store }) => {
        const listed = await store.list();
        expect(listed.map((account) => account.key).sort()).toEqual(["row-admin", "row-break-glass"]);
        const bg = byKey(listed, "row-break-glass");
        expect(bg).toMatchObject({
          objectId: BREAK_GLASS,
          userPrincipalName: "bg1@contoso.test",
          autoRotate: true,
        });
        expect(bg.record).toBeUndefined();
        expect(typeof bg.version).toBe("string");
        const admin = byKey(listed, "row-admin");
        expect(admin.userPrincipalName).toBeUndefined();
        expect(admin.record).toEqual({ ...FULL_RECORD, releasedAt: undefined });
      }));

    test("a write on the expected version lands, moves the version and answers the account as stored", () =>
      withStore(harness, async ({ store }) => {
        const before = byKey(await store.list(), "row-break-glass");
        const result = await store.update(before.key, {
          expectedVersion: before.version,
          autoRotate: false,
          record: FULL_RECORD,
        });
        expect(result.status).toBe("written");
        const after = byKey(await store.list(), "row-break-glass");
        expect(after.version).not.toBe(before.version);
        expect(after).toMatchObject({ autoRotate: false, objectId: BREAK_GLASS });
        // Every field of the record, releaseAlertPending included, comes back as written.
        expect(after.record).toEqual(FULL_RECORD);
        expect(result.status === "written" && result.account).toEqual(after);
      }));

    test("a record replaces the stored one whole: a field left out is gone, null clears it", () =>
      withStore(harness, async ({ store }) => {
        let account = byKey(await store.list(), "row-break-glass");
        const written = await store.update(account.key, {
          expectedVersion: account.version,
          autoRotate: false,
          record: FULL_RECORD,
        });
        if (written.status !== "written") throw new Error("the first write must land");
        const { releaseAlertPending: _sent, ...sent } = FULL_RECORD;
        await store.update(account.key, {
          expectedVersion: written.account.version,
          autoRotate: false,
          record: sent,
        });
        account = byKey(await store.list(), "row-break-glass");
        expect(account.record).toEqual(sent);
        expect(account.record).not.toHaveProperty("releaseAlertPending");
        await store.update(account.key, { expectedVersion: account.version, autoRotate: true, record: null });
        account = byKey(await store.list(), "row-break-glass");
        expect(account.record).toBeUndefined();
        expect(account.autoRotate).toBe(true);
      }));

    test("a stale version or an unknown key answers conflict and changes nothing", () =>
      withStore(harness, async ({ store }) => {
        const before = byKey(await store.list(), "row-break-glass");
        const fresh = await store.update(before.key, {
          expectedVersion: before.version,
          autoRotate: true,
          record: null,
        });
        if (fresh.status !== "written") throw new Error("the first write must land");
        const stale = await store.update(before.key, {
          expectedVersion: before.version,
          autoRotate: false,
          record: FULL_RECORD,
        });
        expect(stale).toEqual({ status: "conflict", current: fresh.account });
        const ghost = await store.update("row-ghost", {
          expectedVersion: before.version,
          autoRotate: false,
          record: null,
        });
        expect(ghost).toEqual({ status: "conflict", current: undefined });
        expect(byKey(await store.list(), before.key)).toEqual(fresh.account);
        expect(await store.list()).toHaveLength(2);
      }));

    test("an operator's change between list and update makes the update conflict; a retry on it lands", () =>
      withStore(harness, async ({ store, operatorChange }) => {
        const listed = byKey(await store.list(), "row-break-glass");
        await operatorChange(listed.key, { autoRotate: false });
        const write = { autoRotate: false, record: FULL_RECORD };
        const first = await store.update(listed.key, { ...write, expectedVersion: listed.version });
        expect(first.status).toBe("conflict");
        const current = first.status === "conflict" ? first.current : undefined;
        expect(current).toMatchObject({ autoRotate: false });
        expect(current?.version).not.toBe(listed.version);
        const retry = await store.update(listed.key, { ...write, expectedVersion: current?.version ?? "" });
        expect(retry.status).toBe("written");
      }));

    test("of two writers on one version exactly one wins", () =>
      withStore(harness, async ({ store }) => {
        const listed = byKey(await store.list(), "row-break-glass");
        const results = await Promise.all(
          [true, false, true, false].map((autoRotate) =>
            store.update(listed.key, { expectedVersion: listed.version, autoRotate, record: null }),
          ),
        );
        expect(results.filter((result) => result.status === "written")).toHaveLength(1);
        expect(results.filter((result) => result.status === "conflict")).toHaveLength(3);
      }));

    test("add writes a new account and refuses a second one with the same object id, in any letter case", () =>
      withStore(harness, async ({ store }) => {
        const added = await store.add({
          objectId: NEWCOMER,
          userPrincipalName: "new@contoso.test",
          autoRotate: false,
          record: FULL_RECORD,
        });
        expect(added.status).toBe("written");
        const account = added.status === "written" ? added.account : undefined;
        expect(account).toMatchObject({ objectId: NEWCOMER, autoRotate: false, record: FULL_RECORD });
        expect(byKey(await store.list(), account?.key ?? "")).toEqual(account);
        const again = await store.add({
          objectId: BREAK_GLASS.toUpperCase(),
          autoRotate: true,
          record: null,
        });
        expect(again.status).toBe("conflict");
        expect(again.status === "conflict" && again.current?.key).toBe("row-break-glass");
        expect(await store.list()).toHaveLength(3);
      }));

    test("an aborted call rejects with the signal's reason and writes nothing", () =>
      withStore(harness, async ({ store }) => {
        const reason = new Error("stop");
        const signal = AbortSignal.abort(reason);
        await expect(store.list({ signal })).rejects.toBe(reason);
        const listed = byKey(await store.list(), "row-break-glass");
        await expect(
          store.update(
            listed.key,
            { expectedVersion: listed.version, autoRotate: false, record: null },
            { signal },
          ),
        ).rejects.toBe(reason);
        expect(byKey(await store.list(), listed.key)).toEqual(listed);
      }));
  });
}
