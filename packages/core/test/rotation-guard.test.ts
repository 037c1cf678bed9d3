/** checkProtection / isRotationProtected: verdicts, single-flight, abort, refresh intervals, input checks. */
import { createRotationGuard, isRotationExclusionError, type Logger } from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { guid } from "./directory-fixture.js";
import {
  ALICE,
  BOB,
  CAROL,
  createFixture,
  DAVE,
  ERIN,
  HIDDEN_UNIT,
  PUBLIC_UNIT,
  standardTenant,
  TENANT_ID,
} from "./guard-fixture.js";

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("checkProtection", () => {
  test("restricted flag, unit member, not restricted", async () => {
    const f = createFixture();
    const alice = await f.guard.checkProtection(ALICE);
    expect(alice).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
      accountId: ALICE,
      unitIds: [PUBLIC_UNIT],
    });
    expect(alice.evidence.map((e) => e.kind)).toEqual(["restricted-flag", "unit-member"]);
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "not-protected",
      reasonCode: "not-restricted",
    });
    expect(await f.guard.checkProtection(CAROL)).toMatchObject({ status: "not-protected" });
  });

  test("accounts named by UPN are resolved with checkUsers", async () => {
    const f = createFixture();
    expect(await f.guard.checkProtection({ userPrincipalName: "ALICE@contoso.test" })).toMatchObject({
      status: "protected",
      accountId: ALICE,
    });
    expect(await f.guard.checkProtection({ userPrincipalName: "bob@contoso.test" })).toMatchObject({
      status: "not-protected",
      accountId: BOB,
    });
    expect(await f.guard.checkProtection({ userPrincipalName: "nobody@contoso.test" })).toMatchObject({
      status: "unknown",
      reasonCode: "not-found",
    });
    expect(f.directory.calls.checkUsers).toBe(3);
  });

  test("an unresolvable UPN is still protected when the protected set names it", async () => {
    const f = createFixture({ faults: { canReadHidden: true, checkUsers: "throttled" } });
    expect(await f.guard.checkProtection({ userPrincipalName: "alice@contoso.test" })).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
    });
    expect(await f.guard.checkProtection({ userPrincipalName: "bob@contoso.test" })).toMatchObject({
      status: "unknown",
      reasonCode: "throttled",
    });
  });

  test("a hidden unit without Member.Read.Hidden is never read as empty", async () => {
    const f = createFixture({ faults: { primarySignal: "unsupported", canReadHidden: false } });
    const verdict = await f.guard.checkProtection(DAVE);
    expect(verdict).toMatchObject({
      status: "unknown",
      reasonCode: "snapshot-incomplete",
      unitIds: [HIDDEN_UNIT],
    });
    expect(verdict.reason).toContain("Member.Read.Hidden");
    expect(f.guard.lastSnapshot()?.units.find((u) => u.id === HIDDEN_UNIT)?.readable).toBe(false);
  });

  test("fallback: a hidden unit's short list without Member.Read.Hidden never clears an unlisted member", async () => {
    // Without the permission Graph may answer 200 listing only the unit's non-user members.
    const tenant = standardTenant();
    const hidden = tenant.units.find((u) => u.id === HIDDEN_UNIT);
    if (hidden) hidden.deviceIds = [guid(300)];
    const f = createFixture({
      tenant,
      faults: { primarySignal: "unsupported", canReadHidden: false, hiddenUnitBehavior: "omit-users" },
    });
    const verdict = await f.guard.checkProtection(DAVE);
    expect(verdict).toMatchObject({ status: "unknown", unitIds: [HIDDEN_UNIT] });
    expect(verdict.reason).toContain("Member.Read.Hidden could not be confirmed");
    expect(await f.guard.isRotationProtected(DAVE)).toBe(true);
    const unit = f.guard.lastSnapshot()?.units.find((u) => u.id === HIDDEN_UNIT);
    expect(unit?.members.deviceIds).toEqual([guid(300)]);
    expect(unit?.readable).toBe(false);
    expect(f.guard.lastSnapshot()?.findings).toContainEqual(
      expect.objectContaining({ code: "UNIT_MEMBERS_UNREADABLE", unitId: HIDDEN_UNIT, severity: "error" }),
    );
  });
});

