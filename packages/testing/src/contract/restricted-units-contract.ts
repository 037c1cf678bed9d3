/** Contract: `readRestrictedUnits` (the fallback signal: restricted units and their direct members). */
import type { RestrictedUnit, RestrictedUnitsRead } from "@rotation-exclusion/core/ports";
import { describe, expect, it } from "vitest";
import { tenantBuilder } from "../tenant-builder.js";
import { EXPECTED_FAILURE_KINDS, sortedIds, TRANSPORT_FAULTS } from "./contract-support.js";
import { CONTRACT_PAGE_SIZE, type ContractTenant, contractTenant } from "./contract-tenant.js";
import type { DirectoryHarness } from "./directory-harness.js";

function unitOf(read: RestrictedUnitsRead, id: string): RestrictedUnit {
  const unit = read.units.find((candidate) => candidate.id === id);
  if (!unit) throw new Error(`Unit ${id} is missing from the read.`);
  return unit;
}

/** The complete, correct answer for the contract tenant, whatever the page size. */
function expectFullRead(read: RestrictedUnitsRead, fixture: ContractTenant): void {
  expect(read.complete).toBe(true);
  expect(read.failure).toBeUndefined();
  expect(sortedIds(read.units.map((unit) => unit.id))).toEqual(sortedIds(fixture.restrictedUnits));
  const emergency = unitOf(read, fixture.emergencyUnit);
  expect(emergency).toMatchObject({
    displayName: "Emergency access",
    membershipType: "assigned",
    visibility: "public",
  });
  expect(sortedIds(emergency.members.userIds)).toEqual(sortedIds(fixture.breakGlass));
  expect(emergency.members.complete).toBe(true);
  expect(unitOf(read, fixture.mixedUnit).members).toMatchObject({
    userIds: [fixture.financeLead],
    groupIds: [fixture.financeGroup],
    deviceIds: [fixture.kioskDevice],
    otherIds: [],
    complete: true,
  });
  expect(unitOf(read, fixture.hiddenUnit)).toMatchObject({
    visibility: "hiddenMembership",
    membershipType: "assigned",
    members: { userIds: [fixture.hiddenMember], complete: true },
  });
  expect(unitOf(read, fixture.dynamicUnit)).toMatchObject({
    membershipType: "dynamic",
    visibility: "public",
    members: { userIds: [fixture.dynamicMember], complete: true },
  });
  expect(unitOf(read, fixture.emptyUnit).members).toMatchObject({
    userIds: [],
    groupIds: [],
    deviceIds: [],
    otherIds: [],
    complete: true,
  });
}

/** Hidden-membership units with a user and a device, and with nobody, beside a public unit. */
function hiddenUnitsTenant() {
  const t = tenantBuilder({ seed: "directory-contract-hidden", domain: "contoso.com" });
  const ceo = t.user("ceo");
  const screen = t.device("Boardroom screen");
  const executives = t.unit("Executives", {
    restricted: true,
    visibility: "HiddenMembership",
    members: [ceo, screen],
  });
  const vault = t.unit("Vault", { restricted: true, visibility: "HiddenMembership" });
  const admin = t.user("tier0.admin");
  const tier0 = t.unit("Tier 0", { restricted: true, members: [admin] });
  return { tenant: t.build(), ceo, screen, executives, vault, admin, tier0 };
}

