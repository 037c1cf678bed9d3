/** excludeFromAutoRotation: outcomes, records, dry run, idempotency, pending, hooks, store failures, abort. */
import {
  type AutoRotateRecord,
  isRotationExclusionError,
  ROTATION_EXCLUSION_ACTOR,
} from "@rotation-exclusion/core";
import { describe, expect, test, vi } from "vitest";
import { guid } from "./directory-fixture.js";
import {
  ALICE,
  BOB,
  CAROL,
  createFixture,
  DAVE,
  ERIN,
  keys,
  PUBLIC_UNIT,
  TENANT_ID,
} from "./guard-fixture.js";

const pending: AutoRotateRecord = {
  kind: "pendingVerification",
  changedBy: ROTATION_EXCLUSION_ACTOR,
  reasonCode: "snapshot-incomplete",
  reason: "imported before verification",
  unitIds: [],
  evidence: [],
  changedAt: "2025-12-31T00:00:00.000Z",
};

describe("excludeFromAutoRotation", () => {
  test("writes an exclusion record with reason, units and evidence, compare-and-set on the listed version", async () => {
    const f = createFixture();
    const before = f.store.get("alice")?.version;
    const report = await f.guard.excludeFromAutoRotation();
    expect(report).toMatchObject({
      tenantId: TENANT_ID,
      dryRun: false,
      aborted: false,
      accountCount: 5,
      notProtectedCount: 2,
    });
    expect(report.snapshot).toMatchObject({
      complete: true,
      primarySignal: "available",
      protectedUserCount: 3,
      restrictedUnitCount: 2,
    });
    expect(keys(report.excluded)).toEqual(["alice", "dave", "erin"]);
    const write = f.store.writes.find((w) => w.key === "alice")?.write;
    expect(write).toMatchObject({
      expectedVersion: before,
      autoRotate: false,
      record: {
        kind: "exclusion",
        changedBy: ROTATION_EXCLUSION_ACTOR,
        reasonCode: "restricted-flag",
        unitIds: [PUBLIC_UNIT],
        changedAt: new Date(f.now()).toISOString(),
      },
    });
    expect(write?.record?.evidence.map((e) => e.kind)).toEqual(["restricted-flag", "unit-member"]);
    expect(report.timings.startedAt).toBe(new Date(f.now()).toISOString());
  });

  test("is idempotent: a second call with no directory change writes nothing", async () => {
    const f = createFixture();
    await f.guard.excludeFromAutoRotation();
    const writes = f.store.writes.length;
    const second = await f.guard.excludeFromAutoRotation();
    expect(f.store.writes.length).toBe(writes);
    expect(second.excluded).toEqual([]);
    expect(keys(second.alreadyExcluded)).toEqual(["alice", "dave", "erin"]);
  });

  test("dryRun reports the same entries, writes nothing and calls no hook", async () => {
    const onReleased = vi.fn();
    const f = createFixture({
      accounts: [
        { key: "alice", objectId: ALICE, autoRotate: true },
        {
          key: "bob",
          objectId: BOB,
          autoRotate: false,
          record: { ...pending, kind: "exclusion", reasonCode: "unit-member" },
        },
        { key: "carol", objectId: CAROL, autoRotate: false, record: pending },
      ],
      options: { onReleased },
    });
    const dry = await f.guard.excludeFromAutoRotation({ dryRun: true });
    expect(f.store.writes).toEqual([]);
    expect(onReleased).not.toHaveBeenCalled();
    expect(dry.dryRun).toBe(true);
    const real = await f.guard.excludeFromAutoRotation();
    for (const report of [dry, real]) {
      expect(keys(report.excluded)).toEqual(["alice"]);
      expect(keys(report.released.newly)).toEqual(["bob"]);
      expect(keys(report.activated)).toEqual(["carol"]);
    }
    expect(onReleased).toHaveBeenCalledTimes(1);
  });

  test("pendingVerification records: converted when protected, activated when not, listed while undecided", async () => {
    const f = createFixture({
      faults: { canReadHidden: false },
      accounts: [
        { key: "alice", objectId: ALICE, autoRotate: false, record: pending },
        { key: "bob", objectId: BOB, autoRotate: false, record: pending },
      ],
    });
    f.directory.faults.protectedUsers = { kind: "throttled", afterCount: 0 };
    const undecided = await f.guard.excludeFromAutoRotation();
    expect(keys(undecided.excluded)).toEqual(["alice"]); // listed by a readable unit
    expect(keys(undecided.deferred)).toEqual(["bob"]);
    expect(keys(undecided.pending)).toEqual(["bob"]);
    expect(f.store.get("alice")?.record).toMatchObject({ kind: "exclusion", reasonCode: "unit-member" });
    f.directory.faults.protectedUsers = undefined;
    const decided = await f.guard.excludeFromAutoRotation({});
    expect(keys(decided.activated)).toEqual(["bob"]);
    expect(decided.pending).toEqual([]);
    expect(f.store.get("bob")).toMatchObject({ autoRotate: true, record: undefined });
  });

  test("protection coming back clears releasedAt with one write", async () => {
    const f = createFixture({
      accounts: [
        {
          key: "alice",
          objectId: ALICE,
          autoRotate: false,
          record: { ...pending, kind: "exclusion", releasedAt: "2025-12-31T12:00:00.000Z" },
        },
      ],
    });
    const report = await f.guard.excludeFromAutoRotation();
    expect(keys(report.alreadyExcluded)).toEqual(["alice"]);
    expect(f.store.writes.length).toBe(1);
    expect(f.store.get("alice")?.record?.releasedAt).toBeUndefined();
    expect(f.store.get("alice")?.record?.reasonCode).toBe("restricted-flag");
  });

  test("UPN-only accounts are resolved in one batched checkUsers call", async () => {
    const f = createFixture({
      accounts: [
        { key: "alice", userPrincipalName: "alice@contoso.test", autoRotate: true },
        { key: "bob", userPrincipalName: "bob@contoso.test", autoRotate: true },
        { key: "ghost", userPrincipalName: "ghost@contoso.test", autoRotate: true },
        { key: "erin", objectId: ERIN, autoRotate: true },
      ],
    });
    const report = await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls).toMatchObject({ checkUsers: 1, checkedRefs: 3 });
    expect(keys(report.excluded)).toEqual(["alice", "erin"]);
    expect(report.excluded[0]).toMatchObject({ accountId: ALICE, userPrincipalName: "alice@contoso.test" });
    expect(report.deferred.map((d) => [d.key, d.verdict.reasonCode])).toEqual([["ghost", "not-found"]]);
    expect(report.notProtectedCount).toBe(1);
  });

  test("an account with a denial remembered since the last complete snapshot is decided in full, not counted as plain", async () => {
    const f = createFixture();
    await f.guard.recordRotationFailure(BOB, {
      status: 403,
      code: "Authorization_RequestDenied",
      message:
        "Target object is a member of a restricted management administrative unit and can only be modified by administrators scoped to that administrative unit.",
    });
    // An operator turns rotation back on and clears our record: only the remembered denial is left.
    f.store.edit("bob", { autoRotate: true, record: undefined });
    const report = await f.guard.excludeFromAutoRotation({ dryRun: true });
    expect(report.excluded.find((entry) => entry.key === "bob")?.verdict.reasonCode).toBe(
      "rotation-denied-by-unit",
    );
    expect(report.notProtectedCount).toBe(1);
  });

  test("a throwing account list rejects with store-failed, cause kept, nothing written", async () => {
    const f = createFixture();
    f.store.faults.listThrows = true;
    const error = await f.guard.excludeFromAutoRotation().catch((e: unknown) => e);
    expect(isRotationExclusionError(error)).toBe(true);
    expect(error).toMatchObject({ code: "store-failed", tenantId: TENANT_ID, cause: expect.any(Error) });
    expect((error as Error).message).toContain(TENANT_ID);
  });

  test("a throwing onReleased hook is logged and the run goes on", async () => {
    const errors: object[] = [];
    const f = createFixture({
      accounts: [
        { key: "bob", objectId: BOB, autoRotate: false, record: { ...pending, kind: "exclusion" } },
        { key: "carol", objectId: CAROL, autoRotate: false, record: { ...pending, kind: "exclusion" } },
      ],
      options: {
        onReleased: () => {
          throw new Error("hook broke");
        },
        logger: { debug() {}, info() {}, warn() {}, error: (obj) => errors.push(obj) },
      },
    });
    const report = await f.guard.excludeFromAutoRotation();
    expect(keys(report.released.newly)).toEqual(["bob", "carol"]);
    expect(errors.length).toBe(2);
  });

  test("abort before or during the snapshot rejects with the signal's reason", async () => {
    const f = createFixture();
    const reason = new Error("shutdown");
    await expect(f.guard.excludeFromAutoRotation({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    let open!: () => void;
    f.directory.faults.gate = new Promise((resolve) => {
      open = resolve;
    });
    const run = f.guard.excludeFromAutoRotation({ signal: controller.signal });
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    open();
    expect(f.store.writes).toEqual([]);
  });

  test("abort mid-walk stops issuing writes, keeps what was written and resolves with the rest deferred", async () => {
    const f = createFixture({ options: { writeConcurrency: 1 } });
    const controller = new AbortController();
    const update = f.store.store.update;
    f.store.store.update = async (...args) => {
      const result = await update(...args);
      controller.abort();
      return result;
    };
    const report = await f.guard.excludeFromAutoRotation({ signal: controller.signal });
    expect(report.aborted).toBe(true);
    expect(keys(report.excluded)).toEqual(["alice"]);
    expect(report.deferred.map((d) => [d.key, d.verdict.reasonCode])).toEqual([
      ["dave", "aborted"],
      ["erin", "aborted"],
    ]);
    expect(f.store.writes.map((w) => w.key)).toEqual(["alice"]);
    expect(f.store.get("dave")?.autoRotate).toBe(true);
  });

  test("write concurrency is bounded", async () => {
    // One protected user per account: a store may not list one object id twice (store-failed).
    const ids = Array.from({ length: 20 }, (_, i) => guid(300 + i));
    const accounts = ids.map((objectId, i) => ({ key: `a${i}`, objectId, autoRotate: true }));
    const tenant = {
      users: ids.map((id, i) => ({ id, userPrincipalName: `u${i}@contoso.test` })),
      units: [{ id: PUBLIC_UNIT, restricted: true, userIds: ids }],
    };
    const f = createFixture({ tenant, accounts, options: { writeConcurrency: 3 } });
    let inFlight = 0;
    let peak = 0;
    const update = f.store.store.update;
    f.store.store.update = async (...args) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return update(...args);
    };
    const report = await f.guard.excludeFromAutoRotation();
    expect(report.excluded.length).toBe(20);
    expect(peak).toBe(3);
    expect(keys(report.excluded)).toEqual(accounts.map((a) => a.key));
  });

  test("findings cover empty, dynamic, non-user and unreadable units and incomplete reads", async () => {
    const f = createFixture({
      tenant: {
        users: [{ id: ALICE, userPrincipalName: "alice@contoso.test" }],
        units: [
          { id: DAVE, restricted: true, userIds: [] },
          { id: ERIN, restricted: true, dynamic: true, userIds: [ALICE], otherIds: [BOB] },
          { id: CAROL, restricted: true, hidden: true, userIds: [ALICE] },
          // Listed after the failure: the unit list stops before it.
          { id: BOB, restricted: true, userIds: [ALICE] },
        ],
      },
      faults: {
        canReadHidden: false,
        protectedUsers: { kind: "throttled", afterCount: 0 },
        unitList: { kind: "unavailable", afterCount: 3 },
      },
    });
    const { snapshot } = await f.guard.excludeFromAutoRotation();
    const codes = snapshot.findings.map((x) => `${x.code}:${x.unitId ?? x.objectId ?? ""}`);
    expect(codes).toEqual([
      "PROTECTED_SET_INCOMPLETE:",
      "UNIT_LIST_INCOMPLETE:",
      `EMPTY_RESTRICTED_UNIT:${DAVE}`,
      `DYNAMIC_RESTRICTED_UNIT:${ERIN}`,
      `NON_USER_MEMBER:${ERIN}`,
      `UNIT_MEMBERS_UNREADABLE:${CAROL}`,
    ]);
    f.directory.faults = { primarySignal: "forbidden", canReadHidden: true };
    const fallback = await f.guard.excludeFromAutoRotation();
    expect(fallback.snapshot.findings.map((x) => x.code)).toContain("PRIMARY_SIGNAL_UNAVAILABLE");
    expect(fallback.snapshot.complete).toBe(true);
  });
});
