import { describe, expect, it } from "vitest";
import { RESTRICTED_MANAGEMENT_DENIAL_MESSAGE, startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

const RESTRICTED = "/v1.0/users?$filter=isManagementRestricted%20eq%20true&$select=id,userPrincipalName";

function tenantWithProtected(count: number) {
  const t = tenantBuilder({ seed: "fake-graph-users" });
  const normal = t.user("normal");
  const protectedIds = t.users(count, "bg");
  const hostile = t.user("hostile", { userPrincipalName: "o'brien' or 1 eq 1@contoso.com" });
  t.unit("Emergency access", { restricted: true, members: protectedIds });
  t.unit("Ordinary", { members: [normal] });
  return { tenant: t.build(), normal, protectedIds, hostile };
}

async function readAllPages(graph: { url: string; ca: string }, first: string) {
  const pages: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    const answer = await send(graph, "GET", next);
    expect(answer.status).toBe(200);
    const body = answer.json();
    pages.push(body);
    next = body["@odata.nextLink"] as string | undefined;
  }
  return pages;
}

describe("GET /users", () => {
  it("lists restricted users over 3+ pages with absolute next links that keep the query", async () => {
    const { tenant, protectedIds } = tenantWithProtected(7);
    await using graph = await startFakeGraphServer(tenant, { maxPageSize: 3 });
    const pages = await readAllPages(graph, RESTRICTED);
    expect(pages.map((p) => (p.value as unknown[]).length)).toEqual([3, 3, 1]);
    const ids = pages.flatMap((p) => (p.value as { id: string }[]).map((u) => u.id));
    expect(ids).toEqual(protectedIds);
    const link = new URL(pages[0]?.["@odata.nextLink"] as string);
    expect(link.origin).toBe(graph.url);
    expect(link.pathname).toBe("/v1.0/users");
    expect(link.searchParams.get("$filter")).toBe("isManagementRestricted eq true");
    expect(link.searchParams.get("$select")).toBe("id,userPrincipalName");
    expect(link.searchParams.get("$skiptoken")).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pages[0]?.["@odata.context"]).toBe(`${graph.url}/v1.0/$metadata#users(id,userPrincipalName)`);
    expect(graph.requests.map((r) => r.page)).toEqual([1, 2, 3]);
  });

  it("honours $top, defaults to 100 and rejects $top above 999 like Graph", async () => {
    const { tenant } = tenantWithProtected(120);
    await using graph = await startFakeGraphServer(tenant);
    const first = (await send(graph, "GET", "/v1.0/users?$select=id")).json();
    expect((first.value as unknown[]).length).toBe(100);
    const top5 = (await send(graph, "GET", "/v1.0/users?$select=id&$top=5")).json();
    expect((top5.value as unknown[]).length).toBe(5);
    expect(new URL(top5["@odata.nextLink"] as string).searchParams.get("$top")).toBe("5");
    const tooBig = await send(graph, "GET", "/v1.0/users?$top=1000");
    expect(tooBig.status).toBe(400);
    expect(tooBig.json()).toMatchObject({
      error: {
        code: "Request_UnsupportedQuery",
        message: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
      },
    });
  });

  it("returns only the selected properties, and reads null isManagementRestricted for ordinary users", async () => {
    const { tenant, normal } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant);
    const body = (await send(graph, "GET", "/v1.0/users?$select=id,isManagementRestricted")).json();
    const values = body.value as Record<string, unknown>[];
    expect(values.find((u) => u.id === normal)).toEqual({ id: normal, isManagementRestricted: null });
    expect(values.filter((u) => u.isManagementRestricted === true)).toHaveLength(1);
    // Without $select: Graph's default properties, never isManagementRestricted, and no @odata.type.
    const plain = (await send(graph, "GET", "/v1.0/users")).json().value as Record<string, unknown>[];
    expect(plain[0]).toHaveProperty("userPrincipalName");
    expect(plain[0]).not.toHaveProperty("isManagementRestricted");
    expect(plain[0]).not.toHaveProperty("@odata.type");
    // Graph emits id only when selected.
    const noId = (await send(graph, "GET", "/v1.0/users?$select=displayName")).json().value as object[];
    expect(noId[0]).not.toHaveProperty("id");
  });

  it("rejects unsupported filters and unknown properties with Graph's 400s", async () => {
    const { tenant } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant);
    const ne = await send(graph, "GET", "/v1.0/users?$filter=isManagementRestricted%20ne%20true");
    expect(ne.status).toBe(400);
    expect(ne.json()).toMatchObject({ error: { code: "Request_UnsupportedQuery" } });
    const unknown = await send(graph, "GET", "/v1.0/users?$select=id,shoeSize");
    expect(unknown.json()).toMatchObject({
      error: {
        code: "Request_BadRequest",
        message: "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
      },
    });
    expect((await send(graph, "GET", "/v1.0/users?$orderby=displayName")).status).toBe(400);
  });

  it("answers 400 naming isManagementRestricted in a cloud without it (primarySignal unsupported)", async () => {
    const { tenant, normal } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant, { primarySignal: "unsupported" });
    const message =
      "Could not find a property named 'isManagementRestricted' on type 'microsoft.graph.user'.";
    const list = await send(graph, "GET", RESTRICTED);
    expect(list.status).toBe(400);
    expect(list.json()).toMatchObject({ error: { code: "Request_BadRequest", message } });
    const get = await send(graph, "GET", `/v1.0/users/${normal}?$select=id,isManagementRestricted`);
    expect(get.json()).toMatchObject({ error: { message } });
    expect((await send(graph, "GET", `/v1.0/users/${normal}?$select=id`)).status).toBe(200);
  });

  it("answers 403 Authorization_RequestDenied without User.Read.All", async () => {
    const { tenant } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant, { permissions: { userReadAll: false } });
    const answer = await send(graph, "GET", RESTRICTED);
    expect(answer.status).toBe(403);
    expect(answer.json()).toMatchObject({
      error: {
        code: "Authorization_RequestDenied",
        message: "Insufficient privileges to complete the operation.",
      },
    });
  });
});