describe("single-flight snapshot", () => {
  test("two concurrent checks share one directory read", async () => {
    const g = gate();
    const f = createFixture({ faults: { canReadHidden: true, gate: g.promise } });
    const both = Promise.all([f.guard.checkProtection(ALICE), f.guard.checkProtection(BOB)]);
    g.open();
    const [alice, bob] = await both;
    expect(alice.status).toBe("protected");
    expect(bob.status).toBe("not-protected");
    expect(f.directory.calls.protectedUsers).toBe(1);
    expect(f.directory.calls.restrictedUnits).toBe(1);
  });

  test("one waiter's abort rejects only that waiter; the shared read goes on", async () => {
    const g = gate();
    const f = createFixture({ faults: { canReadHidden: true, gate: g.promise } });
    const controller = new AbortController();
    const aborted = f.guard.checkProtection(ALICE, { signal: controller.signal });
    const other = f.guard.checkProtection(BOB, { signal: new AbortController().signal });
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    g.open();
    expect((await other).status).toBe("not-protected");
    expect(f.directory.signals[0]?.aborted).toBe(false);
  });

  test("the shared read is aborted only when every waiter aborted; the next call starts afresh", async () => {
    const g = gate();
    const f = createFixture({ faults: { canReadHidden: true, gate: g.promise } });
    const a = new AbortController();
    const b = new AbortController();
    const first = f.guard.checkProtection(ALICE, { signal: a.signal });
    const second = f.guard.checkProtection(BOB, { signal: b.signal });
    a.abort();
    expect(f.directory.signals[0]?.aborted).toBe(false);
    b.abort();
    await expect(first).rejects.toBe(a.signal.reason);
    await expect(second).rejects.toBe(b.signal.reason);
    expect(f.directory.signals[0]?.aborted).toBe(true);
    g.open();
    expect((await f.guard.checkProtection(ALICE)).status).toBe("protected");
    expect(f.directory.calls.protectedUsers).toBe(2);
  });

  test("an already-aborted signal rejects before any read", async () => {
    const f = createFixture();
    const reason = new Error("stop");
    await expect(f.guard.checkProtection(ALICE, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(f.guard.isRotationProtected(ALICE, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(f.directory.calls.protectedUsers).toBe(0);
  });
});

describe("refresh intervals (injected clock)", () => {
  test("the protected set is re-read once older than snapshotMaxAgeMs; units only when their rules say", async () => {
    const f = createFixture();
    await f.guard.checkProtection(ALICE);
    f.advance(299_999);
    await f.guard.checkProtection(ALICE);
    expect(f.directory.calls).toMatchObject({ protectedUsers: 1, restrictedUnits: 1 });
    f.advance(1);
    await f.guard.checkProtection(ALICE);
    // Same protected ids and fresh unit evidence: units are not re-read.
    expect(f.directory.calls).toMatchObject({ protectedUsers: 2, restrictedUnits: 1 });
    f.advance(3_600_000);
    await f.guard.checkProtection(ALICE);
    expect(f.directory.calls).toMatchObject({ protectedUsers: 3, restrictedUnits: 2 });
  });

  test("units are re-read when the protected ids change", async () => {
    const f = createFixture();
    await f.guard.checkProtection(ALICE);
    f.directory.tenant.units[0]?.userIds.push(BOB);
    f.advance(300_000);
    expect(await f.guard.checkProtection(BOB)).toMatchObject({ status: "protected", unitIds: [PUBLIC_UNIT] });
    expect(f.directory.calls.restrictedUnits).toBe(2);
  });

  test("units are re-read after an incomplete unit read and always in fallback mode", async () => {
    const f = createFixture({
      faults: { canReadHidden: true, unitMembers: { [PUBLIC_UNIT]: { kind: "throttled", afterCount: 0 } } },
    });
    await f.guard.excludeFromAutoRotation();
    await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls.restrictedUnits).toBe(2);
    f.directory.faults.unitMembers = {};
    await f.guard.excludeFromAutoRotation();
    await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls.restrictedUnits).toBe(3);
    f.directory.faults.primarySignal = "unsupported";
    await f.guard.excludeFromAutoRotation();
    await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls.restrictedUnits).toBe(5);
  });

  test("units are re-read after an incomplete protected-set read, even when the next read lists the same ids", async () => {
    const f = createFixture();
    await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls.restrictedUnits).toBe(1);
    // The page naming ERIN is lost: the partial set differs from the last one, so units are read (ERIN
    // is still a member then).
    f.directory.faults.protectedUsers = { kind: "throttled", afterCount: 2 };
    f.advance(300_000);
    await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls.restrictedUnits).toBe(2);
    // ERIN leaves the unit. The next complete read lists exactly what the partial one did; comparing
    // with the partial read would keep the unit evidence from before ERIN left.
    f.directory.faults.protectedUsers = undefined;
    const unit = f.directory.tenant.units[0];
    if (unit !== undefined) unit.userIds = unit.userIds.filter((id) => id !== ERIN);
    f.advance(300_000);
    const report = await f.guard.excludeFromAutoRotation();
    expect(report.snapshot.complete).toBe(true);
    expect(await f.guard.checkProtection(ERIN)).toMatchObject({ status: "not-protected" });
    expect(f.directory.calls.restrictedUnits).toBe(3);
  });

  test("excludeFromAutoRotation always refreshes the protected set", async () => {
    const f = createFixture();
    await f.guard.checkProtection(ALICE);
    await f.guard.excludeFromAutoRotation();
    expect(f.directory.calls.protectedUsers).toBe(2);
  });
});

