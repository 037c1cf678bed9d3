/**
 * The safety rules, one named test each: an exclusion only on positive evidence, "not protected" only
 * from a complete snapshot, membership never transitive, operator exclusions never re-enabled, and one
 * account's failing write never costing the others.
 */
import { createRotationGuard, ROTATION_EXCLUSION_ACTOR } from "@rotation-exclusion/core";
import { describe, expect, test, vi } from "vitest";
import {
  ALICE,
  BOB,
  CAROL,
  createFixture,
  DAVE,
  ERIN,
  GROUP,
  keys,
  PUBLIC_UNIT,
  TENANT_ID,
} from "./guard-fixture.js";

describe("safety rule 1: an exclusion is persisted only on positive evidence", () => {
  test("throttled protected-set read: undecided accounts are deferred and nothing is written for them", async () => {
    const f = createFixture({
      faults: { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } },
    });
    const report = await f.guard.excludeFromAutoRotation();
    expect(report.snapshot.complete).toBe(false);
    // Alice, Dave and Erin are listed by readable units: positive evidence still counts.
    expect(keys(report.excluded)).toEqual(["alice", "dave", "erin"]);
    expect(keys(report.deferred)).toEqual(["bob", "carol"]);
    expect(report.deferred.map((d) => d.verdict.reasonCode)).toEqual(["throttled", "throttled"]);
    expect(f.store.writes.map((w) => w.key).sort()).toEqual(["alice", "dave", "erin"]);
    expect(f.store.get("bob")?.autoRotate).toBe(true);
    expect(f.store.get("carol")?.autoRotate).toBe(true);
  });

  test("missing permission (primary signal forbidden, hidden unit unreadable): deferred, nothing written for them", async () => {
    const f = createFixture({ faults: { primarySignal: "forbidden", canReadHidden: false } });
    const report = await f.guard.excludeFromAutoRotation();
    expect(report.snapshot.complete).toBe(false);
    expect(report.snapshot.primarySignal).toBe("forbidden");
    expect(keys(report.excluded)).toEqual(["alice", "erin"]);
    expect(keys(report.deferred)).toEqual(["bob", "carol", "dave"]);
    for (const entry of report.deferred) expect(entry.verdict.status).toBe("unknown");
    expect(f.store.writes.map((w) => w.key).sort()).toEqual(["alice", "erin"]);
  });

  test("a failed unit-member page in fallback mode: unknown with the failure's reason code", async () => {
    const f = createFixture({
      faults: {
        primarySignal: "unsupported",
        canReadHidden: true,
        unitMembers: { [PUBLIC_UNIT]: { kind: "bad-response", afterCount: 1 } },
      },
    });
    const report = await f.guard.excludeFromAutoRotation();
    // The partial page listed Alice: kept. Erin was on the lost part of the page: undecided.
    expect(keys(report.excluded)).toEqual(["alice", "dave"]);
    const erin = report.deferred.find((d) => d.key === "erin");
    expect(erin?.verdict.reasonCode).toBe("bad-response");
    expect(erin?.verdict.reason).toContain(PUBLIC_UNIT);
    expect(f.store.get("erin")?.autoRotate).toBe(true);
    expect(f.store.get("bob")?.autoRotate).toBe(true);
  });

  test("a partial protected-set page keeps the users it did list and defers the rest", async () => {
    const f = createFixture({
      faults: { canReadHidden: false, protectedUsers: { kind: "unavailable", afterCount: 1 } },
    });
    const verdict = await f.guard.checkProtection(ALICE);
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "restricted-flag" });
    f.directory.faults.checkUsers = "throttled";
    const bob = await f.guard.checkProtection(BOB);
    expect(bob).toMatchObject({ status: "unknown", reasonCode: "throttled" });
  });
});

describe("safety rule 2: not-protected comes only from a complete snapshot (or a fresh read of the user's flag)", () => {
  test("incomplete snapshot: no account is counted not-protected", async () => {
    const f = createFixture({
      faults: { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 1 } },
    });
    const report = await f.guard.excludeFromAutoRotation();
    expect(report.notProtectedCount).toBe(0);
    expect(f.guard.lastSnapshot()?.complete).toBe(false);
  });

  test("checkProtection on an incomplete snapshot answers not-protected only after a fresh per-user read", async () => {
    const f = createFixture({
      faults: { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } },
    });
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "not-protected",
      reason: expect.stringContaining("fresh read"),
    });
    expect(f.directory.calls.checkUsers).toBe(1);
    f.directory.faults.checkUsers = "unavailable";
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "unknown",
      reasonCode: "directory-unavailable",
    });
    expect(await f.guard.isRotationProtected(BOB)).toBe(true);
  });

  test("in fallback mode the per-user check cannot say not-protected (the flag is unavailable)", async () => {
    const f = createFixture({ faults: { primarySignal: "forbidden", canReadHidden: false } });
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "unknown",
      reasonCode: "snapshot-incomplete",
    });
    f.directory.faults.canReadHidden = true;
    f.advance(300_000);
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "not-protected",
      reasonCode: "not-restricted",
    });
  });
});

