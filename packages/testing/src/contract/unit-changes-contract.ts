/**
 * Contract: `readRestrictedUnitChanges` (optional; docs/decisions/0016). A round without a link hands
 * out a link from now; a round from a link names exactly what changed since: members added (by type) and
 * removed, units deleted, new units whole, updated units with what changed. A broken round is
 * `incomplete`, an expired link `resync-required`, a directory without the function `unsupported`.
 */
import type { DirectoryReader, UnitChange, UnitChangesRead } from "@rotation-exclusion/core/ports";
import { describe, expect, it } from "vitest";
import { unitChangeTrackerFor } from "../unit-change-tracker.js";
import { EXPECTED_FAILURE_KINDS, sortedIds } from "./contract-support.js";
import { contractTenant } from "./contract-tenant.js";
import type { DirectoryHarness } from "./directory-harness.js";

type Tracking = Required<Pick<DirectoryReader, "readRestrictedUnitChanges">>;

function tracking(directory: DirectoryReader): Tracking {
  if (directory.readRestrictedUnitChanges === undefined) throw new Error("no readRestrictedUnitChanges");
  return directory as Tracking;
}

function complete(read: UnitChangesRead): Extract<UnitChangesRead, { outcome: "complete" }> {
  if (read.outcome !== "complete") throw new Error(`round not complete: ${JSON.stringify(read)}`);
  return read;
}

/** Entries for one unit merged (a unit may appear on several pages), member lists sorted. */
function byUnit(changes: readonly UnitChange[]) {
  const merged = new Map<string, UnitChange>();
  for (const change of changes) {
    const was = merged.get(change.id);
    const join = (key: "userIds" | "groupIds" | "deviceIds" | "otherIds") =>
      sortedIds([...(was?.membersAdded[key] ?? []), ...change.membersAdded[key]]);
    merged.set(change.id, {
      ...was,
      ...change,
      removed: (was?.removed ?? false) || change.removed,
      membersAdded: {
        userIds: join("userIds"),
        groupIds: join("groupIds"),
        deviceIds: join("deviceIds"),
        otherIds: join("otherIds"),
      },
      membersRemoved: sortedIds([...(was?.membersRemoved ?? []), ...change.membersRemoved]),
    });
  }
  return merged;
}

const NO_MEMBERS = { userIds: [], groupIds: [], deviceIds: [], otherIds: [] };

