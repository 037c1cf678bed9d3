import { describe, expect, it } from "vitest";
import { startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

function batchTenant() {
  const t = tenantBuilder({ seed: "fake-graph-batch" });
  const ids = t.users(3, "u");
  t.unit("Emergency access", { restricted: true, members: [ids[0] as string] });
  return { tenant: t.build(), ids };
}

const check = (id: string, userId: string) => ({
  id,
  method: "GET",
  url: `/users/${userId}?$select=id,userPrincipalName,isManagementRestricted`,
});

type BatchItemAnswer = { id: string; status: number; headers: Record<string, string>; body?: unknown };

describe("POST /$batch", () => {
  it("answers each item with id, status, headers and body, not in request order", async () => {
    const { tenant, ids } = batchTenant();
    await using graph = await startFakeGraphServer(tenant);
    const answer = await send(graph, "POST", "/v1.0/$batch", {
      body: {
        requests: [
          check("1", ids[0] as string),
          check("2", "nobody@contoso.com"),
          check("3", ids[1] as string),
        ],
      },
    });
    expect(answer.status).toBe(200);
    const responses = answer.json().responses as BatchItemAnswer[];
    expect(responses.map((r) => r.id)).toEqual(["3", "2", "1"]);
    const byId = new Map(responses.map((r) => [r.id, r]));
    expect(byId.get("1")?.body).toMatchObject({ id: ids[0], isManagementRestricted: true });
    expect(byId.get("3")?.body).toMatchObject({ id: ids[1], isManagementRestricted: null });
    expect(byId.get("2")).toMatchObject({
      status: 404,
      body: { error: { code: "Request_ResourceNotFound" } },
    });
    expect(byId.get("1")?.headers["Content-Type"]).toMatch(/^application\/json;odata.metadata=minimal/);
    // The log holds the envelope (which arrived first) and each item, marked.
    expect(graph.requests.map((r) => [r.route, r.inBatch, r.batchItemId])).toEqual([
      ["batch", false, undefined],
      ["users.get", true, "1"],
      ["users.get", true, "2"],
      ["users.get", true, "3"],
    ]);
  });

  it("keeps request order when asked, and accepts URLs without a leading slash", async () => {
    const { tenant, ids } = batchTenant();
    await using graph = await startFakeGraphServer(tenant, { batchResponseOrder: "request" });
    const requests = [
      { id: "a", method: "GET", url: `users/${ids[0]}?$select=id` },
      { id: "b", method: "GET", url: "users?$select=id&$top=1" },
    ];
    const responses = (await send(graph, "POST", "/v1.0/$batch", { body: { requests } })).json()
      .responses as BatchItemAnswer[];
    expect(responses.map((r) => [r.id, r.status])).toEqual([
      ["a", 200],
      ["b", 200],
    ]);
    // An item's next link is absolute, as if the item had been sent alone.
    const listBody = (responses[1]?.body ?? {}) as Record<string, string>;
    expect(listBody["@odata.nextLink"]).toMatch(
      new RegExp(`^${graph.url}/v1\\.0/users\\?\\$select=id&\\$top=1&\\$skiptoken=`),
    );
  });

  it("rejects more than 20 requests, duplicate ids and a body without Content-Type", async () => {
    const { tenant, ids } = batchTenant();
    await using graph = await startFakeGraphServer(tenant);
    const many = Array.from({ length: 21 }, (_, i) => check(String(i), ids[0] as string));
    const tooMany = await send(graph, "POST", "/v1.0/$batch", { body: { requests: many } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: { code: "BadRequest" } });
    const twenty = await send(graph, "POST", "/v1.0/$batch", { body: { requests: many.slice(0, 20) } });
    expect(twenty.status).toBe(200);
    const duplicate = [check("1", ids[0] as string), check("1", ids[1] as string)];
    expect((await send(graph, "POST", "/v1.0/$batch", { body: { requests: duplicate } })).status).toBe(400);
    const noType = [{ id: "1", method: "PATCH", url: `/users/${ids[1]}`, body: {} }];
    expect((await send(graph, "POST", "/v1.0/$batch", { body: { requests: noType } })).status).toBe(400);
    expect((await send(graph, "POST", "/v1.0/$batch", { body: { nope: [] } })).status).toBe(400);
  });

  it("applies faults per item (inBatch) and turns an item reset into 504 and malformed JSON into text", async () => {
    const { tenant, ids } = batchTenant();
    const [a, b, c] = ids as [string, string, string];
    await using graph = await startFakeGraphServer(tenant, {
      faults: [
        {
          match: { route: "users.get", objectId: a, inBatch: true },
          effect: { kind: "throttled", retryAfterSeconds: 4 },
        },
        { match: { route: "users.get", objectId: b, inBatch: true }, effect: { kind: "reset" } },
        {
          match: { route: "users.get", objectId: c, inBatch: false },
          effect: { kind: "error", status: 500 },
        },
      ],
    });
    const body = { requests: [check("a", a), check("b", b), check("c", c)] };
    const responses = (await send(graph, "POST", "/v1.0/$batch", { body })).json()
      .responses as BatchItemAnswer[];
    const byId = new Map(responses.map((r) => [r.id, r]));
    expect(byId.get("a")).toMatchObject({ status: 429, headers: { "Retry-After": "4" } });
    expect(byId.get("b")?.status).toBe(504);
    // The inBatch: false fault leaves the item alone but hits the same request sent alone.
    expect(byId.get("c")?.status).toBe(200);
    expect((await send(graph, "GET", `/v1.0/users/${c}`)).status).toBe(500);

    graph.clearFaults();
    graph.addFault({ match: { objectId: a, inBatch: true }, effect: { kind: "malformed-json" } });
    const malformed = (await send(graph, "POST", "/v1.0/$batch", { body })).json()
      .responses as BatchItemAnswer[];
    const item = malformed.find((r) => r.id === "a");
    expect(typeof item?.body).toBe("string");
    expect(() => JSON.parse(item?.body as string)).toThrow(SyntaxError);
  });

  it("answers 424 for an item whose dependency failed, and runs PATCH items", async () => {
    const { tenant, ids } = batchTenant();
    await using graph = await startFakeGraphServer(tenant);
    const patch = (id: string, userId: string, dependsOn?: string[]) => ({
      id,
      method: "PATCH",
      url: `/users/${userId}`,
      headers: { "Content-Type": "application/json" },
      body: { passwordProfile: { password: "Str0ng-Passw0rd!" } },
      ...(dependsOn === undefined ? {} : { dependsOn }),
    });
    const body = {
      requests: [
        patch("1", ids[0] as string),
        patch("2", ids[1] as string, ["1"]),
        patch("3", ids[2] as string),
      ],
    };
    const responses = (await send(graph, "POST", "/v1.0/$batch", { body })).json()
      .responses as BatchItemAnswer[];
    const statuses = Object.fromEntries(responses.map((r) => [r.id, r.status]));
    expect(statuses).toEqual({ "1": 403, "2": 424, "3": 204 });
    expect(graph.passwordChanges.map((change) => change.userId)).toEqual([ids[2]]);
  });

  it('answers the batch itself 424 when an item fails, in "failed-dependency" mode only', async () => {
    const { tenant, ids } = batchTenant();
    await using graph = await startFakeGraphServer(tenant, {
      batchOuterStatus: "failed-dependency",
      faults: [
        {
          match: { route: "users.get", objectId: ids[1] as string },
          effect: { kind: "throttled" },
          times: 1,
        },
      ],
    });
    const body = { requests: [check("1", ids[0] as string), check("2", ids[1] as string)] };
    const failed = await send(graph, "POST", "/v1.0/$batch", { body });
    expect(failed.status).toBe(424);
    const responses = failed.json().responses as BatchItemAnswer[];
    expect(new Map(responses.map((r) => [r.id, r.status]))).toEqual(
      new Map([
        ["1", 200],
        ["2", 429],
      ]),
    );
    // Every item succeeds now: the batch is 200 again.
    expect((await send(graph, "POST", "/v1.0/$batch", { body })).status).toBe(200);
  });

  it("applies a fault on the batch envelope itself", async () => {
    const { tenant, ids } = batchTenant();
    await using graph = await startFakeGraphServer(tenant, {
      faults: [{ match: { route: "batch" }, effect: { kind: "throttled", retryAfterSeconds: 1 }, times: 1 }],
    });
    const body = { requests: [check("1", ids[0] as string)] };
    expect((await send(graph, "POST", "/v1.0/$batch", { body })).status).toBe(429);
    expect((await send(graph, "POST", "/v1.0/$batch", { body })).status).toBe(200);
  });

  it("drops the whole $batch connection on a reset matching route batch, and serves $-UPN items by key syntax", async () => {
    const t = tenantBuilder({ seed: "fake-graph-batch-reset" });
    const dollar = t.user("dollar", { userPrincipalName: "$adele@contoso.com" });
    await using graph = await startFakeGraphServer(t.build(), {
      faults: [{ match: { route: "batch" }, effect: { kind: "reset" }, times: 1 }],
    });
    const body = {
      requests: [{ id: "1", method: "GET", url: "/users('%24adele%40contoso.com')?$select=id" }],
    };
    await expect(send(graph, "POST", "/v1.0/$batch", { body })).rejects.toThrow();
    expect(graph.requests).toEqual([expect.objectContaining({ route: "batch", status: 0, fault: "reset" })]);
    const answer = await send(graph, "POST", "/v1.0/$batch", { body });
    expect(answer.status).toBe(200);
    expect(answer.json().responses).toEqual([
      expect.objectContaining({ id: "1", status: 200, body: expect.objectContaining({ id: dollar }) }),
    ]);
  });
});
