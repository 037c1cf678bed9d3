/**
 * Unit evidence refreshed by change tracking (docs/decisions/0016): what a refresh costs, and the safety
 * rules that hold when a round removes a member, breaks part way, expires or is not supported.
 */
import {
  createInMemorySnapshotStore,
  createRotationGuard,
  type InMemorySnapshotStore,
  type StoredSnapshot,
} from "@rotation-exclusion/core";
import {
  createInMemoryAccountStore,
  createInMemoryDirectory,
  type InMemoryDirectoryOptions,
  managedAccountsFor,
  type TenantModel,
  tenantBuilder,
  unitChangeTrackerFor,
} from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function deltaTenant() {
  const t = tenantBuilder({ seed: "unit-changes", domain: "contoso.com" });
  const alice = t.user("alice");
  const bob = t.user("bob");
  const carol = t.user("carol");
  const tier0 = t.unit("Tier 0", { restricted: true, members: [alice] });
  const vault = t.unit("Vault", { restricted: true, members: [carol] });
  const regional = t.unit("Regional", { members: [bob] });
  return { tenant: t.build(), alice, bob, carol, tier0, vault, regional };
}

/** One long-lived host: a guard per cycle (as runExclusionCycle builds them) over one store and tenant. */
function createHost(
  tenant: TenantModel,
  accountIds: readonly string[],
  directoryOptions: InMemoryDirectoryOptions = {},
) {
  const snapshots: InMemorySnapshotStore = createInMemorySnapshotStore();
  const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, accountIds));
  const directory = createInMemoryDirectory(tenant, directoryOptions);
  let nowMs = T0;
  return {
    snapshots,
    directory,
    advance(ms: number) {
      nowMs += ms;
    },
    /** One cycle: a fresh guard (cold, warm from the snapshot store), one exclusion run. */
    async cycle() {
      directory.resetStats();
      const guard = createRotationGuard({
        tenantId: tenant.tenantId,
        directory,
        accounts,
        snapshotStore: snapshots,
        clock: () => nowMs,
      });
      const report = await guard.excludeFromAutoRotation();
      const byEndpoint = directory.stats().byEndpoint;
      const requests = (endpoint: string) => byEndpoint[endpoint]?.requests ?? 0;
      return {
        report,
        requests: {
          total: directory.stats().requests,
          users: requests("users"),
          units: requests("directory/administrativeUnits"),
          members: requests("directory/administrativeUnits/members"),
          delta: requests("directory/administrativeUnits/delta"),
        },
      };
    },
    async stored(): Promise<StoredSnapshot | undefined> {
      return snapshots.load(tenant.tenantId);
    },
  };
}

const keysOf = (list: readonly { key: string }[]) => list.map((entry) => entry.key);

