import { describe, expect, it } from "vitest";
import { startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

const UNITS =
  "/v1.0/directory/administrativeUnits?$select=id,displayName,isMemberManagementRestricted,membershipType,visibility";

function unitTenant() {
  const t = tenantBuilder({ seed: "fake-graph-units" });
  const users = t.users(5, "u");
  const group = t.group("helpdesk", { members: [] });
  const device = t.device("laptop");
  const open = t.unit("Emergency access", { restricted: true, members: [...users, group, device] });
  const hidden = t.unit("Hidden", {
    restricted: true,
    visibility: "HiddenMembership",
    members: [users[0] as string],
  });
  const dynamic = t.unit("Dynamic", { restricted: true, membershipType: "Dynamic", visibility: "Public" });
  const ordinary = t.unit("Ordinary", { members: [users[1] as string] });
  return { tenant: t.build(), users, group, device, open, hidden, dynamic, ordinary };
}

describe("GET /directory/administrativeUnits", () => {
  it("lists every unit with Graph's values: null when unset, true for restricted units", async () => {
    const { tenant, open, hidden, dynamic, ordinary } = unitTenant();
    await using graph = await startFakeGraphServer(tenant);
    const body = (await send(graph, "GET", UNITS)).json();
    expect(body["@odata.context"]).toBe(
      `${graph.url}/v1.0/$metadata#directory/administrativeUnits(id,displayName,isMemberManagementRestricted,membershipType,visibility)`,
    );
    expect(body.value).toEqual([
      {
        id: open,
        displayName: "Emergency access",
        isMemberManagementRestricted: true,
        membershipType: null,
        visibility: null,
      },
      {
        id: hidden,
        displayName: "Hidden",
        isMemberManagementRestricted: true,
        membershipType: null,
        visibility: "HiddenMembership",
      },
      {
        id: dynamic,
        displayName: "Dynamic",
        isMemberManagementRestricted: true,
        membershipType: "Dynamic",
        visibility: "Public",
      },
      {
        id: ordinary,
        displayName: "Ordinary",
        isMemberManagementRestricted: null,
        membershipType: null,
        visibility: null,
      },
    ]);
  });

  it("pages units and refuses a $filter Graph does not document on isMemberManagementRestricted", async () => {
    const { tenant } = unitTenant();
    await using graph = await startFakeGraphServer(tenant, { maxPageSize: 1 });
    const first = (await send(graph, "GET", UNITS)).json();
    expect(first.value).toHaveLength(1);
    expect(first["@odata.nextLink"]).toMatch(/\$skiptoken=/);
    const filtered = await send(
      graph,
      "GET",
      "/v1.0/directory/administrativeUnits?$filter=isMemberManagementRestricted%20eq%20true",
    );
    expect(filtered.status).toBe(400);
    expect(filtered.json()).toMatchObject({ error: { code: "Request_UnsupportedQuery" } });
  });
});

describe("GET /directory/administrativeUnits/{id}/members", () => {
  it("lists direct members with @odata.type, paging with maxPageSize", async () => {
    const { tenant, open, users, group, device } = unitTenant();
    await using graph = await startFakeGraphServer(tenant, { maxPageSize: 3 });
    const members: Record<string, unknown>[] = [];
    let next: string | undefined = `/v1.0/directory/administrativeUnits/${open}/members?$select=id`;
    let pages = 0;
    while (next !== undefined) {
      const body = (await send(graph, "GET", next)).json();
      expect(body["@odata.context"]).toBe(`${graph.url}/v1.0/$metadata#directoryObjects(id)`);
      members.push(...(body.value as Record<string, unknown>[]));
      next = body["@odata.nextLink"] as string | undefined;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(members).toEqual([
      ...users.map((id) => ({ "@odata.type": "#microsoft.graph.user", id })),
      { "@odata.type": "#microsoft.graph.group", id: group },
      { "@odata.type": "#microsoft.graph.device", id: device },
    ]);
    expect(graph.requests.map((r) => [r.route, r.objectIds, r.page])).toEqual([
      ["administrativeUnits.members", [open], 1],
      ["administrativeUnits.members", [open], 2],
      ["administrativeUnits.members", [open], 3],
    ]);
  });

  it("without Member.Read.Hidden, a hidden unit answers an empty list by default, or 403 (forbidden)", async () => {
    const { tenant, hidden, open } = unitTenant();
    const path = `/v1.0/directory/administrativeUnits/${hidden}/members?$select=id`;
    await using graph = await startFakeGraphServer(tenant, { permissions: { memberReadHidden: false } });
    // The default is the silent 200 field reports describe, not a 403 Microsoft never documents.
    const empty = await send(graph, "GET", path);
    expect(empty.status).toBe(200);
    expect(empty.json().value).toEqual([]);
    // Public units are unaffected.
    expect(
      (await send(graph, "GET", `/v1.0/directory/administrativeUnits/${open}/members`)).json().value,
    ).toHaveLength(7);
    graph.configure({ permissions: { hiddenUnitBehavior: "forbidden" } });
    const denied = await send(graph, "GET", path);
    expect(denied.status).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: "Authorization_RequestDenied" } });
    graph.configure({ permissions: { memberReadHidden: true } });
    expect((await send(graph, "GET", path)).json().value).toHaveLength(1);
  });

  it("without Member.Read.Hidden and omit-users, a hidden unit lists only its non-user members", async () => {
    const t = tenantBuilder({ seed: "fake-graph-omit-users" });
    const ceo = t.user("ceo");
    const device = t.device("Boardroom screen");
    const hidden = t.unit("Executives", {
      restricted: true,
      visibility: "HiddenMembership",
      members: [ceo, device],
    });
    await using graph = await startFakeGraphServer(t.build(), {
      permissions: { memberReadHidden: false, hiddenUnitBehavior: "omit-users" },
    });
    const path = `/v1.0/directory/administrativeUnits/${hidden}/members?$select=id`;
    const short = await send(graph, "GET", path);
    expect(short.status).toBe(200);
    expect(short.json().value).toEqual([{ "@odata.type": "#microsoft.graph.device", id: device }]);
    graph.configure({ permissions: { memberReadHidden: true } });
    expect((await send(graph, "GET", path)).json().value).toHaveLength(2);
  });

  it("answers 404 for an unknown unit and 400 for a plain $filter (advanced queries only)", async () => {
    const { tenant, open } = unitTenant();
    await using graph = await startFakeGraphServer(tenant);
    expect((await send(graph, "GET", "/v1.0/directory/administrativeUnits/nope/members")).status).toBe(404);
    const filtered = await send(
      graph,
      "GET",
      `/v1.0/directory/administrativeUnits/${open}/members?$filter=id%20eq%20'x'`,
    );
    expect(filtered.status).toBe(400);
  });
});
