import { describe, expect, it } from "vitest";
import type { RestrictedUnit } from "../ports/directory-reader.js";
import { collectFindings } from "./finding.js";

const GROUP = "6c1f0a52-3e1b-4f0e-9d2a-7b8c9d0e1f2a";
const PROTECTED_READ = { primarySignal: "available", users: [], complete: true } as const;

function unitWithGroup(groupDisplayNames?: Record<string, string>): RestrictedUnit {
  return {
    id: "unit-1",
    displayName: "Protected finance objects",
    membershipType: "assigned",
    visibility: "public",
    members: {
      userIds: [],
      groupIds: [GROUP],
      deviceIds: [],
      otherIds: [],
      complete: true,
      ...(groupDisplayNames !== undefined ? { groupDisplayNames } : {}),
    },
  };
}

const groupFinding = (unit: RestrictedUnit) =>
  collectFindings(PROTECTED_READ, { units: [unit], complete: true }).find(
    (finding) => finding.code === "GROUP_IN_RESTRICTED_UNIT",
  );

describe("GROUP_IN_RESTRICTED_UNIT", () => {
  it("names the group by display name and id when the reader named it", () => {
    expect(groupFinding(unitWithGroup({ [GROUP]: "Finance" }))).toMatchObject({
      objectId: GROUP,
      message: expect.stringContaining(`Group "Finance" (${GROUP}) is a member of restricted unit`),
    });
  });

  it("names it by id alone otherwise, and never takes an inherited property for a name", () => {
    expect(groupFinding(unitWithGroup())?.message).toContain(`Group ${GROUP} is a member`);
    const odd = {
      ...unitWithGroup({}),
      members: { ...unitWithGroup({}).members, groupIds: ["constructor"] },
    };
    expect(groupFinding(odd)?.message).toContain("Group constructor is a member");
  });
});
