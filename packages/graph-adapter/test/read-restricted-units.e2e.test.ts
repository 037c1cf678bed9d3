import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

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

type UnitPage = { value: Array<Record<string, unknown>> };

function unitTenant() {
  const t = tenantBuilder({ seed: "graph-adapter-unit-shapes", domain: "contoso.com" });
  const admin = t.user("admin");
  const restricted = t.unit("Emergency", { restricted: true, members: [admin] });
  const ordinary = t.unit("Sales");
  return { tenant: t.build(), admin, restricted, ordinary };
}

describe("readRestrictedUnits judges each unit item's shape", () => {
  it("fails the page as bad-response when an item lacks isMemberManagementRestricted (absent is not null)", async () => {
    const fixture = unitTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.list" },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              for (const unit of (body as UnitPage).value) delete unit.isMemberManagementRestricted;
              return body;
            },
          },
        },
      ],
    });
    const read = await graph.directory.readRestrictedUnits();
    expect(read).toMatchObject({ complete: false, units: [], failure: { kind: "bad-response" } });
    expect(read.failure?.message).toContain("isMemberManagementRestricted");
  });

  it.each([["yes"], [1], [{}]])(
    "fails the page as bad-response when isMemberManagementRestricted is %j",
    async (value) => {
      const fixture = unitTenant();
      await using graph = await directoryOverFakeGraph(fixture.tenant, {
        faults: [
          {
            match: { route: "administrativeUnits.list" },
            effect: {
              kind: "transform-body",
              transform: (body) => {
                for (const unit of (body as UnitPage).value) {
                  if (unit.id === fixture.ordinary) unit.isMemberManagementRestricted = value;
                }
                return body;
              },
            },
          },
        ],
      });
      const read = await graph.directory.readRestrictedUnits();
      expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    },
  );

  it("keeps a unit with unknown visibility or membershipType, treating the visibility as hidden", async () => {
    const fixture = unitTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.list" },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              for (const unit of (body as UnitPage).value) {
                if (unit.id === fixture.restricted) {
                  unit.visibility = "MembersOnly";
                  unit.membershipType = "Hybrid";
                }
              }
              return body;
            },
          },
        },
      ],
    });
    const read = await graph.directory.readRestrictedUnits();
    expect(read.complete).toBe(true);
    expect(read.units).toHaveLength(1);
    expect(read.units[0]).toMatchObject({
      id: fixture.restricted,
      visibility: "hiddenMembership",
      // An unknown membership rule may change without anyone noticing, like a dynamic one.
      membershipType: "dynamic",
      members: { userIds: [fixture.admin], complete: true },
    });
  });

  it("reads Graph's spellings case-insensitively and null as the documented defaults", async () => {
    const fixture = unitTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.list" },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              const [unit] = (body as UnitPage).value.filter((item) => item.id === fixture.restricted);
              if (unit !== undefined)
                Object.assign(unit, { membershipType: "dynamic", visibility: "hiddenmembership" });
              const copy = {
                ...unit,
                id: "00000000-0000-0000-0000-00000000aaaa",
                membershipType: null,
                visibility: null,
              };
              (body as UnitPage).value.push(copy);
              return body;
            },
          },
        },
      ],
    });
    const read = await graph.directory.readRestrictedUnits();
    expect(
      read.units.map(({ id, membershipType, visibility }) => ({ id, membershipType, visibility })),
    ).toEqual([
      { id: fixture.restricted, membershipType: "dynamic", visibility: "hiddenMembership" },
      { id: "00000000-0000-0000-0000-00000000aaaa", membershipType: "assigned", visibility: "public" },
    ]);
  });
});

