/**
 * Property-based tests (fast-check) of the safety rules over random directories and random fault
 * patterns: reads that stop early, hidden units that list nothing or a short list, failing per-user
 * checks, store writes that throw or conflict.
 */
import {
  type AutoRotateRecord,
  createRotationGuard,
  type ManagedAccount,
  type ReleasedEvent,
  ROTATION_EXCLUSION_ACTOR,
} from "@rotation-exclusion/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { directoryFaultsArb as faultsArb, tenantArb, USERS } from "./directory-arbitraries.js";
import {
  createFakeDirectory,
  type FakeFaults,
  type FakeTenant,
  trulyRestricted,
} from "./directory-fixture.js";
import { createFakeStore, type SeedAccount } from "./fake-store.js";
import { TENANT_ID } from "./guard-fixture.js";

type InitialState = "on" | "operator" | "ours" | "oursReleased" | "pending";
const record = (
  kind: AutoRotateRecord["kind"],
  changedBy: string,
  releasedAt?: string,
): AutoRotateRecord => ({
  kind,
  changedBy,
  reasonCode: "unit-member",
  reason: "seeded",
  unitIds: [],
  evidence: [],
  changedAt: "2025-01-01T00:00:00.000Z",
  ...(releasedAt ? { releasedAt } : {}),
});

const accountsArb = fc
  .tuple(
    fc.array(
      fc.record({
        state: fc.constantFrom<InitialState>("on", "on", "operator", "ours", "oursReleased", "pending"),
        byUpn: fc.boolean(),
      }),
      {
        minLength: USERS.length,
        maxLength: USERS.length,
      },
    ),
    fc.boolean(),
  )
  .map(([specs, withGhost]): SeedAccount[] => {
    const accounts = specs.map((spec, i): SeedAccount => {
      const user = USERS[i] as (typeof USERS)[number];
      const ref = spec.byUpn ? { userPrincipalName: user.userPrincipalName } : { objectId: user.id };
      const key = `k${i + 1}`;
      const seeded: Record<InitialState, Omit<SeedAccount, "key">> = {
        on: { autoRotate: true },
        operator: { autoRotate: false, record: record("exclusion", "ops@msp.test") },
        ours: { autoRotate: false, record: record("exclusion", ROTATION_EXCLUSION_ACTOR) },
        oursReleased: {
          autoRotate: false,
          record: record("exclusion", ROTATION_EXCLUSION_ACTOR, "2025-06-01T00:00:00.000Z"),
        },
        pending: { autoRotate: false, record: record("pendingVerification", ROTATION_EXCLUSION_ACTOR) },
      };
      return { key, ...ref, ...seeded[spec.state] };
    });
    return withGhost
      ? [...accounts, { key: "ghost", userPrincipalName: "ghost@contoso.test", autoRotate: true }]
      : accounts;
  });

const storeFaultsArb = fc.record({
  throwOn: fc.subarray(USERS.map((_, i) => `k${i + 1}`)),
  conflictOn: fc.subarray(USERS.map((_, i) => `k${i + 1}`)),
});

function userOf(tenant: FakeTenant, account: ManagedAccount | SeedAccount) {
  return tenant.users.find(
    (u) => u.id === account.objectId || u.userPrincipalName === account.userPrincipalName,
  );
}

function setup(
  tenant: FakeTenant,
  faults: FakeFaults,
  accounts: SeedAccount[],
  restoreReleased = false,
  onReleased?: (event: ReleasedEvent) => Promise<void>,
) {
  let now = Date.UTC(2026, 0, 1);
  const directory = createFakeDirectory(tenant, faults);
  const store = createFakeStore(accounts);
  const guard = createRotationGuard({
    tenantId: TENANT_ID,
    directory: directory.reader,
    accounts: store.store,
    clock: () => now,
    restoreReleased,
    writeConcurrency: 3,
    ...(onReleased === undefined ? {} : { onReleased }),
  });
  return { directory, store, guard, tick: () => (now += 1000) };
}

// What matters of an account's state for convergence (time stamps and evidence wording may differ).
const essence = (account: ManagedAccount | undefined) => ({
  autoRotate: account?.autoRotate,
  kind: account?.record?.kind,
  changedBy: account?.record?.changedBy,
  released: account?.record?.releasedAt !== undefined,
});

