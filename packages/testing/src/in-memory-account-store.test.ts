import type { AutoRotateRecord } from "@rotation-exclusion/core";
import {
  createInMemoryAccountStore,
  emergencyAccessTenant,
  isTestingError,
  managedAccountsFor,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const { tenant, ids } = emergencyAccessTenant();

const exclusion: AutoRotateRecord = {
  kind: "exclusion",
  changedBy: "rotation-exclusion",
  reasonCode: "unit-member",
  reason: "Direct member of restricted unit Emergency access",
  unitIds: [ids.emergencyAccessUnit],
  evidence: [
    {
      kind: "unit-member",
      unitId: ids.emergencyAccessUnit,
      unitDisplayName: "Emergency access",
      observedAt: "2026-01-01T00:00:00.000Z",
    },
  ],
  changedAt: "2026-01-01T00:00:00.000Z",
};

const seeded = () =>
  createInMemoryAccountStore(managedAccountsFor(tenant, [ids.breakGlass1, ids.activeAdmin]));

describe("createInMemoryAccountStore", () => {
  it("seeds accounts from tenant users with counter versions", async () => {
    const store = seeded();
    expect(await store.list()).toEqual([
      {
        key: ids.breakGlass1,
        objectId: ids.breakGlass1,
        userPrincipalName: tenant.users.get(ids.breakGlass1)?.userPrincipalName,
        autoRotate: true,
        record: undefined,
        version: "1",
      },
      expect.objectContaining({ key: ids.activeAdmin, version: "2" }),
    ]);
    expect(managedAccountsFor(tenant, [ids.eligibleAdmin], { autoRotate: false })[0]?.autoRotate).toBe(false);
    expect(() => managedAccountsFor(tenant, ["ghost"])).toThrow(/ghost/);
  });

  it("writes on the expected version and moves the version", async () => {
    const store = seeded();
    const result = await store.update(ids.breakGlass1, {
      expectedVersion: "1",
      autoRotate: false,
      record: exclusion,
    });
    expect(result).toEqual({
      status: "written",
      account: expect.objectContaining({ autoRotate: false, version: "3" }),
    });
    expect(store.get(ids.breakGlass1)?.record).toEqual(exclusion);
    const cleared = await store.update(ids.breakGlass1, {
      expectedVersion: "3",
      autoRotate: true,
      record: null,
    });
    expect(cleared.status === "written" && cleared.account.record).toBeUndefined();
  });

  it("keeps releaseAlertPending as written, and drops it when a write leaves it out", async () => {
    const store = seeded();
    const owed: AutoRotateRecord = {
      ...exclusion,
      releasedAt: "2026-01-02T00:00:00.000Z",
      releaseAlertPending: true,
    };
    const written = await store.update(ids.breakGlass1, {
      expectedVersion: "1",
      autoRotate: false,
      record: owed,
    });
    // Core reads the flag back from the written account to tell a store that keeps it from one that drops it.
    expect(written.status === "written" && written.account.record).toEqual(owed);
    expect(store.get(ids.breakGlass1)?.record).toEqual(owed);
    expect((await store.list())[0]?.record?.releaseAlertPending).toBe(true);
    const { releaseAlertPending: _sent, ...sent } = owed;
    await store.update(ids.breakGlass1, { expectedVersion: "3", autoRotate: false, record: sent });
    expect(store.get(ids.breakGlass1)?.record).toEqual(sent);
    expect(store.get(ids.breakGlass1)?.record).not.toHaveProperty("releaseAlertPending");
  });

  it("answers conflict for a stale version or an unknown key, changing nothing", async () => {
    const store = seeded();
    const stale = await store.update(ids.breakGlass1, {
      expectedVersion: "0",
      autoRotate: false,
      record: exclusion,
    });
    expect(stale).toEqual({
      status: "conflict",
      current: expect.objectContaining({ version: "1", autoRotate: true }),
    });
    expect(await store.update("ghost", { expectedVersion: "1", autoRotate: false, record: null })).toEqual({
      status: "conflict",
      current: undefined,
    });
    expect(store.get(ids.breakGlass1)?.autoRotate).toBe(true);
  });

  it("adds accounts and refuses a second one with the same object id (any case)", async () => {
    const store = seeded();
    const added = await store.add({ objectId: ids.eligibleAdmin, autoRotate: false, record: exclusion });
    expect(added).toEqual({
      status: "written",
      account: expect.objectContaining({ key: ids.eligibleAdmin, version: "3" }),
    });
    const again = await store.add({
      objectId: ids.breakGlass1.toUpperCase(),
      autoRotate: true,
      record: null,
    });
    expect(again).toEqual({ status: "conflict", current: expect.objectContaining({ key: ids.breakGlass1 }) });
    expect(store.snapshot()).toHaveLength(3);
  });

  it("simulates an operator changing the account between list and update", async () => {
    const store = createInMemoryAccountStore(managedAccountsFor(tenant, [ids.breakGlass1]), {
      conflicts: [{ key: ids.breakGlass1, change: { autoRotate: false } }],
    });
    const [listed] = await store.list();
    const first = await store.update(ids.breakGlass1, {
      expectedVersion: listed?.version ?? "",
      autoRotate: false,
      record: exclusion,
    });
    expect(first).toEqual({
      status: "conflict",
      current: expect.objectContaining({ autoRotate: false, version: "2", record: undefined }),
    });
    // The conflict is spent: a retry on the fresh version goes through.
    const retry = await store.update(ids.breakGlass1, {
      expectedVersion: "2",
      autoRotate: false,
      record: exclusion,
    });
    expect(retry.status).toBe("written");
    store.injectConflict({ key: ids.breakGlass1, times: 2 });
    expect(
      (await store.update(ids.breakGlass1, { expectedVersion: "3", autoRotate: true, record: null })).status,
    ).toBe("conflict");
    expect(
      (await store.update(ids.breakGlass1, { expectedVersion: "4", autoRotate: true, record: null })).status,
    ).toBe("conflict");
    expect(
      (await store.update(ids.breakGlass1, { expectedVersion: "5", autoRotate: true, record: null })).status,
    ).toBe("written");
    expect(store.operatorChange(ids.breakGlass1, { record: exclusion })).toMatchObject({
      version: "7",
      record: exclusion,
    });
  });

  it("throws injected failures on the Nth write, for given keys, N times", async () => {
    const store = createInMemoryAccountStore(
      managedAccountsFor(tenant, [ids.breakGlass1, ids.breakGlass2, ids.activeAdmin]),
      {
        failures: [{ onCall: 2, times: 2 }],
      },
    );
    const write = (key: string, expectedVersion: string) =>
      store.update(key, { expectedVersion, autoRotate: false, record: null });
    expect((await write(ids.breakGlass1, "1")).status).toBe("written");
    const error = await write(ids.breakGlass2, "2").catch((caught: unknown) => caught);
    expect(isTestingError(error) && error.code).toBe("injected-failure");
    await expect(write(ids.activeAdmin, "3")).rejects.toThrow(/injected/);
    expect((await write(ids.activeAdmin, "3")).status).toBe("written");
    expect(store.get(ids.breakGlass2)?.autoRotate).toBe(true);

    const custom = new Error("database is read-only");
    store.failWrites({ keys: [ids.breakGlass2], times: Number.POSITIVE_INFINITY, error: custom });
    await expect(write(ids.breakGlass2, "2")).rejects.toBe(custom);
    await expect(write(ids.breakGlass2, "2")).rejects.toBe(custom);
    await expect(
      store.add({ objectId: ids.eligibleAdmin, autoRotate: true, record: null }),
    ).resolves.toMatchObject({
      status: "written",
    });
  });

  it("can fail list and add separately", async () => {
    const store = createInMemoryAccountStore([], {
      failures: [{ operation: "list" }, { operation: "add", keys: [ids.activeAdmin] }],
    });
    await expect(store.list()).rejects.toThrow(/list/);
    expect(await store.list()).toEqual([]);
    await expect(store.add({ objectId: ids.activeAdmin, autoRotate: true, record: null })).rejects.toThrow(
      ids.activeAdmin,
    );
    expect((await store.add({ objectId: ids.activeAdmin, autoRotate: true, record: null })).status).toBe(
      "written",
    );
  });

  it("logs every attempted write with its result", async () => {
    const store = createInMemoryAccountStore(managedAccountsFor(tenant, [ids.breakGlass1]), {
      failures: [{ onCall: 3 }],
    });
    await store.update(ids.breakGlass1, { expectedVersion: "1", autoRotate: false, record: exclusion });
    await store.update(ids.breakGlass1, { expectedVersion: "1", autoRotate: true, record: null });
    await store.add({ objectId: ids.activeAdmin, autoRotate: true, record: null }).catch(() => undefined);
    const log = store.writeLog();
    expect(log.map(({ sequence, operation, key, result }) => ({ sequence, operation, key, result }))).toEqual(
      [
        { sequence: 1, operation: "update", key: ids.breakGlass1, result: "written" },
        { sequence: 2, operation: "update", key: ids.breakGlass1, result: "conflict" },
        { sequence: 3, operation: "add", key: ids.activeAdmin, result: "failed" },
      ],
    );
    expect(log[0]).toMatchObject({ version: "2", write: { autoRotate: false, record: exclusion } });
    expect(isTestingError(log[2]?.error)).toBe(true);
  });

  it("hands out copies, so a test cannot change the store by accident", async () => {
    const store = createInMemoryAccountStore([{ key: "row-1", autoRotate: true, record: exclusion }]);
    const copy = store.get("row-1") as unknown as { autoRotate: boolean; record?: { unitIds: string[] } };
    copy.autoRotate = false;
    copy.record?.unitIds.push("tampered");
    expect(store.get("row-1")).toMatchObject({
      autoRotate: true,
      record: { unitIds: [ids.emergencyAccessUnit] },
    });
    expect(() => createInMemoryAccountStore([{ autoRotate: true }])).toThrow(/key or an object id/);
    expect(() =>
      createInMemoryAccountStore([
        { key: "a", autoRotate: true },
        { key: "a", autoRotate: true },
      ]),
    ).toThrow(/share/);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const store = seeded();
    const reason = new Error("stop");
    await expect(store.list({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(
      store.update(
        ids.breakGlass1,
        { expectedVersion: "1", autoRotate: false, record: null },
        { signal: AbortSignal.abort(reason) },
      ),
    ).rejects.toBe(reason);
    expect(store.writeLog()).toEqual([]);
  });
});
