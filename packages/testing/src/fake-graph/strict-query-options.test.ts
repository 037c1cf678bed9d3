/**
 * Strict mode (`strictQueryOptions`): an OData system query option the route's Microsoft Graph v1.0 page
 * does not name is refused with Graph's 400, documented ones are served, listings still page through their
 * own nextLinks, and the default mode serves what it served before.
 */
import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, type FakeGraphServer, startFakeGraphServer, tenantBuilder } from "../index.js";
import { DOCUMENTED_QUERY_OPTIONS } from "./documented-query-options.js";
import { send } from "./https-test-client.js";

const GLOBAL_ADMIN = BUILT_IN_ROLES["Global Administrator"];

function strictTenant() {
  const t = tenantBuilder({ seed: "fake-graph-strict" });
  const users = t.users(5, "u");
  // In no restricted unit: a PATCH to it succeeds.
  const outsider = t.user("outsider");
  const group = t.group("team", { members: users });
  const unit = t.unit("Break glass", { restricted: true, members: users });
  t.unit("Ordinary", { members: [users[0] as string] });
  t.unit("Third", {});
  t.assignRole("Global Administrator", users[0] as string);
  t.assignRole("Global Administrator", users[1] as string, { kind: "eligible" });
  return { tenant: t.build(), users, outsider, group, unit, alice: users[0] as string };
}

/** Every page of a listing through its own nextLinks; fails on any answer but 200. */
async function readAllPages(graph: FakeGraphServer, first: string): Promise<Record<string, unknown>[]> {
  const pages: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    const answer = await send(graph, "GET", next);
    expect(answer.status, `${next}: ${answer.text}`).toBe(200);
    const body = answer.json();
    pages.push(body);
    next = body["@odata.nextLink"] as string | undefined;
  }
  return pages;
}

/** Requests the fake serves by default with an option their route's Microsoft page does not name. */
function undocumented(ids: ReturnType<typeof strictTenant>): readonly [string, string, string][] {
  return [
    ["GET", "/v1.0/directory/administrativeUnits?$top=2", "$top"],
    ["GET", `/v1.0/directory/administrativeUnits/${ids.unit}/members?$select=id`, "$select"],
    ["GET", `/v1.0/directory/administrativeUnits/${ids.unit}/members?$top=2`, "$top"],
    ["GET", "/v1.0/roleManagement/directory/roleDefinitions?$select=id,displayName", "$select"],
    ["GET", "/v1.0/roleManagement/directory/roleDefinitions?$top=2", "$top"],
    ["GET", "/v1.0/roleManagement/directory/roleAssignments?$expand=principal&$top=2", "$top"],
    ["GET", "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$top=2", "$top"],
    ["PATCH", `/v1.0/users/${ids.outsider}?$select=id`, "$select"],
  ];
}