const RUNS = { numRuns: 150 };

describe("safety properties over random directories and faults", () => {
  test("rule 1: no write ever turns rotation off, or writes a fresh exclusion, for a user who is not truly restricted", async () => {
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        faultsArb,
        accountsArb,
        storeFaultsArb,
        async (tenant, faults, accounts, storeFaults) => {
          const f = setup(tenant, faults, accounts);
          for (const key of storeFaults.throwOn) f.store.faults.throwOn.add(key);
          for (const key of storeFaults.conflictOn) f.store.faults.conflictOn.add(key);
          const before = new Map(f.store.all().map((a) => [a.key, a]));
          await f.guard.excludeFromAutoRotation();
          for (const { key, write } of f.store.writes) {
            const account = before.get(key) as ManagedAccount;
            const user = userOf(tenant, account);
            const freshExclusion =
              write.record?.kind === "exclusion" && write.record.releasedAt === undefined;
            if ((account.autoRotate && !write.autoRotate) || freshExclusion) {
              expect(user !== undefined && trulyRestricted(tenant, user.id)).toBe(true);
            }
          }
        },
      ),
      RUNS,
    );
  });

  test("rule 2: no verdict is not-protected for a restricted user, nor (by snapshot) when the snapshot is incomplete", async () => {
    await fc.assert(
      fc.asyncProperty(tenantArb, faultsArb, async (tenant, faults) => {
        const f = setup(tenant, faults, []);
        for (const user of USERS) {
          const verdict = await f.guard.checkProtection(user.id);
          if (verdict.status === "not-protected") {
            expect(trulyRestricted(tenant, user.id)).toBe(false);
            const snapshot = f.guard.lastSnapshot();
            // Without a complete snapshot, only a fresh read of the user's own flag may say so.
            if (!snapshot?.complete) expect(verdict.reason).toContain("fresh read");
          }
          if (trulyRestricted(tenant, user.id)) expect(await f.guard.isRotationProtected(user.id)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test("rule 2 in runs: with an incomplete snapshot, accounts known by id are never released, restored or activated", async () => {
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        faultsArb,
        accountsArb,
        fc.boolean(),
        async (tenant, faults, accounts, restoreReleased) => {
          const f = setup(tenant, faults, accounts, restoreReleased);
          const report = await f.guard.excludeFromAutoRotation();
          const freed = [
            ...report.released.newly,
            ...report.released.still,
            ...report.restored,
            ...report.activated,
          ];
          for (const entry of freed) expect(trulyRestricted(tenant, entry.accountId ?? "")).toBe(false);
          if (!report.snapshot.complete) {
            const byId = new Set(accounts.filter((a) => a.objectId !== undefined).map((a) => a.key));
            expect(freed.filter((entry) => byId.has(entry.key))).toEqual([]);
          }
        },
      ),
      RUNS,
    );
  });

  test("rule 4: operator-excluded accounts stay excluded and untouched", async () => {
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        faultsArb,
        accountsArb,
        fc.boolean(),
        fc.boolean(),
        async (tenant, faults, accounts, restoreReleased, faulty) => {
          const f = setup(tenant, faulty ? faults : { canReadHidden: true }, accounts, restoreReleased);
          const operator = f.store
            .all()
            .filter((a) => !a.autoRotate && a.record?.changedBy !== ROTATION_EXCLUSION_ACTOR);
          await f.guard.excludeFromAutoRotation();
          f.tick();
          await f.guard.excludeFromAutoRotation();
          for (const account of operator) expect(f.store.get(account.key)).toEqual(account);
        },
      ),
      RUNS,
    );
  });

  test("rule 5: after faults stop, one more call converges to the fault-free store state, then writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        faultsArb,
        accountsArb,
        storeFaultsArb,
        fc.boolean(),
        async (tenant, faults, accounts, storeFaults, restoreReleased) => {
          const f = setup(tenant, faults, accounts, restoreReleased);
          for (const key of storeFaults.throwOn) f.store.faults.throwOn.add(key);
          for (const key of storeFaults.conflictOn) f.store.faults.conflictOn.add(key);
          const faulty = await f.guard.excludeFromAutoRotation();
          // Every account is accounted for exactly once.
          const listed =
            faulty.excluded.length +
            faulty.alreadyExcluded.length +
            faulty.deferred.length +
            faulty.released.newly.length +
            faulty.released.still.length +
            faulty.restored.length +
            faulty.activated.length +
            faulty.conflicts.length +
            faulty.errors.length +
            faulty.notProtectedCount;
          expect(listed).toBe(accounts.length);

          f.directory.faults = { canReadHidden: true };
          f.store.faults.throwOn.clear();
          f.store.faults.conflictOn.clear();
          f.tick();
          await f.guard.excludeFromAutoRotation();

          const reference = setup(tenant, { canReadHidden: true }, accounts, restoreReleased);
          await reference.guard.excludeFromAutoRotation();
          for (const account of accounts)
            expect(essence(f.store.get(account.key)), account.key).toEqual(
              essence(reference.store.get(account.key)),
            );

          const writes = f.store.writes.length;
          f.tick();
          await f.guard.excludeFromAutoRotation();
          expect(f.store.writes.length).toBe(writes);
        },
      ),
      RUNS,
    );
  });

  test("release alerts: once faults stop, every release a run made has been alerted, under one event key, and none is owed", async () => {
    await fc.assert(
      fc.asyncProperty(
        tenantArb,
        faultsArb,
        accountsArb,
        storeFaultsArb,
        fc.subarray(USERS.map((_, i) => `k${i + 1}`)),
        async (tenant, faults, accounts, storeFaults, hookFailsFor) => {
          const failing = new Set(hookFailsFor);
          // Per release (store key and releasedAt): the event keys seen and the calls that resolved.
          const alerts = new Map<string, { eventKeys: Set<string>; resolved: number }>();
          const onReleased = async (event: ReleasedEvent) => {
            const release = `${event.key}@${event.record.releasedAt}`;
            const seen = alerts.get(release) ?? { eventKeys: new Set<string>(), resolved: 0 };
            alerts.set(release, seen);
            seen.eventKeys.add(event.eventKey);
            if (failing.has(event.key)) throw new Error("pager unreachable");
            seen.resolved += 1;
          };
          const f = setup(tenant, faults, accounts, false, onReleased);
          for (const key of storeFaults.throwOn) f.store.faults.throwOn.add(key);
          for (const key of storeFaults.conflictOn) f.store.faults.conflictOn.add(key);
          await f.guard.excludeFromAutoRotation();

          f.directory.faults = { canReadHidden: true };
          f.store.faults.throwOn.clear();
          f.store.faults.conflictOn.clear();
          failing.clear();
          f.tick();
          await f.guard.excludeFromAutoRotation();
          const resolvedBefore = [...alerts.values()].map((alert) => alert.resolved);
          f.tick();
          await f.guard.excludeFromAutoRotation();
          // Nothing is owed any more: a further run sends nothing.
          expect([...alerts.values()].map((alert) => alert.resolved)).toEqual(resolvedBefore);

          const seeded = new Map(accounts.map((a) => [a.key, a.record?.releasedAt]));
          for (const account of f.store.all()) {
            expect(account.record?.releaseAlertPending, account.key).toBeUndefined();
            const releasedAt = account.record?.releasedAt;
            // A release seeded without the flag (before alerts were durable) is never alerted again.
            if (releasedAt === undefined || releasedAt === seeded.get(account.key)) continue;
            const alert = alerts.get(`${account.key}@${releasedAt}`);
            expect(alert?.resolved, account.key).toBeGreaterThanOrEqual(1);
            expect(alert?.eventKeys.size, account.key).toBe(1);
          }
          for (const [release, alert] of alerts) {
            const [key, releasedAt] = release.split("@");
            if (releasedAt === seeded.get(key ?? "")) expect.fail(`${release} was seeded released`);
            expect(alert.eventKeys.size, release).toBe(1);
          }
        },
      ),
      RUNS,
    );
  });

  test("dryRun never writes", async () => {
    await fc.assert(
      fc.asyncProperty(tenantArb, faultsArb, accountsArb, async (tenant, faults, accounts) => {
        const f = setup(tenant, faults, accounts);
        await f.guard.excludeFromAutoRotation({ dryRun: true });
        expect(f.store.writes).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});