describe("isRotationProtected", () => {
  test("answers from the verdict", async () => {
    const f = createFixture();
    expect(await f.guard.isRotationProtected(ALICE)).toBe(true);
    expect(await f.guard.isRotationProtected(BOB)).toBe(false);
  });

  test("a throwing directory answers true (never rotate on our failure) and is logged", async () => {
    const lines: object[] = [];
    const f = createFixture({
      faults: { throwError: new Error("socket hang up Bearer eyJabc.def.ghi") },
      options: { logger: recordingLogger(lines) },
    });
    expect(await f.guard.isRotationProtected(BOB)).toBe(true);
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "unknown",
      reasonCode: "directory-unavailable",
    });
    expect(JSON.stringify(lines)).not.toContain("eyJabc");
    expect(lines.length).toBeGreaterThan(0);
  });

  test("rejects for invalid input, naming the bad value", async () => {
    const f = createFixture();
    const bad: unknown[] = [
      "not-a-guid",
      { id: "123" },
      { userPrincipalName: "" },
      { userPrincipalName: "no-at-sign" },
      { userPrincipalName: "bad\u0000@contoso.test" },
      { userPrincipalName: `${"a".repeat(1024)}@x` },
      {},
      null,
    ];
    for (const input of bad) {
      const error = await f.guard.isRotationProtected(input as never).catch((e: unknown) => e);
      expect(isRotationExclusionError(error), String(input)).toBe(true);
      expect(error).toMatchObject({ code: "invalid-input" });
    }
    const error = await f.guard.isRotationProtected("not-a-guid").catch((e: unknown) => e);
    expect((error as Error).message).toContain('"not-a-guid"');
    expect(f.directory.calls.protectedUsers).toBe(0);
  });
});

function recordingLogger(lines: object[]): Logger {
  const push = (obj: object, msg?: string) => {
    lines.push({ ...obj, msg });
  };
  return { debug: push, info: push, warn: push, error: push };
}