describe("unit evidence refreshed by change tracking", () => {
  test("cold: a link from now, then the full read; an expired refresh with no change costs the protected set and one delta page", async () => {
    const { tenant, alice, bob } = deltaTenant();
    const host = createHost(tenant, [alice, bob]);
    const cold = await host.cycle();
    expect(cold.requests).toEqual({ total: 5, users: 1, units: 1, members: 2, delta: 1 });
    expect(keysOf(cold.report.excluded)).toEqual([alice]);
    expect((await host.stored())?.unitsDeltaLink).toEqual(expect.any(String));

    host.advance(HOUR_MS);
    const quiet = await host.cycle();
    expect(quiet.requests).toEqual({ total: 2, users: 1, units: 0, members: 0, delta: 1 });
    expect(quiet.report.snapshot).toMatchObject({
      complete: true,
      restrictedUnitCount: 2,
      unitEvidenceObservedAt: new Date(T0 + HOUR_MS).toISOString(),
    });
    expect(keysOf(quiet.report.alreadyExcluded)).toEqual([alice]);
  });

  test("a member added to a restricted unit is protected by the round that names it, at the cost of that round", async () => {
    const { tenant, alice, bob, vault } = deltaTenant();
    const host = createHost(tenant, [alice, bob]);
    await host.cycle();
    tenant.units.get(vault)?.memberIds.push(bob);
    host.advance(60_000);
    // The protected set changed (Bob's flag), which triggers the refresh before the hour is up.
    const next = await host.cycle();
    expect(next.requests).toMatchObject({ units: 0, members: 0, delta: 1 });
    expect(keysOf(next.report.excluded)).toEqual([bob]);
    const bobExcluded = next.report.excluded[0];
    expect(bobExcluded?.verdict).toMatchObject({ status: "protected" });
  });

  test("safety rule 2: a member removed by a complete round stays protected while the user's own flag still says true", async () => {
    const { tenant, alice, bob, tier0 } = deltaTenant();
    const host = createHost(tenant, [alice, bob]);
    await host.cycle();
    const unit = tenant.units.get(tier0);
    if (!unit) throw new Error("unit missing");
    unit.memberIds = [];
    // Entra's flag lags the membership change (eventual consistency).
    const user = tenant.users.get(alice);
    if (!user) throw new Error("user missing");
    user.isManagementRestricted = true;
    host.advance(HOUR_MS);
    const lagging = await host.cycle();
    expect(lagging.requests).toMatchObject({ units: 0, delta: 1 });
    expect(keysOf(lagging.report.alreadyExcluded)).toEqual([alice]);
    expect(lagging.report.released.newly).toEqual([]);

    // The flag catches up: the removal and the complete protected-set read together release her.
    delete user.isManagementRestricted;
    host.advance(60_000);
    const caughtUp = await host.cycle();
    expect(keysOf(caughtUp.report.released.newly)).toEqual([alice]);
    expect(caughtUp.report.released.newly[0]?.verdict).toMatchObject({ status: "not-protected" });
  });

  test("safety: a round broken part way applies nothing, makes every unflagged account unknown, releases nobody and keeps the stored link", async () => {
    const { tenant, alice, bob, tier0, vault } = deltaTenant();
    const host = createHost(tenant, [alice, bob], { pageSize: 1 });
    await host.cycle();
    const linkBefore = (await host.stored())?.unitsDeltaLink;
    expect(linkBefore).toEqual(expect.any(String));

    // Alice leaves the unit and her flag follows; Bob joins a restricted unit: two entries, two pages.
    const unit = tenant.units.get(tier0);
    if (!unit) throw new Error("unit missing");
    unit.memberIds = [];
    tenant.units.get(vault)?.memberIds.push(bob);
    const bobUser = tenant.users.get(bob);
    if (!bobUser) throw new Error("user missing");
    bobUser.isManagementRestricted = false; // Bob's flag lags: only the unit says he is in.
    host.directory.injectFault({ operation: "unit-changes", kind: "throttled", page: 2, times: 1 });
    host.advance(HOUR_MS);
    const broken = await host.cycle();
    expect(broken.requests).toMatchObject({ units: 0, members: 0, delta: 2 });
    // The lost page may have removed Alice or added Bob: neither is decided this cycle. Alice keeps her
    // exclusion (nothing is released), Bob is not rotated, and nothing is written for either.
    expect(broken.report.snapshot.complete).toBe(false);
    expect(broken.report.alreadyExcluded).toEqual([]);
    expect(broken.report.excluded).toEqual([]);
    expect(broken.report.released.newly).toEqual([]);
    expect(broken.report.notProtectedCount).toBe(0);
    const undecided = broken.report.deferred.map((entry) => entry.verdict);
    expect(undecided.map((verdict) => [verdict.accountId, verdict.status, verdict.reasonCode])).toEqual(
      expect.arrayContaining([
        [alice, "unknown", "throttled"],
        [bob, "unknown", "throttled"],
      ]),
    );
    expect(undecided.find((verdict) => verdict.accountId === alice)?.unitIds).toEqual([tier0]);
    const stored = await host.stored();
    expect(stored?.unitsDeltaLink).toBe(linkBefore);
    expect(stored?.unitsRead.complete).toBe(false);
    expect(stored?.unitsAtMs).toBe(T0);

    // The next round starts again from the kept link and sees both changes.
    host.advance(60_000);
    const healed = await host.cycle();
    expect(healed.requests).toMatchObject({ units: 0, members: 0, delta: 2 });
    expect(keysOf(healed.report.excluded)).toEqual([bob]);
    expect(keysOf(healed.report.released.newly)).toEqual([alice]);
    const after = await host.stored();
    expect(after?.unitsDeltaLink).not.toBe(linkBefore);
    expect(after?.unitsRead.complete).toBe(true);
  });

  test("an expired link falls back to the full read and tracks again from there", async () => {
    const { tenant, alice, bob } = deltaTenant();
    const host = createHost(tenant, [alice, bob]);
    await host.cycle();
    unitChangeTrackerFor(tenant).expireAll();
    host.advance(HOUR_MS);
    const resync = await host.cycle();
    // The refused round, a new link, the full read.
    expect(resync.requests).toEqual({ total: 6, users: 1, units: 1, members: 2, delta: 2 });
    expect(resync.report.snapshot.complete).toBe(true);
    host.advance(HOUR_MS);
    expect((await host.cycle()).requests).toMatchObject({ total: 2, delta: 1 });
  });

  test("a directory without change tracking (a national cloud) is read in full, and the guard remembers the refusal", async () => {
    const { tenant, alice, bob } = deltaTenant();
    const directory = createInMemoryDirectory(tenant, { unitChangeTracking: false });
    const snapshots = createInMemorySnapshotStore();
    let nowMs = T0;
    const guard = createRotationGuard({
      tenantId: tenant.tenantId,
      directory,
      accounts: createInMemoryAccountStore(managedAccountsFor(tenant, [alice, bob])),
      snapshotStore: snapshots,
      clock: () => nowMs,
    });
    const cold = await guard.excludeFromAutoRotation();
    expect(directory.stats().byEndpoint["directory/administrativeUnits/delta"]?.requests).toBe(1);
    expect(directory.stats().byEndpoint["directory/administrativeUnits"]?.requests).toBe(1);
    expect((await snapshots.load(tenant.tenantId))?.unitsDeltaLink).toBeUndefined();
    expect(keysOf(cold.excluded)).toEqual([alice]);
    nowMs += HOUR_MS;
    directory.resetStats();
    await guard.excludeFromAutoRotation();
    // Read in full again, without asking for changes again.
    expect(directory.stats().byEndpoint["directory/administrativeUnits/delta"]).toBeUndefined();
    expect(directory.stats().byEndpoint["directory/administrativeUnits"]?.requests).toBe(1);
  });

  test("a new restricted unit is read in full, not trusted from the change feed", async () => {
    const { tenant, alice, bob } = deltaTenant();
    const host = createHost(tenant, [alice, bob]);
    await host.cycle();
    const id = "0000aaaa-0000-4000-8000-000000000001";
    tenant.units.set(id, {
      id,
      displayName: "New vault",
      isMemberManagementRestricted: true,
      membershipType: null,
      visibility: null,
      memberIds: [bob],
    });
    host.advance(60_000);
    const next = await host.cycle();
    expect(next.requests).toMatchObject({ delta: 2, units: 1, members: 3 });
    expect(keysOf(next.report.excluded)).toEqual([bob]);
    expect(next.report.snapshot.restrictedUnitCount).toBe(3);
  });

  test("without the protected-set query, units are read in full every refresh (rule 2 needs a complete full read)", async () => {
    const { tenant, alice, bob } = deltaTenant();
    const host = createHost(tenant, [alice, bob], {
      faults: [{ operation: "protected-users", kind: "unsupported" }],
    });
    const cold = await host.cycle();
    expect(cold.requests).toMatchObject({ delta: 0, units: 1, members: 2 });
    expect((await host.stored())?.unitsDeltaLink).toBeUndefined();
    host.advance(60_000);
    expect((await host.cycle()).requests).toMatchObject({ delta: 0, units: 1, members: 2 });
  });

  test("a stored snapshot from before change tracking (no link) still loads, and the next refresh reads in full", async () => {
    const { tenant, alice, bob } = deltaTenant();
    const host = createHost(tenant, [alice, bob]);
    await host.cycle();
    const stored = await host.stored();
    if (!stored) throw new Error("nothing stored");
    const { unitsDeltaLink: _dropped, ...old } = stored;
    await host.snapshots.save(old as StoredSnapshot);
    const warm = await host.cycle();
    // Warm start: the stored evidence is used (no unit reads before the hour).
    expect(warm.requests).toEqual({ total: 1, users: 1, units: 0, members: 0, delta: 0 });
    host.advance(HOUR_MS);
    expect((await host.cycle()).requests).toMatchObject({ delta: 1, units: 1, members: 2 });
    expect((await host.stored())?.unitsDeltaLink).toEqual(expect.any(String));
  });
});
