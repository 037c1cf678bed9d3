import { access, readFile } from "node:fs/promises";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { deterministicGuid, fakeGraphToken, startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

function smallTenant() {
  const t = tenantBuilder({ seed: "fake-graph-server" });
  const alice = t.user("alice");
  const bg = t.user("breakglass");
  t.unit("Emergency access", { restricted: true, members: [bg] });
  return { tenant: t.build(), alice, bg };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("startFakeGraphServer: TLS, lifecycle", () => {
  it("serves HTTPS on 127.0.0.1 with a certificate signed by the exposed CA", async () => {
    const { tenant } = smallTenant();
    await using graph = await startFakeGraphServer(tenant);
    expect(graph.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(graph.ca).toContain("BEGIN CERTIFICATE");
    const answer = await send(graph, "GET", "/v1.0/users?$select=id");
    expect(answer.status).toBe(200);
    // Without the CA, the client must refuse the certificate: verification stays on.
    await expect(send(graph, "GET", "/v1.0/users", { ca: null })).rejects.toThrow(/certificate/i);
  });

  it("writes the CA to caFile and removes it, and frees the port, on dispose", async () => {
    const { tenant } = smallTenant();
    let caFile = "";
    let port = 0;
    {
      await using graph = await startFakeGraphServer(tenant);
      caFile = graph.caFile;
      port = portOf(graph.url);
      expect(await readFile(caFile, "utf8")).toBe(graph.ca);
      expect(await canConnect(port)).toBe(true);
    }
    await expect(access(caFile)).rejects.toThrow();
    expect(await canConnect(port)).toBe(false);
  });

  it("close() is idempotent and drops kept-alive connections", async () => {
    const { tenant } = smallTenant();
    const graph = await startFakeGraphServer(tenant, { latencyMs: 5_000 });
    const pending = send(graph, "GET", "/v1.0/users").then(
      () => "answered",
      (error: NodeJS.ErrnoException) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([graph.close(), graph.close()]);
    expect(await pending).toBe("ECONNRESET");
  });

  it("rejects invalid options with a TestingError", async () => {
    const { tenant } = smallTenant();
    await expect(startFakeGraphServer(tenant, { maxPageSize: 0 })).rejects.toMatchObject({
      name: "TestingError",
      code: "invalid-argument",
    });
  });
});

describe("startFakeGraphServer: authentication and envelopes", () => {
  it("answers 401 InvalidAuthenticationToken with WWW-Authenticate without a bearer token", async () => {
    const { tenant } = smallTenant();
    await using graph = await startFakeGraphServer(tenant);
    const answer = await send(graph, "GET", "/v1.0/users", { token: null });
    expect(answer.status).toBe(401);
    expect(answer.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(answer.json()).toMatchObject({
      error: { code: "InvalidAuthenticationToken", message: "Access token is empty." },
    });
  });

  it("answers 401 for a token acceptToken refuses, and logs no token", async () => {
    const { tenant } = smallTenant();
    await using graph = await startFakeGraphServer(tenant, { acceptToken: (token) => token === "good" });
    expect((await send(graph, "GET", "/v1.0/users", { token: "bad-secret" })).status).toBe(401);
    expect((await send(graph, "GET", "/v1.0/users", { token: "good" })).status).toBe(200);
    expect(graph.requests.map((r) => r.headers.authorization)).toEqual(["[redacted]", "[redacted]"]);
    expect(JSON.stringify(graph.requests)).not.toContain("bad-secret");
  });

  it("stamps request-id, echoes client-request-id and uses Graph's content type and error body", async () => {
    const { tenant } = smallTenant();
    await using graph = await startFakeGraphServer(tenant);
    const ok = await send(graph, "GET", "/v1.0/users", { headers: { "client-request-id": "abc-123" } });
    expect(ok.headers["client-request-id"]).toBe("abc-123");
    expect(ok.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers["content-type"]).toBe(
      "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
    );
    const missing = await send(graph, "GET", "/v1.0/unknownThings");
    expect(missing.status).toBe(400);
    const error = missing.json().error as Record<string, unknown>;
    expect(error).toMatchObject({
      code: "BadRequest",
      message: "Resource not found for the segment 'unknownThings'.",
    });
    expect(error.innerError).toEqual({
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      "request-id": missing.headers["request-id"],
      "client-request-id": expect.any(String),
    });
  });

  it("refuses beta-only paths, other versions and wrong methods as Graph does", async () => {
    const { tenant } = smallTenant();
    await using graph = await startFakeGraphServer(tenant);
    // v1.0 serves units under /directory; /administrativeUnits is beta only.
    expect((await send(graph, "GET", "/v1.0/administrativeUnits")).status).toBe(400);
    expect((await send(graph, "GET", "/v2.0/users")).status).toBe(400);
    const wrongMethod = await send(graph, "DELETE", "/v1.0/users");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json()).toMatchObject({ error: { code: "Request_BadRequest" } });
  });

  it("serves the live tenant: a change between requests shows on the next one", async () => {
    const { tenant, alice } = smallTenant();
    await using graph = await startFakeGraphServer(tenant);
    const filter = "/v1.0/users?$filter=isManagementRestricted%20eq%20true&$select=id";
    expect((await send(graph, "GET", filter)).json().value).toHaveLength(1);
    const unit = [...graph.tenant.units.values()][0];
    unit?.memberIds.push(alice);
    expect((await send(graph, "GET", filter)).json().value).toHaveLength(2);
  });

  it("counts requests by route in stats() and clears the log", async () => {
    const { tenant, alice } = smallTenant();
    await using graph = await startFakeGraphServer(tenant);
    await send(graph, "GET", "/v1.0/users");
    await send(graph, "GET", `/v1.0/users/${alice}`);
    await send(graph, "GET", "/v1.0/nothing");
    expect(graph.stats()).toMatchObject({
      requests: 3,
      byRoute: { "users.list": 1, "users.get": 1, unknown: 1 },
      throttled: 0,
    });
    expect(graph.requests.map((r) => r.sequence)).toEqual([1, 2, 3]);
    graph.clearRequests();
    expect(graph.stats().requests).toBe(0);
  });
});

describe("startFakeGraphServer: many tenants, one app", () => {
  function twoTenants() {
    const a = tenantBuilder({ seed: "tenant-a" });
    a.user("anna");
    const b = tenantBuilder({ seed: "tenant-b" });
    b.user("bert");
    b.user("bianca");
    return { a: a.build(), b: b.build() };
  }

  it("answers each request from the tenant its token's tid names; an opaque token gets the first tenant", async () => {
    const { a, b } = twoTenants();
    await using graph = await startFakeGraphServer(a, { tenants: [b] });
    const users = async (token: string) =>
      (
        (await send(graph, "GET", "/v1.0/users?$select=userPrincipalName", { token })).json().value as {
          userPrincipalName: string;
        }[]
      ).map((u) => u.userPrincipalName.split("@")[0]);
    expect(await users(fakeGraphToken(b.tenantId))).toEqual(["bert", "bianca"]);
    expect(await users(fakeGraphToken(a.tenantId.toUpperCase()))).toEqual(["anna"]);
    expect(await users("opaque-token")).toEqual(["anna"]);
    expect(graph.tenants.size).toBe(2);
    expect(graph.requests.map((r) => r.tenantId)).toEqual([b.tenantId, a.tenantId, a.tenantId]);
    const unknown = await send(graph, "GET", "/v1.0/users", {
      token: fakeGraphToken(deterministicGuid("no-such-tenant")),
    });
    expect(unknown.status).toBe(401);
  });

  it("an app limit is shared by every tenant: past it, 429 with the Application throttle scope", async () => {
    const { a, b } = twoTenants();
    await using graph = await startFakeGraphServer(a, {
      tenants: [b],
      appLimit: { requests: 3, windowMs: 60_000 },
    });
    const statuses: number[] = [];
    for (const tenant of [a, b, a, b]) {
      const answer = await send(graph, "GET", "/v1.0/users?$select=id", {
        token: fakeGraphToken(tenant.tenantId),
      });
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.headers["x-ms-throttle-scope"]).toMatch(/^Application\//);
        expect(Number(answer.headers["retry-after"])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(graph.requests.at(-1)?.fault).toBe("app-limit");
  });
});

describe("startFakeGraphServer: faults for one tenant of many", () => {
  it("a fault matching a tenant id strikes only that tenant's requests", async () => {
    const a = tenantBuilder({ seed: "fault-a" });
    a.user("anna");
    const b = tenantBuilder({ seed: "fault-b" });
    b.user("bert");
    const [ta, tb] = [a.build(), b.build()];
    await using graph = await startFakeGraphServer(ta, {
      tenants: [tb],
      faults: [{ match: { tenantId: tb.tenantId.toUpperCase() }, effect: { kind: "throttled" } }],
    });
    expect((await send(graph, "GET", "/v1.0/users", { token: fakeGraphToken(ta.tenantId) })).status).toBe(
      200,
    );
    expect((await send(graph, "GET", "/v1.0/users", { token: fakeGraphToken(tb.tenantId) })).status).toBe(
      429,
    );
  });
});
