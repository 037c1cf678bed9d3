import { describe, expect, it } from "vitest";
import { startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

const LIST = "/v1.0/users?$select=id";

function tenant(users = 5) {
  const t = tenantBuilder({ seed: "fake-graph-faults" });
  const ids = t.users(users, "u");
  return { tenant: t.build(), ids };
}

/** A clock the test moves by hand, so Retry-After enforcement needs no real sleep. */
function manualClock(startMs = Date.UTC(2025, 0, 1, 12, 0, 0)) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("throttling faults", () => {
  it.each([
    ["seconds", 2, "2"],
    ["decimal-seconds", 1.5, "1.5"],
    ["decimal-seconds", 2, "2.0"],
  ] as const)("writes Retry-After as %s (%d s => %s)", async (format, seconds, header) => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, {
      faults: [
        {
          match: { route: "users.list" },
          effect: { kind: "throttled", retryAfterSeconds: seconds, retryAfterFormat: format },
        },
      ],
    });
    const answer = await send(graph, "GET", LIST);
    expect(answer.status).toBe(429);
    expect(answer.headers["retry-after"]).toBe(header);
    expect(answer.json()).toMatchObject({ error: { code: "TooManyRequests" } });
  });

  it("writes Retry-After as an HTTP-date rounded up to the next whole second", async () => {
    const clock = manualClock(Date.UTC(2025, 0, 1, 12, 0, 0, 400));
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, {
      clock: clock.now,
      faults: [{ effect: { kind: "throttled", retryAfterSeconds: 2, retryAfterFormat: "http-date" } }],
    });
    const answer = await send(graph, "GET", LIST);
    expect(answer.headers["retry-after"]).toBe("Wed, 01 Jan 2025 12:00:03 GMT");
  });

  it("enforceRetryAfter throttles a retry sent too early again, without using up the fault", async () => {
    const clock = manualClock();
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, { clock: clock.now });
    const fault = graph.addFault({
      match: { route: "users.list" },
      effect: { kind: "throttled", retryAfterSeconds: 2, enforceRetryAfter: true },
      times: 1,
    });
    expect((await send(graph, "GET", LIST)).status).toBe(429);
    clock.advance(1_500);
    const early = await send(graph, "GET", LIST);
    expect(early.status).toBe(429);
    expect(early.headers["retry-after"]).toBe("1");
    clock.advance(500);
    expect((await send(graph, "GET", LIST)).status).toBe(200);
    expect(fault.hits).toBe(1);
    expect(graph.requests.map((r) => [r.status, r.retryEarly])).toEqual([
      [429, false],
      [429, true],
      [200, false],
    ]);
    expect(graph.stats()).toMatchObject({ throttled: 2, retryEarly: 1 });
  });

  it("answers 503 and 504, with Retry-After only when asked", async () => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model);
    graph.addFault({ effect: { kind: "unavailable" }, times: 1 });
    graph.addFault({ effect: { kind: "unavailable", status: 504, retryAfterSeconds: 3 }, times: 1 });
    const first = await send(graph, "GET", LIST);
    expect([first.status, first.headers["retry-after"]]).toEqual([503, undefined]);
    const second = await send(graph, "GET", LIST);
    expect([second.status, second.headers["retry-after"]]).toEqual([504, "3"]);
    expect((await send(graph, "GET", LIST)).status).toBe(200);
  });

  it("the throttle option limits requests per window tenant-wide", async () => {
    const clock = manualClock();
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, {
      clock: clock.now,
      throttle: { requests: 2, windowMs: 10_000 },
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await send(graph, "GET", LIST)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(graph.requests[2]?.fault).toBe("throttle-limit");
    clock.advance(10_000);
    expect((await send(graph, "GET", LIST)).status).toBe(200);
  });
});