describe("GET /users/{id | userPrincipalName}", () => {
  it("finds a UPN starting with $ by OData key syntax, doubled quotes decoded, and refuses the path form", async () => {
    const t = tenantBuilder({ seed: "fake-graph-dollar-upn" });
    const dollar = t.user("dollar", { userPrincipalName: "$o'hara@contoso.com" });
    await using graph = await startFakeGraphServer(t.build());
    const keyed = await send(
      graph,
      "GET",
      "/v1.0/users('%24o''hara%40contoso.com')?$select=id,userPrincipalName",
    );
    expect(keyed.status).toBe(200);
    expect(keyed.json()).toMatchObject({ id: dollar, userPrincipalName: "$o'hara@contoso.com" });
    expect(graph.requests[0]).toMatchObject({
      route: "users.get",
      objectIds: expect.arrayContaining([dollar]),
    });
    // OData reserves a leading $ for system segments: the plain path form is not a user key.
    const plain = await send(graph, "GET", `/v1.0/users/${encodeURIComponent("$o'hara@contoso.com")}`);
    expect(plain.status).toBe(400);
    expect(plain.json()).toMatchObject({ error: { code: "BadRequest" } });
    const unknown = await send(graph, "GET", "/v1.0/users('%24nobody%40contoso.com')");
    expect(unknown.status).toBe(404);
  });

  it("finds a user by id or by URL-encoded UPN, taking quotes literally", async () => {
    const { tenant, hostile, protectedIds } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant);
    const upn = "o'brien' or 1 eq 1@contoso.com";
    const byUpn = await send(
      graph,
      "GET",
      `/v1.0/users/${encodeURIComponent(upn)}?$select=id,userPrincipalName`,
    );
    expect(byUpn.status).toBe(200);
    expect(byUpn.json()).toEqual({
      "@odata.context": `${graph.url}/v1.0/$metadata#users(id,userPrincipalName)/$entity`,
      id: hostile,
      userPrincipalName: upn,
    });
    const byId = (
      await send(graph, "GET", `/v1.0/users/${protectedIds[0]}?$select=id,isManagementRestricted`)
    ).json();
    expect(byId.isManagementRestricted).toBe(true);
    // The filter form also takes the literal: the injection matches nobody.
    const filter = encodeURIComponent("userPrincipalName eq 'x'' or 1 eq 1'");
    expect((await send(graph, "GET", `/v1.0/users?$filter=${filter}`)).json().value).toEqual([]);
  });

  it("answers 404 Request_ResourceNotFound with Graph's message for an unknown user", async () => {
    const { tenant } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant);
    const answer = await send(graph, "GET", "/v1.0/users/00000000-0000-0000-0000-000000000000");
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({
      error: {
        code: "Request_ResourceNotFound",
        message:
          "Resource '00000000-0000-0000-0000-000000000000' does not exist or one of its queried reference-property objects are not present.",
      },
    });
  });
});

describe("PATCH /users/{id}", () => {
  it("changes an ordinary user's password (204) and records the change, never the password", async () => {
    const { tenant, normal } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant, { clock: () => 1_000 });
    const body = { passwordProfile: { password: "S3cret-Passw0rd!", forceChangePasswordNextSignIn: false } };
    const answer = await send(graph, "PATCH", `/v1.0/users/${normal}`, { body });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(graph.passwordChanges).toEqual([{ userId: normal, atMs: 1_000 }]);
    expect(JSON.stringify(graph.requests)).not.toContain("S3cret");
  });

  it("denies a member of a restricted unit with Graph's RMAU message", async () => {
    const { tenant, protectedIds } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant);
    const body = { passwordProfile: { password: "S3cret-Passw0rd!" } };
    const answer = await send(graph, "PATCH", `/v1.0/users/${protectedIds[0]}`, { body });
    expect(answer.status).toBe(403);
    expect(answer.json()).toMatchObject({
      error: { code: "Authorization_RequestDenied", message: RESTRICTED_MANAGEMENT_DENIAL_MESSAGE },
    });
    expect(RESTRICTED_MANAGEMENT_DENIAL_MESSAGE).toContain("restricted management administrative unit");
    expect(graph.passwordChanges).toEqual([]);
  });

  it("refuses a body that is not JSON, a weak password and an unknown user", async () => {
    const { tenant, normal } = tenantWithProtected(1);
    await using graph = await startFakeGraphServer(tenant);
    const weak = await send(graph, "PATCH", `/v1.0/users/${normal}`, {
      body: { passwordProfile: { password: "x" } },
    });
    expect(weak.status).toBe(400);
    const unknown = await send(graph, "PATCH", "/v1.0/users/nobody@contoso.com", { body: {} });
    expect(unknown.status).toBe(404);
    expect(graph.passwordChanges).toEqual([]);
  });
});