describe("createRotationGuard", () => {
  test("rejects invalid options with invalid-options", () => {
    const f = createFixture();
    const base = { tenantId: TENANT_ID, directory: f.directory.reader, accounts: f.store.store };
    const bad = [
      { ...base, tenantId: "contoso.onmicrosoft.com" },
      { ...base, directory: {} },
      { ...base, accounts: { list() {} } },
      { ...base, writeConcurrency: 0 },
      { ...base, snapshotMaxAgeMs: -1 },
      { ...base, unitEvidenceMaxAgeMs: Number.NaN },
    ];
    for (const options of bad) {
      expect(() => createRotationGuard(options as never)).toThrow(
        expect.objectContaining({ code: "invalid-options" }),
      );
    }
    expect(createRotationGuard(base).tenantId).toBe(TENANT_ID);
  });

  test("every log line carries the tenant id", async () => {
    const lines: object[] = [];
    const f = createFixture({ options: { logger: recordingLogger(lines) } });
    await f.guard.excludeFromAutoRotation();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ tenantId: TENANT_ID });
  });

  test("a throwing logger never breaks a check", async () => {
    const boom = () => {
      throw new Error("logger down");
    };
    const f = createFixture({ options: { logger: { debug: boom, info: boom, warn: boom, error: boom } } });
    const report = await f.guard.excludeFromAutoRotation();
    expect(report.excluded.length).toBe(3);
  });

  test("lastSnapshot is undefined before the first read", async () => {
    const f = createFixture();
    expect(f.guard.lastSnapshot()).toBeUndefined();
    await f.guard.checkProtection(guid(9));
    expect(f.guard.lastSnapshot()).toMatchObject({
      tenantId: TENANT_ID,
      complete: true,
      primarySignal: "available",
    });
  });
});

describe("accounts named as the rotation engine holds them", () => {
  test("a string is an object id when it is a GUID, a UPN when it is one, and refused otherwise", async () => {
    const f = createFixture();
    expect(await f.guard.isRotationProtected("alice@contoso.test")).toBe(true);
    expect(await f.guard.checkProtection("bob@contoso.test")).toMatchObject({
      status: "not-protected",
      accountId: BOB,
      userPrincipalName: "bob@contoso.test",
    });
    expect(await f.guard.checkProtection(BOB.toUpperCase())).toMatchObject({ accountId: BOB });
    for (const bad of ["bob", "bob@contoso.test\n", "{not-a-guid}"]) {
      await expect(f.guard.isRotationProtected(bad)).rejects.toMatchObject({ code: "invalid-input" });
      await expect(f.guard.recordRotationFailure(bad, { status: 500 })).rejects.toMatchObject({
        code: "invalid-input",
      });
    }
  });

  test("a UPN costs one lookup per snapshot, not one per check", async () => {
    const f = createFixture();
    await f.guard.checkProtection("bob@contoso.test");
    await f.guard.checkProtection("BOB@contoso.test");
    await f.guard.isRotationProtected("bob@contoso.test");
    expect(f.directory.calls.checkUsers).toBe(1);
    // A new snapshot starts a new cache.
    f.advance(300_001);
    await f.guard.checkProtection("bob@contoso.test");
    expect(f.directory.calls.checkUsers).toBe(2);
  });

  test("a cached UPN whose object is now named otherwise is forgotten, and decides nothing", async () => {
    const tenant = standardTenant();
    const f = createFixture({
      tenant,
      // An incomplete snapshot: every UPN account gets a look at its own flag.
      faults: { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } },
    });
    expect(await f.guard.checkProtection("bob@contoso.test")).toMatchObject({ accountId: BOB });
    // Bob is renamed and his old UPN goes to Carol, within the snapshot's lifetime.
    const bob = tenant.users.find((u) => u.id === BOB);
    const carol = tenant.users.find((u) => u.id === CAROL);
    if (bob === undefined || carol === undefined) throw new Error("fixture users missing");
    bob.userPrincipalName = "robert@contoso.test";
    carol.userPrincipalName = "bob@contoso.test";
    expect(await f.guard.checkProtection("bob@contoso.test")).toMatchObject({
      status: "unknown",
      reasonCode: "bad-response",
    });
    expect(await f.guard.checkProtection("bob@contoso.test")).toMatchObject({ accountId: CAROL });
  });
});