describe("safety rule 3: membership is never transitive", () => {
  test("a user in a group inside a restricted unit is not protected by it, and the group is a finding", async () => {
    for (const primarySignal of ["available", "unsupported"] as const) {
      const f = createFixture({ faults: { primarySignal, canReadHidden: true } });
      expect(await f.guard.checkProtection(CAROL)).toMatchObject({ status: "not-protected" });
      const report = await f.guard.excludeFromAutoRotation();
      expect(keys(report.excluded)).not.toContain("carol");
      expect(report.snapshot.findings).toContainEqual(
        expect.objectContaining({ code: "GROUP_IN_RESTRICTED_UNIT", unitId: PUBLIC_UNIT, objectId: GROUP }),
      );
    }
  });
});

describe("safety rule 4: operator exclusions are never re-enabled; ours only with restoreReleased", () => {
  const operatorRecord = {
    kind: "exclusion" as const,
    changedBy: "operator@msp.test",
    reasonCode: "restricted-flag" as const,
    reason: "manual",
    unitIds: [],
    evidence: [],
    changedAt: "2025-01-01T00:00:00.000Z",
  };

  test("operator-excluded accounts are untouched, with and without restoreReleased", async () => {
    for (const restoreReleased of [false, true]) {
      const f = createFixture({
        accounts: [
          { key: "bob", objectId: BOB, autoRotate: false, record: operatorRecord },
          { key: "carol", objectId: CAROL, autoRotate: false },
          { key: "alice", objectId: ALICE, autoRotate: false, record: operatorRecord },
        ],
        options: { restoreReleased },
      });
      const report = await f.guard.excludeFromAutoRotation();
      expect(f.store.writes).toEqual([]);
      expect(keys(report.alreadyExcluded)).toEqual(["alice"]);
      expect(report.notProtectedCount).toBe(2);
      expect(f.store.get("bob")?.autoRotate).toBe(false);
      expect(f.store.get("carol")?.autoRotate).toBe(false);
    }
  });

  test("our released exclusion is reported newly then still, and stays off", async () => {
    const onReleased = vi.fn();
    const f = createFixture({ options: { onReleased } });
    await f.guard.excludeFromAutoRotation();
    expect(f.store.get("alice")?.record).toMatchObject({
      kind: "exclusion",
      changedBy: ROTATION_EXCLUSION_ACTOR,
    });
    f.directory.tenant.units[0]?.userIds.splice(0, 1); // Alice leaves the unit
    f.advance(1000);
    const first = await f.guard.excludeFromAutoRotation();
    expect(keys(first.released.newly)).toEqual(["alice"]);
    expect(f.store.get("alice")).toMatchObject({
      autoRotate: false,
      record: { releasedAt: new Date(f.now()).toISOString() },
    });
    expect(onReleased).toHaveBeenCalledTimes(1);
    expect(onReleased.mock.calls[0]?.[0]).toMatchObject({ key: "alice", accountId: ALICE });
    const writes = f.store.writes.length;
    const second = await f.guard.excludeFromAutoRotation();
    expect(keys(second.released.still)).toEqual(["alice"]);
    expect(second.released.newly).toEqual([]);
    expect(f.store.writes.length).toBe(writes);
    expect(onReleased).toHaveBeenCalledTimes(1);
  });

  test("with restoreReleased, ours is re-enabled only from a complete snapshot", async () => {
    const f = createFixture({ options: { restoreReleased: true } });
    await f.guard.excludeFromAutoRotation();
    f.directory.tenant.units[0]?.userIds.splice(0, 1);
    f.directory.faults.protectedUsers = { kind: "throttled", afterCount: 0 };
    const incomplete = await f.guard.excludeFromAutoRotation();
    expect(keys(incomplete.deferred)).toContain("alice");
    expect(f.store.get("alice")?.autoRotate).toBe(false);
    f.directory.faults.protectedUsers = undefined;
    const complete = await f.guard.excludeFromAutoRotation();
    expect(keys(complete.restored)).toEqual(["alice"]);
    expect(f.store.get("alice")).toMatchObject({ autoRotate: true, record: undefined });
  });
});

