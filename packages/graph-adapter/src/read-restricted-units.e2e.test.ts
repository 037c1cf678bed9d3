import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "../test/fake-graph-fixture.js";

describe("readRestrictedUnits when a hidden unit silently omits its users", () => {
  it("cannot tell a short listing from a full one: the unit reads complete with no users", async () => {
    const t = tenantBuilder({ seed: "graph-adapter-omit-users", domain: "contoso.com" });
    const ceo = t.user("ceo");
    const screen = t.device("Boardroom screen");
    const hidden = t.unit("Executives", {
      restricted: true,
      visibility: "HiddenMembership",
      members: [ceo, screen],
    });
    await using graph = await directoryOverFakeGraph(t.build(), {
      permissions: { memberReadHidden: false, hiddenUnitBehavior: "omit-users" },
    });
    const read = await graph.directory.readRestrictedUnits();
    const unit = read.units.find((candidate) => candidate.id === hidden);
    // This is why core must not read a hidden unit's listing as proof that a user is not in it; the
    // primary signal (isManagementRestricted) still names the user.
    expect(unit).toMatchObject({
      visibility: "hiddenMembership",
      members: { complete: true, userIds: [], deviceIds: [screen] },
    });
    const protectedUsers = await graph.directory.readProtectedUsers();
    expect(protectedUsers.users.map((user) => user.id)).toEqual([ceo]);
  });
});
