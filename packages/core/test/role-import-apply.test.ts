/** applyRoleImport: adds, idempotency, operator choices, pending accounts, conflicts, errors, dry run. */
import {
  type AutoRotateRecord,
  isRotationExclusionError,
  ROTATION_EXCLUSION_ACTOR,
} from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { guid } from "./directory-fixture.js";
import { ALICE, BOB, CAROL, createFixture, PUBLIC_UNIT, TENANT_ID } from "./guard-fixture.js";
import { roleTenant } from "./role-fixture.js";

const GA = ["Global Administrator"];
const ids = (list: readonly { objectId: string }[]) => list.map((entry) => entry.objectId);

const pending: AutoRotateRecord = {
  kind: "pendingVerification",
  changedBy: ROTATION_EXCLUSION_ACTOR,
  reasonCode: "throttled",
  reason: "imported before verification",
  unitIds: [],
  evidence: [],
  changedAt: "2025-12-31T00:00:00.000Z",
};

describe("applyRoleImport", () => {
  test("adds each new account as planned: protected off with our record, unprotected on; others skipped", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: GA });
    const report = await f.guard.applyRoleImport(plan);
    expect(report).toMatchObject({ tenantId: TENANT_ID, dryRun: false, aborted: false, complete: true });
    expect(ids(report.added.excluded)).toEqual([ALICE]);
    expect(ids(report.added.rotating)).toEqual([CAROL, BOB]);
    expect(report.added.pending).toEqual([]);
    expect(report.skipped.map((other) => other.principalType)).toEqual(["servicePrincipal"]);
    expect(f.store.adds).toEqual([
      expect.objectContaining({
        objectId: ALICE,
        userPrincipalName: "alice@contoso.test",
        autoRotate: false,
        record: expect.objectContaining({
          kind: "exclusion",
          changedBy: ROTATION_EXCLUSION_ACTOR,
          unitIds: [PUBLIC_UNIT],
        }),
      }),
      { objectId: CAROL, userPrincipalName: "carol@contoso.test", autoRotate: true, record: null },
      { objectId: BOB, userPrincipalName: "bob@contoso.test", autoRotate: true, record: null },
    ]);
    expect(report.added.excluded[0]?.key).toBe(`added-${ALICE}`);
    expect(report.findings).toBe(plan.findings);
  });

  test("is idempotent: applying the same plan again adds nothing and writes nothing", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: GA });
    await f.guard.applyRoleImport(plan);
    const added = f.store.adds.length;
    const second = await f.guard.applyRoleImport(plan);
    expect(f.store.adds.length).toBe(added);
    expect(f.store.writes).toEqual([]);
    expect(second.added).toEqual({ rotating: [], excluded: [], pending: [] });
    expect(ids(second.alreadyManaged)).toEqual([ALICE, CAROL, BOB]);
  });

  test("never changes an operator's choice or the toggle of a managed account (matched by id or by UPN)", async () => {
    const operator: AutoRotateRecord = { ...pending, kind: "exclusion", changedBy: "ops@msp.test" };
    const f = createFixture({
      tenant: roleTenant(),
      accounts: [
        { key: "alice", objectId: ALICE.toUpperCase(), autoRotate: true },
        { key: "carol", userPrincipalName: "CAROL@contoso.test", autoRotate: false, record: operator },
        { key: "bob", objectId: BOB, autoRotate: false, record: { ...pending, changedBy: "ops@msp.test" } },
      ],
    });
    const report = await f.guard.applyRoleImport(await f.guard.planRoleImport({ roles: GA }));
    expect(report.alreadyManaged.map((entry) => [entry.key, entry.autoRotate])).toEqual([
      ["alice", true],
      ["carol", false],
      ["bob", false],
    ]);
    expect(f.store.writes).toEqual([]);
    expect(f.store.adds).toEqual([]);
  });

  test("a holder whose UPN the store gives to another object id is a conflict, never alreadyManaged or added", async () => {
    // A UPN reused after its first owner was deleted: the store's row is the old user, not this holder.
    const OLD_BOB = guid(900);
    const f = createFixture({
      tenant: roleTenant(),
      accounts: [
        { key: "old-bob", objectId: OLD_BOB, userPrincipalName: "BOB@contoso.test", autoRotate: true },
      ],
    });
    const report = await f.guard.applyRoleImport(await f.guard.planRoleImport({ roles: GA }));
    expect(report.alreadyManaged).toEqual([]);
    expect(ids(report.added.rotating)).toEqual([CAROL]);
    expect(report.conflicts).toEqual([
      expect.objectContaining({
        objectId: BOB,
        key: null,
        current: expect.objectContaining({ key: "old-bob", objectId: OLD_BOB }),
        reason: expect.stringContaining(OLD_BOB),
      }),
    ]);
    expect(f.store.adds.map((account) => account.objectId)).not.toContain(BOB);
    expect(f.store.writes).toEqual([]);
  });

  test("our pending accounts are decided as an exclusion run would: converted when protected, activated when not", async () => {
    const f = createFixture({
      tenant: roleTenant(),
      accounts: [
        { key: "alice", objectId: ALICE, autoRotate: false, record: pending },
        { key: "bob", objectId: BOB, autoRotate: false, record: pending },
      ],
    });
    const report = await f.guard.applyRoleImport(await f.guard.planRoleImport({ roles: GA }));
    expect(report.updated.map((entry) => [entry.key, entry.outcome, entry.autoRotate])).toEqual([
      ["alice", "excluded", false],
      ["bob", "activated", true],
    ]);
    expect(f.store.get("alice")).toMatchObject({ autoRotate: false, record: { kind: "exclusion" } });
    expect(f.store.get("bob")).toMatchObject({ autoRotate: true, record: undefined });
    expect(ids(report.added.rotating)).toEqual([CAROL]);
  });

  test("re-decides verdicts when applied: a plan that aged never turns rotation on for a newly protected user", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: GA });
    expect(plan.accounts.find((a) => a.objectId === BOB)?.importAs.autoRotate).toBe(true);
    f.directory.tenant.units[0]?.userIds.push(BOB);
    f.advance(600_000);
    const report = await f.guard.applyRoleImport(plan);
    expect(ids(report.added.excluded)).toEqual([ALICE, BOB]);
    expect(f.store.adds.find((a) => a.objectId === BOB)).toMatchObject({ autoRotate: false });
  });

  test("an unknown verdict at apply time adds the account off and pending", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: GA });
    f.directory.faults.protectedUsers = { kind: "throttled", afterCount: 0 };
    f.directory.faults.checkUsers = "unavailable";
    f.advance(600_000);
    const report = await f.guard.applyRoleImport(plan);
    expect(ids(report.added.pending)).toEqual([CAROL, BOB]);
    expect(ids(report.added.excluded)).toEqual([ALICE]);
    expect(f.store.adds.filter((a) => a.autoRotate)).toEqual([]);
    expect(report.added.pending[0]?.record).toMatchObject({
      kind: "pendingVerification",
      reasonCode: "directory-unavailable",
    });
  });

  test("reports a conflicting add and a throwing add per account; the others are still added", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    f.store.faults.addRaceOn.add(CAROL);
    f.store.faults.addThrowOn.add(BOB);
    const report = await f.guard.applyRoleImport(await f.guard.planRoleImport({ roles: GA }));
    expect(ids(report.added.excluded)).toEqual([ALICE]);
    expect(report.conflicts.map((c) => [c.objectId, c.current?.key])).toEqual([[CAROL, `race-${CAROL}`]]);
    expect(f.store.get(`race-${CAROL}`)?.autoRotate).toBe(true); // never overwritten
    expect(report.errors.map((e) => [e.objectId, e.message])).toEqual([
      [BOB, expect.stringContaining("store offline")],
    ]);
    expect(report.complete).toBe(false);
  });

  test("dryRun reports the same entries and writes nothing", async () => {
    const f = createFixture({
      tenant: roleTenant(),
      accounts: [{ key: "bob", objectId: BOB, autoRotate: false, record: pending }],
    });
    const plan = await f.guard.planRoleImport({ roles: GA });
    const dry = await f.guard.applyRoleImport(plan, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(f.store.adds).toEqual([]);
    expect(f.store.writes).toEqual([]);
    const real = await f.guard.applyRoleImport(plan);
    const shape = (r: typeof dry) => ({
      excluded: ids(r.added.excluded),
      rotating: ids(r.added.rotating),
      updated: r.updated.map((u) => [u.objectId, u.outcome]),
    });
    expect(shape(dry)).toEqual(shape(real));
    expect(shape(real)).toEqual({ excluded: [ALICE], rotating: [CAROL], updated: [[BOB, "activated"]] });
  });

  test("refuses a store without add (unsupported), a plan of another tenant and a bad plan (invalid-input)", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: GA });
    const other = await f.guard
      .applyRoleImport({ ...plan, tenantId: "99999999-2222-4333-8444-555555555555" })
      .catch((e: unknown) => e);
    expect(other).toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining("not for this guard's tenant"),
    });
    const badId = await f.guard
      .applyRoleImport({
        ...plan,
        accounts: [{ ...(plan.accounts[0] as (typeof plan.accounts)[number]), objectId: "x" }],
      })
      .catch((e: unknown) => e);
    expect(badId).toMatchObject({ code: "invalid-input" });
    delete (f.store.store as { add?: unknown }).add;
    const error = await f.guard.applyRoleImport(plan).catch((e: unknown) => e);
    expect(isRotationExclusionError(error)).toBe(true);
    expect(error).toMatchObject({ code: "unsupported", message: expect.stringContaining("add") });
    expect(f.store.adds).toEqual([]);
  });

  test("a store that cannot be listed fails the import with store-failed before any write", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: GA });
    f.store.faults.listThrows = true;
    await expect(f.guard.applyRoleImport(plan)).rejects.toMatchObject({ code: "store-failed" });
    expect(f.store.adds).toEqual([]);
  });

  test("an abort during the writes stops new writes and reports the rest as deferred", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [], options: { writeConcurrency: 1 } });
    const plan = await f.guard.planRoleImport({ roles: GA });
    const controller = new AbortController();
    const add = f.store.store.add?.bind(f.store.store);
    f.store.store.add = async (account, options) => {
      const result = await (add as NonNullable<typeof add>)(account, options);
      controller.abort(new Error("deadline"));
      return result;
    };
    const report = await f.guard.applyRoleImport(plan, { signal: controller.signal });
    expect(report.aborted).toBe(true);
    expect(report.complete).toBe(false);
    expect(ids(report.added.excluded)).toEqual([ALICE]);
    expect(ids(report.deferred)).toEqual([CAROL, BOB]);
    expect(f.store.adds).toHaveLength(1);
    const reason = new Error("before");
    await expect(f.guard.applyRoleImport(plan, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});