describe("safety rule 5: one account's failing or conflicting write does not stop the others", () => {
  test("errors and conflicts are reported per account, the rest is written, and the next call converges", async () => {
    const f = createFixture();
    f.store.faults.throwOn.add("alice");
    f.store.faults.conflictOn.add("dave");
    const report = await f.guard.excludeFromAutoRotation();
    expect(keys(report.errors)).toEqual(["alice"]);
    expect(report.errors[0]?.message).toContain("disk full");
    expect(report.errors[0]?.verdict.status).toBe("protected");
    expect(keys(report.conflicts)).toEqual(["dave"]);
    expect(report.conflicts[0]?.current?.key).toBe("dave");
    expect(keys(report.excluded)).toEqual(["erin"]);
    expect(f.store.get("erin")?.autoRotate).toBe(false);

    f.store.faults.throwOn.clear();
    f.store.faults.conflictOn.clear();
    const next = await f.guard.excludeFromAutoRotation();
    expect(keys(next.excluded)).toEqual(["alice", "dave"]);
    expect(keys(next.alreadyExcluded)).toEqual(["erin"]);
    const writes = f.store.writes.length;
    const third = await f.guard.excludeFromAutoRotation();
    expect(f.store.writes.length).toBe(writes);
    expect(keys(third.alreadyExcluded)).toEqual(["alice", "dave", "erin"]);
    expect(
      [ALICE, DAVE, ERIN].every((id) => f.store.all().find((a) => a.objectId === id)?.autoRotate === false),
    ).toBe(true);
  });
});

describe("safety rule 7: a refused write protects until a later complete read, on every guard", () => {
  const DENIAL = {
    status: 403,
    code: "Authorization_RequestDenied",
    message:
      "Insufficient privileges to complete the operation. Target object is a member of a restricted management administrative unit and can only be modified by administrators scoped to that administrative unit.",
  };

  // Two workers share one account store. Worker A reads a complete snapshot that does not list Bob (the
  // flag lags the unit); before A lists the store, worker B's rotation of Bob is refused by a restricted
  // unit and B excludes him. A's snapshot started before the refusal, so it cannot speak for Bob.
  test("a denial another guard recorded after this run's read keeps the account excluded, even with restoreReleased", async () => {
    const a = createFixture({ options: { restoreReleased: true } });
    const b = createRotationGuard({
      tenantId: TENANT_ID,
      directory: a.directory.reader,
      accounts: a.store.store,
      clock: () => a.now(),
    });
    const list = a.store.store.list.bind(a.store.store);
    let raced = false;
    a.store.store.list = async (options) => {
      if (!raced) {
        raced = true;
        a.advance(1_000);
        await b.recordRotationFailure(BOB, DENIAL);
      }
      return list(options);
    };
    expect((await b.checkProtection(BOB)).status).toBe("not-protected");
    const report = await a.guard.excludeFromAutoRotation();
    expect(report.snapshot.complete).toBe(true);
    expect(a.store.get("bob")).toMatchObject({
      autoRotate: false,
      record: {
        kind: "exclusion",
        reasonCode: "rotation-denied-by-unit",
        changedBy: ROTATION_EXCLUSION_ACTOR,
      },
    });
    expect(keys(report.alreadyExcluded)).toContain("bob");
    expect(keys(report.restored)).not.toContain("bob");
    expect(keys(report.released.newly)).not.toContain("bob");

    // A complete read that started after the refusal speaks for Bob again (rule 4 then applies).
    a.advance(1_000);
    const later = await a.guard.excludeFromAutoRotation();
    expect(keys(later.restored)).toEqual(["bob"]);
    expect(a.store.get("bob")).toMatchObject({ autoRotate: true, record: undefined });
  });

  test("a guard that never saw the denial still honours it from the record until a newer complete read", async () => {
    const a = createFixture();
    await a.guard.recordRotationFailure(BOB, DENIAL);
    expect(a.store.get("bob")?.autoRotate).toBe(false);
    // Worker C starts with the same store, a snapshot read before the denial, and no memory of it.
    const c = createRotationGuard({
      tenantId: TENANT_ID,
      directory: a.directory.reader,
      accounts: a.store.store,
      clock: () => a.now() - 5_000,
      restoreReleased: true,
    });
    const report = await c.excludeFromAutoRotation();
    expect(report.snapshot.complete).toBe(true);
    expect(keys(report.alreadyExcluded)).toContain("bob");
    expect(a.store.get("bob")?.autoRotate).toBe(false);
  });
});
