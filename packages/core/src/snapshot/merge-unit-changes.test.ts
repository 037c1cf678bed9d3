import { describe, expect, test } from "vitest";
import type { RestrictedUnitsRead, UnitChange } from "../ports/directory-reader.js";
import { mergeUnitChanges } from "./merge-unit-changes.js";

const NONE = { userIds: [], groupIds: [], deviceIds: [], otherIds: [] };

const base: RestrictedUnitsRead = {
  complete: true,
  units: [
    {
      id: "U1",
      displayName: "Tier 0",
      membershipType: "assigned",
      visibility: "public",
      members: { userIds: ["a"], groupIds: ["g"], deviceIds: [], otherIds: [], complete: true },
    },
  ],
};

const change = (over: Partial<UnitChange>): UnitChange => ({
  id: "U1",
  removed: false,
  membersAdded: NONE,
  membersRemoved: [],
  ...over,
});

describe("mergeUnitChanges", () => {
  test("adds and removes members of a known unit, by id case-insensitively, and keeps the read complete", () => {
    const merged = mergeUnitChanges(base, [
      change({ membersAdded: { ...NONE, userIds: ["b"] } }),
      change({ id: "u1", membersRemoved: ["A"] }),
    ]);
    expect(merged).toEqual({
      kind: "merged",
      unitsRead: {
        complete: true,
        units: [
          {
            ...base.units[0],
            members: { userIds: ["b"], groupIds: ["g"], deviceIds: [], otherIds: [], complete: true },
          },
        ],
      },
    });
  });

  test("drops a removed unit; ignores ordinary units it never knew", () => {
    const merged = mergeUnitChanges(base, [
      change({ removed: true }),
      change({ id: "U9", membersAdded: { ...NONE, userIds: ["x"] } }),
      change({ id: "U8", isMemberManagementRestricted: false }),
    ]);
    expect(merged).toEqual({ kind: "merged", unitsRead: { complete: true, units: [] } });
  });

  test.each([
    ["a new restricted unit", change({ id: "U2", isMemberManagementRestricted: true })],
    ["a known unit reported not restricted", change({ isMemberManagementRestricted: false })],
    ["a visibility change", change({ visibility: "hiddenMembership" })],
    ["a membership type change", change({ membershipType: "dynamic" })],
  ])("asks for a full read on %s", (_name, entry) => {
    expect(mergeUnitChanges(base, [entry]).kind).toBe("full-read-needed");
  });

  test("asks for a full read when a member is both added and removed in one round (no order is promised)", () => {
    const merged = mergeUnitChanges(base, [
      change({ membersAdded: { ...NONE, userIds: ["b"] } }),
      change({ membersRemoved: ["B"] }),
    ]);
    expect(merged.kind).toBe("full-read-needed");
  });
});
