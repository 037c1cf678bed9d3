import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

function pagedTenant() {
  const t = tenantBuilder({ seed: "graph-adapter-e2e", domain: "contoso.com" });
  const protectedUsers = t.users(7, "breakglass");
  const ordinary = t.users(3, "staff");
  const group = t.group("Ops", { members: [ordinary[0] as string] });
  const device = t.device("Kiosk");
  const units = [
    t.unit("Emergency", {
      restricted: true,
      members: protectedUsers.slice(0, 5),
      membershipType: "Assigned",
    }),
    t.unit("Mixed", { restricted: true, members: [protectedUsers[5] as string, group, device] }),
    t.unit("Hidden", {
      restricted: true,
      visibility: "HiddenMembership",
      members: [protectedUsers[6] as string],
    }),
    t.unit("Dynamic", { restricted: true, membershipType: "Dynamic" }),
  ];
  const ordinaryUnit = t.unit("Ordinary", { members: [ordinary[1] as string] });
  return { tenant: t.build(), protectedUsers, ordinary, units, ordinaryUnit, group, device };
}

describe("createGraphDirectory over the fake Graph server", () => {
  it("follows every page of the protected set and of units and members", async () => {
    const fixture = pagedTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, { maxPageSize: 2 });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ primarySignal: "available", complete: true });
    expect(read.users.map((user) => user.id).sort()).toEqual([...fixture.protectedUsers].sort());
    const listings = graph.server.requests.filter((r) => r.route === "users.list");
    expect(listings.map((r) => r.page)).toEqual([1, 2, 3, 4]);
    expect(listings[0]?.query.$filter).toBe("isManagementRestricted eq true");

    const units = await graph.directory.readRestrictedUnits();
    expect(units.complete).toBe(true);
    expect(units.units.map((unit) => unit.id).sort()).toEqual([...fixture.units].sort());
    const emergency = units.units.find((unit) => unit.id === fixture.units[0]);
    expect(emergency?.members).toMatchObject({ complete: true, groupIds: [], deviceIds: [] });
    expect(emergency?.members.userIds).toHaveLength(5);
    const mixed = units.units.find((unit) => unit.id === fixture.units[1]);
    expect(mixed?.members).toMatchObject({ userIds: [fixture.protectedUsers[5]], groupIds: [fixture.group] });
    expect(mixed?.members.deviceIds).toEqual([fixture.device]);
    expect(units.units.find((unit) => unit.id === fixture.units[3])?.membershipType).toBe("dynamic");
    expect(units.units.find((unit) => unit.id === fixture.units[2])?.visibility).toBe("hiddenMembership");
    const stats = graph.directory.stats();
    expect(stats.byEndpoint["GET /users"]?.requests).toBe(4);
    expect(stats.retries).toBe(0);
  });

  it("sends tokens for the cloud's scope, never the baseUrl's", async () => {
    await using graph = await directoryOverFakeGraph(pagedTenant().tenant, {}, { cloud: "usgov" });
    await graph.directory.readProtectedUsers();
    expect(new Set(graph.credential.scopes)).toEqual(new Set(["https://graph.microsoft.us/.default"]));
  });

  it("falls back when the cloud has no isManagementRestricted, and reports checks as unavailable", async () => {
    const fixture = pagedTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, { primarySignal: "unsupported" });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ primarySignal: "unsupported", users: [], complete: false });
    expect(read.failure?.kind).toBe("unsupported");
    const checks = await graph.directory.checkUsers([{ id: fixture.protectedUsers[0] as string }]);
    expect(checks[0]).toMatchObject({ outcome: "found", isManagementRestricted: "unavailable" });
    const items = graph.server.requests.filter((r) => r.route === "users.get");
    expect(items.every((r) => !(r.query.$select ?? "").includes("isManagementRestricted"))).toBe(true);
  });

  it("reports a 403 on the protected set as the forbidden signal", async () => {
    await using graph = await directoryOverFakeGraph(pagedTenant().tenant, {
      permissions: { userReadAll: false },
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({
      primarySignal: "forbidden",
      complete: false,
      failure: { kind: "permission-missing" },
    });
    expect(graph.directory.primarySignal()).toBe("forbidden");
  });

  it("marks a hidden unit's members unreadable on a 403 without Member.Read.Hidden, leaving other units intact", async () => {
    const fixture = pagedTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      permissions: { memberReadHidden: false, hiddenUnitBehavior: "forbidden" },
    });
    const read = await graph.directory.readRestrictedUnits();
    expect(read.complete).toBe(true);
    const hidden = read.units.find((unit) => unit.id === fixture.units[2]);
    expect(hidden?.members).toMatchObject({
      complete: false,
      failure: { kind: "permission-missing", status: 403 },
    });
    expect(read.units.find((unit) => unit.id === fixture.units[0])?.members.complete).toBe(true);
  });

  it("reads a hidden unit's silent empty 200 without Member.Read.Hidden as complete but not authoritative", async () => {
    const fixture = pagedTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      permissions: { memberReadHidden: false },
    });
    const read = await graph.directory.readRestrictedUnits();
    const hidden = read.units.find((unit) => unit.id === fixture.units[2]);
    expect(hidden?.members).toMatchObject({ complete: true, userIds: [], hiddenMembersVisible: false });
  });

  it("never follows a nextLink to another host, and stops on a nextLink loop", async () => {
    const fixture = pagedTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      maxPageSize: 2,
      faults: [
        { match: { route: "users.list", page: 1 }, effect: { kind: "next-link", nextLink: "other-host" } },
      ],
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    expect(read.users).toHaveLength(2);
    expect(graph.server.requests).toHaveLength(1);
    graph.server.clearFaults();
    graph.server.addFault({
      match: { route: "users.list", page: 2 },
      effect: { kind: "next-link", nextLink: "same-page" },
    });
    const looped = await graph.directory.readProtectedUsers();
    expect(looped).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    expect(looped.failure?.message).toContain("loop");
    expect(looped.users).toHaveLength(4);
  });

  it("reports malformed JSON as bad-response without retrying it", async () => {
    await using graph = await directoryOverFakeGraph(pagedTenant().tenant, {
      faults: [{ match: { route: "users.list" }, effect: { kind: "malformed-json" } }],
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    expect(graph.server.requests.filter((r) => r.route === "users.list")).toHaveLength(1);
  });

  it("sends a fresh UUID client-request-id with every attempt", async () => {
    await using graph = await directoryOverFakeGraph(pagedTenant().tenant, {
      maxPageSize: 2,
      faults: [{ match: { route: "users.list", page: 2 }, effect: { kind: "unavailable" }, times: 1 }],
    });
    await graph.directory.readProtectedUsers();
    const ids = graph.server.requests.map((r) => r.headers["client-request-id"]);
    expect(ids).toHaveLength(5);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("retries a read after a connection reset", async () => {
    const fixture = pagedTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [{ match: { route: "users.list" }, effect: { kind: "reset" }, times: 1 }],
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read.complete).toBe(true);
    expect(read.users).toHaveLength(7);
    expect(graph.server.requests.map((r) => r.status)).toEqual([0, 200]);
    expect(graph.directory.stats().retries).toBe(1);
  });
});

describe("createGraphDirectory page cap", () => {
  it("reports a listing of fresh skiptokens and empty pages as incomplete after maxPages", async () => {
    const fixture = pagedTenant();
    let served = 0;
    await using graph = await directoryOverFakeGraph(
      fixture.tenant,
      {
        maxPageSize: 2,
        faults: [
          {
            match: { route: "users.list" },
            effect: {
              kind: "transform-body",
              transform: (body, request) => {
                served += 1;
                const next = new URL(request.url);
                next.searchParams.set("n", String(served));
                return {
                  ...(body as object),
                  value: served === 1 ? (body as { value: unknown[] }).value : [],
                  "@odata.nextLink": next.href,
                };
              },
            },
          },
        ],
      },
      { maxPages: 5 },
    );
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    expect(read.failure?.message).toContain("5 pages");
    expect(read.users).toHaveLength(2);
    expect(graph.server.requests).toHaveLength(5);
  });
});