describe("strict query options: refused as Graph refuses an unsupported query", () => {
  it("answers an option the route's page does not name with Graph's 400 body and headers", async () => {
    const { tenant } = strictTenant();
    await using graph = await startFakeGraphServer(tenant, { strictQueryOptions: true });
    const answer = await send(graph, "GET", "/v1.0/directory/administrativeUnits?$select=id&$top=2", {
      headers: { "client-request-id": "strict-1" },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers["client-request-id"]).toBe("strict-1");
    expect(answer.json()).toEqual({
      error: {
        code: "Request_BadRequest",
        message: "'$top' is not supported by the service.",
        innerError: {
          date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
          "request-id": answer.headers["request-id"],
          "client-request-id": "strict-1",
        },
      },
    });
    expect(graph.requests.map((r) => [r.route, r.status])).toEqual([["administrativeUnits.list", 400]]);
  });

  it("refuses every undocumented option the fake otherwise serves, on every route and in $batch items", async () => {
    const ids = strictTenant();
    await using graph = await startFakeGraphServer(ids.tenant, { strictQueryOptions: true });
    for (const [method, path, option] of undocumented(ids)) {
      const answer = await send(graph, method, path, method === "PATCH" ? { body: {} } : {});
      expect(answer.status, path).toBe(400);
      expect(answer.json(), path).toMatchObject({
        error: { code: "Request_BadRequest", message: `'${option}' is not supported by the service.` },
      });
    }
    const batch = await send(graph, "POST", "/v1.0/$batch", {
      body: {
        requests: [
          { id: "1", method: "GET", url: `/directory/administrativeUnits/${ids.unit}/members?$select=id` },
          { id: "2", method: "GET", url: `/groups/${ids.group}/members?$select=id&$top=2` },
        ],
      },
    });
    const items = batch.json().responses as { id: string; status: number; body: unknown }[];
    expect(Object.fromEntries(items.map((item) => [item.id, item.status]))).toEqual({ "1": 400, "2": 200 });
    expect(items.find((item) => item.id === "1")?.body).toMatchObject({
      error: { message: "'$select' is not supported by the service." },
    });
    // POST /$batch itself takes no query option.
    const batchWithOption = await send(graph, "POST", "/v1.0/$batch?$top=1", {
      body: { requests: [{ id: "1", method: "GET", url: "/users?$select=id" }] },
    });
    expect(batchWithOption.json()).toMatchObject({
      error: { code: "Request_BadRequest", message: "'$top' is not supported by the service." },
    });
  });

  it("answers options the fake does not model at all in Graph's words too, and a $skiptoken off a listing", async () => {
    const ids = strictTenant();
    await using graph = await startFakeGraphServer(ids.tenant, { strictQueryOptions: true });
    const skip = await send(graph, "GET", "/v1.0/users?$select=id&$skip=2");
    expect(skip.json()).toMatchObject({ error: { message: "'$skip' is not supported by the service." } });
    const token = await send(graph, "GET", `/v1.0/users/${ids.alice}?$skiptoken=anything`);
    expect(token.json()).toMatchObject({
      error: { message: "'$skiptoken' is not supported by the service." },
    });
    // Named by the page but not modelled by the fake: still refused, by the route's own check.
    const orderby = await send(graph, "GET", "/v1.0/users?$orderby=displayName");
    expect(orderby.status).toBe(400);
    expect(orderby.json()).toMatchObject({ error: { code: "BadRequest" } });
  });

  it("accepts the options each route's page names (and the fake models)", async () => {
    const ids = strictTenant();
    await using graph = await startFakeGraphServer(ids.tenant, { strictQueryOptions: true });
    const filter = (text: string) => encodeURIComponent(text);
    const documented = [
      `/v1.0/users?$filter=${filter("isManagementRestricted eq true")}&$select=id,userPrincipalName&$top=2`,
      `/v1.0/users/${ids.alice}?$select=id,isManagementRestricted`,
      `/v1.0/directory/administrativeUnits?$select=id,isMemberManagementRestricted&$filter=${filter("displayName eq 'Ordinary'")}`,
      `/v1.0/groups/${ids.group}/members?$select=id,userPrincipalName&$top=2`,
      `/v1.0/roleManagement/directory/roleDefinitions?$filter=${filter("displayName eq 'Global Administrator'")}`,
      `/v1.0/roleManagement/directory/roleDefinitions/${GLOBAL_ADMIN}?$select=id,displayName`,
      `/v1.0/roleManagement/directory/roleAssignments?$filter=${filter(`roleDefinitionId eq '${GLOBAL_ADMIN}'`)}&$expand=principal&$select=id,principalId`,
      `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${filter(`roleDefinitionId eq '${GLOBAL_ADMIN}'`)}&$expand=principal`,
    ];
    for (const path of documented) {
      const answer = await send(graph, "GET", path);
      expect(answer.status, `${path}: ${answer.text}`).toBe(200);
    }
    const count = await send(
      graph,
      "GET",
      `/v1.0/directory/administrativeUnits/${ids.unit}/members?$count=true`,
      {
        headers: { consistencylevel: "eventual" },
      },
    );
    expect(count.status).toBe(200);
    expect(count.json()["@odata.count"]).toBe(5);
  });

  it("reads a listing page by page through its own nextLinks, in strict mode as in default mode", async () => {
    const ids = strictTenant();
    for (const strictQueryOptions of [true, false]) {
      await using graph = await startFakeGraphServer(ids.tenant, { strictQueryOptions, maxPageSize: 2 });
      const users = await readAllPages(graph, "/v1.0/users?$select=id&$top=2");
      expect(users.flatMap((page) => (page.value as { id: string }[]).map((user) => user.id))).toEqual([
        ...ids.users,
        ids.outsider,
      ]);
      // A route whose page names no $top still pages, at the server's page size.
      const units = await readAllPages(graph, "/v1.0/directory/administrativeUnits?$select=id");
      expect(units.map((page) => (page.value as unknown[]).length)).toEqual([2, 1]);
      const members = await readAllPages(graph, `/v1.0/directory/administrativeUnits/${ids.unit}/members`);
      expect(members).toHaveLength(3);
      expect(graph.requests.map((r) => r.page)).toEqual([1, 2, 3, 1, 2, 1, 2, 3]);
    }
  });

  it("is off by default: the same requests are served as before", async () => {
    const ids = strictTenant();
    await using graph = await startFakeGraphServer(ids.tenant);
    for (const [method, path] of undocumented(ids)) {
      const answer = await send(graph, method, path, method === "PATCH" ? { body: {} } : {});
      expect(answer.status, `${path}: ${answer.text}`).toBeLessThan(300);
    }
    // Options the fake does not model keep the default mode's answer.
    expect((await send(graph, "GET", "/v1.0/users?$skip=2")).json()).toMatchObject({
      error: { code: "BadRequest", message: "Query option '$skip' is not allowed for this resource." },
    });
  });

  it("lets strict mode be switched while the server runs", async () => {
    const ids = strictTenant();
    await using graph = await startFakeGraphServer(ids.tenant);
    const path = `/v1.0/directory/administrativeUnits/${ids.unit}/members?$select=id&$top=2`;
    expect((await send(graph, "GET", path)).status).toBe(200);
    graph.configure({ strictQueryOptions: true });
    expect((await send(graph, "GET", path)).status).toBe(400);
    graph.configure({ maxPageSize: 3 });
    expect((await send(graph, "GET", path)).status).toBe(400);
    graph.configure({ strictQueryOptions: false });
    expect((await send(graph, "GET", path)).status).toBe(200);
  });
});

describe("the documented options table", () => {
  it("cites a learn.microsoft.com page and its source file for every route", () => {
    for (const [route, entry] of Object.entries(DOCUMENTED_QUERY_OPTIONS)) {
      expect(entry.url, route).toMatch(/^https:\/\/learn\.microsoft\.com\/graph\//);
      expect(entry.source, route).toMatch(/^(api-reference\/v1\.0\/api|concepts)\/[a-z-]+\.md$/);
      for (const option of entry.options) expect(option, route).toMatch(/^\$[a-z]+$/);
    }
  });
});