/** Registers the unit-changes part of the contract; skipped for readers without the capability. */
export function describeUnitChangesContract(harness: DirectoryHarness): void {
  describe("readRestrictedUnitChanges", () => {
    it("without a link: a link from now and no changes; a quiet round from it: no changes and a new link", async (test) => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      if (under.directory.readRestrictedUnitChanges === undefined) return test.skip();
      const start = complete(await tracking(under.directory).readRestrictedUnitChanges(undefined));
      expect(start.changes).toEqual([]);
      expect(start.deltaLink).toEqual(expect.any(String));
      const quiet = complete(await tracking(under.directory).readRestrictedUnitChanges(start.deltaLink));
      expect(quiet.changes).toEqual([]);
      expect(quiet.deltaLink).toEqual(expect.any(String));
    });

    for (const pageSize of [undefined, 1]) {
      it(`names members added and removed, deleted units, new units whole and renamed units (page size ${pageSize ?? "default"})`, async (test) => {
        const fixture = contractTenant();
        await using under = await harness.create(fixture.tenant, pageSize === undefined ? {} : { pageSize });
        if (under.directory.readRestrictedUnitChanges === undefined) return test.skip();
        const reader = tracking(under.directory);
        const start = complete(await reader.readRestrictedUnitChanges(undefined));
        const { tenant } = fixture;
        const emergency = tenant.units.get(fixture.emergencyUnit);
        const mixed = tenant.units.get(fixture.mixedUnit);
        if (!emergency || !mixed) throw new Error("contract tenant changed");
        emergency.memberIds.push(fixture.obrien);
        mixed.memberIds = mixed.memberIds.filter(
          (id) => id !== fixture.financeLead && id !== fixture.kioskDevice,
        );
        mixed.displayName = "Finance (renamed)";
        tenant.units.delete(fixture.emptyUnit);
        const newUnit = "7a1f0000-0000-4000-8000-00000000c0de";
        tenant.units.set(newUnit, {
          id: newUnit,
          displayName: "New vault",
          isMemberManagementRestricted: true,
          membershipType: null,
          visibility: "HiddenMembership",
          memberIds: [fixture.nullFlagUser, fixture.financeGroup],
        });

        const round = complete(await reader.readRestrictedUnitChanges(start.deltaLink));
        const changes = byUnit(round.changes);
        expect(sortedIds(changes.keys())).toEqual(
          sortedIds([fixture.emergencyUnit, fixture.mixedUnit, fixture.emptyUnit, newUnit]),
        );
        const added = changes.get(fixture.emergencyUnit);
        expect(added).toMatchObject({
          removed: false,
          membersAdded: { ...NO_MEMBERS, userIds: [fixture.obrien] },
          membersRemoved: [],
        });
        // An updated unit carries at least what changed, never a flag it did not report.
        expect(added?.isMemberManagementRestricted).toBeUndefined();
        expect(changes.get(fixture.mixedUnit)).toMatchObject({
          removed: false,
          displayName: "Finance (renamed)",
          membersAdded: NO_MEMBERS,
          membersRemoved: sortedIds([fixture.financeLead, fixture.kioskDevice]),
        });
        expect(changes.get(fixture.emptyUnit)).toMatchObject({ removed: true });
        expect(changes.get(newUnit)).toMatchObject({
          removed: false,
          displayName: "New vault",
          isMemberManagementRestricted: true,
          membershipType: "assigned",
          visibility: "hiddenMembership",
          membersAdded: { ...NO_MEMBERS, userIds: [fixture.nullFlagUser], groupIds: [fixture.financeGroup] },
        });

        // The round's link starts the next one: nothing changed since.
        expect(complete(await reader.readRestrictedUnitChanges(round.deltaLink)).changes).toEqual([]);
      });
    }

    it("a round broken part way is incomplete, and its starting link still works", async (test) => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, {
        pageSize: 1,
        faults: [{ operation: "unit-changes", kind: "throttled", page: 2 }],
      });
      if (under.directory.readRestrictedUnitChanges === undefined) return test.skip();
      const reader = tracking(under.directory);
      const start = complete(await reader.readRestrictedUnitChanges(undefined));
      fixture.tenant.units.get(fixture.emergencyUnit)?.memberIds.push(fixture.obrien);
      fixture.tenant.units.get(fixture.dynamicUnit)?.memberIds.push(fixture.nullFlagUser);
      const broken = await reader.readRestrictedUnitChanges(start.deltaLink);
      expect(broken.outcome).toBe("incomplete");
      if (broken.outcome === "complete") return;
      expect(EXPECTED_FAILURE_KINDS.throttled).toContain(broken.failure.kind);
    });

    it("an expired link asks for a full read (resync-required)", async (test) => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      if (under.directory.readRestrictedUnitChanges === undefined) return test.skip();
      const reader = tracking(under.directory);
      const start = complete(await reader.readRestrictedUnitChanges(undefined));
      unitChangeTrackerFor(fixture.tenant).expireAll();
      expect((await reader.readRestrictedUnitChanges(start.deltaLink)).outcome).toBe("resync-required");
    });

    it("a directory without the function (a national cloud) answers unsupported", async (test) => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, { unitChangeTracking: false });
      if (under.directory.readRestrictedUnitChanges === undefined) return test.skip();
      const read = await tracking(under.directory).readRestrictedUnitChanges(undefined);
      expect(read.outcome).toBe("unsupported");
      if (read.outcome === "complete") return;
      expect(read.failure.kind).toBe("unsupported");
    });
  });
}