/** Registers the restricted-units part of the contract. */
export function describeRestrictedUnitsContract(harness: DirectoryHarness): void {
  describe("readRestrictedUnits", () => {
    it("lists only restricted units, with members split by type, membership type and visibility", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const read = await under.directory.readRestrictedUnits();
      expectFullRead(read, fixture);
      expect(read.units.map((unit) => unit.id)).not.toContain(fixture.ordinaryUnit);
    });

    it("follows every page of units and of members (3+ pages at a small page size)", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, { pageSize: CONTRACT_PAGE_SIZE });
      expectFullRead(await under.directory.readRestrictedUnits(), fixture);
    });

    it("keeps the units of page 1 (with their members) when page 2 of the unit list fails", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, {
        pageSize: CONTRACT_PAGE_SIZE,
        faults: [{ operation: "restricted-units", kind: "throttled", page: 2 }],
      });
      const read = await under.directory.readRestrictedUnits();
      expect(read.complete).toBe(false);
      expect(read.failure?.kind).toBe("throttled");
      expect(read.units).toHaveLength(CONTRACT_PAGE_SIZE);
      for (const unit of read.units) {
        expect(fixture.restrictedUnits).toContain(unit.id);
        expect(unit.members.complete).toBe(true);
      }
    });

    it("marks only the unit whose member page 2 failed, keeping its page-1 members", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, {
        pageSize: CONTRACT_PAGE_SIZE,
        faults: [{ operation: "unit-members", unitId: fixture.emergencyUnit, kind: "throttled", page: 2 }],
      });
      const read = await under.directory.readRestrictedUnits();
      expect(read.complete).toBe(true);
      const emergency = unitOf(read, fixture.emergencyUnit);
      expect(emergency.members.complete).toBe(false);
      expect(emergency.members.failure?.kind).toBe("throttled");
      expect(emergency.members.userIds).toHaveLength(CONTRACT_PAGE_SIZE);
      for (const id of emergency.members.userIds) expect(fixture.breakGlass).toContain(id);
      for (const unit of read.units.filter((candidate) => candidate.id !== fixture.emergencyUnit)) {
        expect(unit.members.complete).toBe(true);
      }
      expect(sortedIds(read.units.map((unit) => unit.id))).toEqual(sortedIds(fixture.restrictedUnits));
    });

    for (const kind of [...TRANSPORT_FAULTS, "not-found"] as const) {
      it(`maps a persistent ${kind} fault on a unit's members to that unit's failure only`, async () => {
        const fixture = contractTenant();
        await using under = await harness.create(fixture.tenant, {
          faults: [{ operation: "unit-members", unitId: fixture.dynamicUnit, kind }],
        });
        const read = await under.directory.readRestrictedUnits();
        expect(read.complete).toBe(true);
        const dynamic = unitOf(read, fixture.dynamicUnit);
        expect(dynamic.members.complete).toBe(false);
        expect(dynamic.members.userIds).toEqual([]);
        expect(EXPECTED_FAILURE_KINDS[kind]).toContain(dynamic.members.failure?.kind);
        expect(unitOf(read, fixture.emergencyUnit).members.complete).toBe(true);
      });
    }

    for (const kind of TRANSPORT_FAULTS) {
      it(`maps a persistent ${kind} fault on the unit list to an incomplete read`, async () => {
        const fixture = contractTenant();
        await using under = await harness.create(fixture.tenant, {
          faults: [{ operation: "restricted-units", kind }],
        });
        const read = await under.directory.readRestrictedUnits();
        expect(read.complete).toBe(false);
        expect(read.units).toEqual([]);
        expect(EXPECTED_FAILURE_KINDS[kind]).toContain(read.failure?.kind);
      });
    }

    it('reports a hidden unit as unreadable without Member.Read.Hidden ("forbidden" behaviour)', async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, {
        permissions: { memberReadHidden: false, hiddenUnitBehavior: "forbidden" },
      });
      const read = await under.directory.readRestrictedUnits();
      expect(read.complete).toBe(true);
      const hidden = unitOf(read, fixture.hiddenUnit);
      expect(hidden.visibility).toBe("hiddenMembership");
      expect(hidden.members.complete).toBe(false);
      expect(hidden.members.failure?.kind).toBe("permission-missing");
      expect(hidden.members.userIds).toEqual([]);
      expect(sortedIds(unitOf(read, fixture.emergencyUnit).members.userIds)).toEqual(
        sortedIds(fixture.breakGlass),
      );
    });

    it('lists a hidden unit as empty without Member.Read.Hidden ("empty" behaviour)', async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, {
        permissions: { memberReadHidden: false, hiddenUnitBehavior: "empty" },
      });
      const read = await under.directory.readRestrictedUnits();
      const hidden = unitOf(read, fixture.hiddenUnit);
      expect(hidden.visibility).toBe("hiddenMembership");
      expect(hidden.members).toMatchObject({ userIds: [], groupIds: [], deviceIds: [], complete: true });
      // An empty 200 may be the missing permission talking: never claimed authoritative.
      expect(hidden.members.hiddenMembersVisible).not.toBe(true);
      expect(unitOf(read, fixture.dynamicUnit).members.userIds).toEqual([fixture.dynamicMember]);
    });

    it("says a hidden unit's list is authoritative when Member.Read.Hidden is granted, even an empty one", async () => {
      const fixture = hiddenUnitsTenant();
      await using under = await harness.create(fixture.tenant);
      const read = await under.directory.readRestrictedUnits();
      expect(unitOf(read, fixture.executives).members).toMatchObject({
        userIds: [fixture.ceo],
        deviceIds: [fixture.screen],
        complete: true,
        hiddenMembersVisible: true,
      });
      expect(unitOf(read, fixture.vault).members).toMatchObject({
        userIds: [],
        groupIds: [],
        deviceIds: [],
        otherIds: [],
        complete: true,
        hiddenMembersVisible: true,
      });
    });

    it('lists only a hidden unit\'s non-user members without Member.Read.Hidden ("omit-users"), never as authoritative', async () => {
      const fixture = hiddenUnitsTenant();
      await using under = await harness.create(fixture.tenant, {
        permissions: { memberReadHidden: false, hiddenUnitBehavior: "omit-users" },
      });
      const read = await under.directory.readRestrictedUnits();
      expect(read.complete).toBe(true);
      const executives = unitOf(read, fixture.executives);
      // A 200 with a short list: it looks complete, so only hiddenMembersVisible tells it apart.
      expect(executives.members).toMatchObject({ userIds: [], deviceIds: [fixture.screen], complete: true });
      expect(executives.members.hiddenMembersVisible).not.toBe(true);
      expect(unitOf(read, fixture.vault).members.hiddenMembersVisible).not.toBe(true);
      expect(unitOf(read, fixture.tier0).members).toMatchObject({ userIds: [fixture.admin], complete: true });
    });
  });
}