describe("error, network and body faults", () => {
  it("answers any status with a Graph error body, defaulting code and message per status", async () => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model);
    graph.addFault({ effect: { kind: "error", status: 403 }, times: 1 });
    graph.addFault({ effect: { kind: "error", status: 500, code: "Custom", message: "Boom." }, times: 1 });
    expect((await send(graph, "GET", LIST)).json()).toMatchObject({
      error: { code: "Authorization_RequestDenied" },
    });
    const custom = await send(graph, "GET", LIST);
    expect(custom.status).toBe(500);
    expect(custom.json()).toMatchObject({ error: { code: "Custom", message: "Boom." } });
  });

  it("resets the connection without an answer", async () => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, {
      faults: [{ effect: { kind: "reset" }, times: 1 }],
    });
    await expect(send(graph, "GET", LIST)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(graph.requests[0]).toMatchObject({ status: 0, fault: "reset" });
    expect((await send(graph, "GET", LIST)).status).toBe(200);
  });

  it("answers 200 with malformed JSON", async () => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, {
      faults: [{ effect: { kind: "malformed-json" } }],
    });
    const answer = await send(graph, "GET", LIST);
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith("{")).toBe(true);
    expect(() => answer.json()).toThrow(SyntaxError);
  });

  it("replaces or rewrites the body and the next link", async () => {
    const { tenant: model } = tenant(5);
    await using graph = await startFakeGraphServer(model, { maxPageSize: 2 });
    graph.addFault({ effect: { kind: "body", body: { "@odata.context": "x" } }, times: 1 });
    expect((await send(graph, "GET", LIST)).json()).toEqual({ "@odata.context": "x" });
    graph.addFault({
      effect: {
        kind: "transform-body",
        transform: (body) => ({ ...(body as object), value: "not-an-array" }),
      },
      times: 1,
    });
    expect((await send(graph, "GET", LIST)).json().value).toBe("not-an-array");
    graph.addFault({ effect: { kind: "next-link", nextLink: "same-page" }, times: 1 });
    const same = (await send(graph, "GET", `${LIST}&$top=2`)).json();
    expect(same["@odata.nextLink"]).toBe(`${graph.url}${LIST}&$top=2`);
    graph.addFault({ effect: { kind: "next-link", nextLink: "other-host" }, times: 1 });
    const other = (await send(graph, "GET", LIST)).json();
    expect(new URL(other["@odata.nextLink"] as string).host).toBe("graph.invalid");
  });

  it("lets a body transform echo the request's Authorization header, with its own status, in and out of $batch", async () => {
    const { tenant: model } = tenant(3);
    await using graph = await startFakeGraphServer(model);
    const echo = (_body: unknown, request: { authorization: string | undefined }) => ({
      error: { code: "ProxyError", message: `upstream refused ${request.authorization}` },
    });
    graph.addFault({
      match: { route: "users.list" },
      effect: { kind: "transform-body", status: 502, transform: echo },
      times: 2,
    });
    const alone = await send(graph, "GET", LIST, { token: "echo-me-1" });
    expect(alone.status).toBe(502);
    expect(alone.json()).toEqual({
      error: { code: "ProxyError", message: "upstream refused Bearer echo-me-1" },
    });
    const batch = await send(graph, "POST", "/v1.0/$batch", {
      token: "echo-me-2",
      body: { requests: [{ id: "1", method: "GET", url: "/users?$select=id" }] },
    });
    expect(batch.json()).toMatchObject({
      responses: [
        { id: "1", status: 502, body: { error: { message: "upstream refused Bearer echo-me-2" } } },
      ],
    });
  });

  it("adds latency and records the duration", async () => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model, {
      faults: [{ effect: { kind: "latency", delayMs: 60 }, times: 1 }],
    });
    await send(graph, "GET", LIST);
    expect(graph.requests[0]?.durationMs).toBeGreaterThanOrEqual(55);
    expect(graph.requests[0]?.fault).toBeUndefined();
  });
});

describe("fault matching", () => {
  it("matches by page, and by user object id whether the request names the id or the UPN", async () => {
    const { tenant: model, ids } = tenant(5);
    const target = ids[1] as string;
    const upn = model.users.get(target)?.userPrincipalName as string;
    await using graph = await startFakeGraphServer(model, { maxPageSize: 2 });
    graph.addFault({ match: { route: "users.list", page: 2 }, effect: { kind: "error", status: 500 } });
    graph.addFault({
      match: { route: "users.get", objectId: target },
      effect: { kind: "error", status: 404 },
    });
    const first = (await send(graph, "GET", LIST)).json();
    expect((await send(graph, "GET", first["@odata.nextLink"] as string)).status).toBe(500);
    expect((await send(graph, "GET", `/v1.0/users/${encodeURIComponent(upn)}`)).status).toBe(404);
    expect((await send(graph, "GET", `/v1.0/users/${target}`)).status).toBe(404);
    expect((await send(graph, "GET", `/v1.0/users/${ids[0]}`)).status).toBe(200);
  });

  it("counts hits, honours times, and can be removed or cleared", async () => {
    const { tenant: model } = tenant();
    await using graph = await startFakeGraphServer(model);
    const twice = graph.addFault({
      match: { method: "GET" },
      effect: { kind: "error", status: 500 },
      times: 2,
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await send(graph, "GET", LIST)).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect([twice.hits, twice.remaining]).toEqual([2, 0]);
    const forever = graph.addFault({ effect: { kind: "error", status: 500 } });
    expect((await send(graph, "GET", LIST)).status).toBe(500);
    forever.remove();
    expect((await send(graph, "GET", LIST)).status).toBe(200);
    graph.addFault({ effect: { kind: "error", status: 500 } });
    graph.clearFaults();
    expect((await send(graph, "GET", LIST)).status).toBe(200);
    expect(() => graph.addFault({ effect: { kind: "reset" }, times: -1 })).toThrow(
      expect.objectContaining({ name: "TestingError", code: "invalid-argument" }),
    );
  });
});