describe("readRestrictedUnits says whether a hidden unit's list is authoritative", () => {
  function hiddenTenant() {
    const t = tenantBuilder({ seed: "graph-adapter-hidden-visible", domain: "contoso.com" });
    const ceo = t.user("ceo");
    const hidden = t.unit("Executives", { restricted: true, visibility: "HiddenMembership", members: [ceo] });
    const open = t.unit("Tier 0", { restricted: true, members: [ceo] });
    return { tenant: t.build(), ceo, hidden, open };
  }

  it("is true when the token's roles claim names Member.Read.Hidden; public units say nothing", async () => {
    const fixture = hiddenTenant();
    await using graph = await directoryOverFakeGraph(
      fixture.tenant,
      {},
      {},
      { appRoles: ["Member.Read.Hidden"] },
    );
    const read = await graph.directory.readRestrictedUnits();
    const hidden = read.units.find((unit) => unit.id === fixture.hidden);
    expect(hidden?.members).toMatchObject({ userIds: [fixture.ceo], hiddenMembersVisible: true });
    const open = read.units.find((unit) => unit.id === fixture.open);
    expect(open?.members.hiddenMembersVisible).toBeUndefined();
  });

  it("is false for a token without the role, and for an opaque token", async () => {
    const fixture = hiddenTenant();
    for (const appRoles of [["User.Read.All"], null]) {
      await using graph = await directoryOverFakeGraph(fixture.tenant, {}, {}, { appRoles });
      const read = await graph.directory.readRestrictedUnits();
      const hidden = read.units.find((unit) => unit.id === fixture.hidden);
      // The fake still lists the member: the list is right, but nothing told us it is complete.
      expect(hidden?.members).toMatchObject({ userIds: [fixture.ceo], hiddenMembersVisible: false });
    }
  });

  it("is true with opaque tokens when the host vouches for the permission (memberReadHidden)", async () => {
    const fixture = hiddenTenant();
    await using graph = await directoryOverFakeGraph(
      fixture.tenant,
      {},
      { memberReadHidden: true },
      { appRoles: null },
    );
    const read = await graph.directory.readRestrictedUnits();
    const hidden = read.units.find((unit) => unit.id === fixture.hidden);
    expect(hidden?.members.hiddenMembersVisible).toBe(true);
  });
});

describe("readRestrictedUnits with a member listed twice", () => {
  it("counts the member once, whatever the letter case of the repeated id", async () => {
    const fixture = unitTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.members" },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              const page = body as UnitPage;
              const first = page.value[0] as Record<string, unknown>;
              page.value.push({ ...first, id: String(first.id).toUpperCase() });
              return body;
            },
          },
        },
      ],
    });
    const read = await graph.directory.readRestrictedUnits();
    const unit = read.units.find((candidate) => candidate.id === fixture.restricted);
    expect(unit?.members).toMatchObject({ complete: true, userIds: [fixture.admin] });
  });
});

describe("readRestrictedUnits for a person waiting on it", () => {
  it("names member groups by display name and reports each unit's members as they are read", async () => {
    const t = tenantBuilder({ seed: "graph-adapter-unit-progress", domain: "contoso.com" });
    const finance = t.group("Finance", { members: [t.user("finance.lead")] });
    t.unit("Protected finance objects", { restricted: true, members: [finance] });
    for (const name of ["A", "B", "C"])
      t.unit(name, { restricted: true, members: [t.user(name.toLowerCase())] });
    t.unit("Sales");
    const progress: [number, number][] = [];
    await using graph = await directoryOverFakeGraph(
      t.build(),
      {},
      { onUnitMembersRead: (read, total) => progress.push([read, total]) },
    );
    const read = await graph.directory.readRestrictedUnits();
    expect(
      read.units.find((unit) => unit.displayName === "Protected finance objects")?.members,
    ).toMatchObject({
      groupIds: [finance],
      groupDisplayNames: { [finance]: "Finance" },
    });
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it("a progress hook that throws does not break the read", async () => {
    const { tenant } = unitTenant();
    await using graph = await directoryOverFakeGraph(
      tenant,
      {},
      {
        onUnitMembersRead: () => {
          throw new Error("display went away");
        },
      },
    );
    expect(await graph.directory.readRestrictedUnits()).toMatchObject({ complete: true });
  });
});
