import { Writable } from "node:stream";
import type { GetTokenOptions } from "@azure/identity";
import { tenantBuilder } from "@rotation-exclusion/testing";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

function smallTenant(userCount = 4) {
  const t = tenantBuilder({ seed: "graph-adapter-retry", domain: "contoso.com" });
  const protectedUsers = t.users(userCount, "breakglass");
  const staff = t.users(2, "staff");
  t.unit("Emergency", { restricted: true, members: protectedUsers });
  return { tenant: t.build(), protectedUsers, staff };
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, index) => time - (times[index] as number));
}

describe("the retry layer over the fake Graph server", () => {
  it("sends a throttled request exactly 1 + retries times, never before Retry-After", async () => {
    await using graph = await directoryOverFakeGraph(smallTenant().tenant, {
      faults: [
        {
          match: { route: "users.list" },
          effect: {
            kind: "throttled",
            retryAfterSeconds: 0.2,
            retryAfterFormat: "decimal-seconds",
            enforceRetryAfter: true,
          },
        },
      ],
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({
      primarySignal: "available",
      complete: false,
      failure: { kind: "throttled", status: 429 },
    });
    const sent = graph.server.requests.filter((r) => r.route === "users.list");
    expect(sent).toHaveLength(3);
    expect(sent.some((r) => r.retryEarly)).toBe(false);
    for (const gap of gaps(sent.map((r) => r.receivedAtMs))) expect(gap).toBeGreaterThanOrEqual(195);
    expect(graph.directory.stats()).toMatchObject({ requests: 3, retries: 2, throttled: 3 });
  });

  it("gives up at once on a Retry-After longer than maxRetryAfterMs", async () => {
    await using graph = await directoryOverFakeGraph(
      smallTenant().tenant,
      { faults: [{ match: { route: "users.list" }, effect: { kind: "throttled", retryAfterSeconds: 30 } }] },
      { retry: { maxRetryAfterMs: 1000 } },
    );
    const started = performance.now();
    const read = await graph.directory.readProtectedUsers();
    expect(read.failure?.kind).toBe("throttled");
    expect(graph.server.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refreshes the token once on 401, bypassing its cache", async () => {
    const fixture = smallTenant();
    let rejected: string | undefined;
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      acceptToken: (token) => {
        rejected ??= token;
        return token !== rejected;
      },
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read.complete).toBe(true);
    expect(graph.credential.issued).toHaveLength(2);
    expect(graph.server.requests.map((r) => r.status)).toEqual([401, 200]);
    // The refreshed token is cached for the next request.
    await graph.directory.readRestrictedUnits();
    expect(graph.credential.issued).toHaveLength(2);
  });

  it("gives up after one refresh when Graph keeps answering 401", async () => {
    await using graph = await directoryOverFakeGraph(smallTenant().tenant, { acceptToken: () => false });
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "authentication-failed", status: 401 } });
    expect(graph.credential.issued).toHaveLength(2);
    expect(graph.server.requests).toHaveLength(2);
  });

  it("does not resend a 401'd request with the same token the credential hands back", async () => {
    const calls: Array<GetTokenOptions | undefined> = [];
    const sameToken = {
      async getToken(_scope: string | string[], options?: GetTokenOptions) {
        calls.push(options);
        return { token: "eyJ0eXAi.SECRET-TOKEN-same", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    await using graph = await directoryOverFakeGraph(
      smallTenant().tenant,
      { acceptToken: () => false },
      { credential: sameToken },
    );
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "authentication-failed", status: 401 } });
    expect(calls).toHaveLength(2);
    expect(graph.server.requests).toHaveLength(1);
  });

  it("passes a CAE claims challenge from WWW-Authenticate to the credential, decoded", async () => {
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}';
    const challenge =
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
      `error="insufficient_claims", claims="${Buffer.from(claims).toString("base64")}"`;
    await using graph = await directoryOverFakeGraph(smallTenant().tenant, {
      faults: [
        {
          match: { route: "users.list" },
          effect: {
            kind: "error",
            status: 401,
            code: "InvalidAuthenticationToken",
            headers: { "www-authenticate": challenge },
          },
          times: 1,
        },
      ],
    });
    const read = await graph.directory.readProtectedUsers();
    expect(read.complete).toBe(true);
    expect(graph.credential.calls).toHaveLength(2);
    expect(graph.credential.calls[0]?.claims).toBeUndefined();
    expect(graph.credential.calls[1]?.claims).toBe(claims);
  });

  it("stops at the per-request deadline", async () => {
    await using graph = await directoryOverFakeGraph(
      smallTenant().tenant,
      { faults: [{ match: { route: "users.list" }, effect: { kind: "latency", delayMs: 1500 } }] },
      { retry: { deadlineMs: 150 } },
    );
    const started = performance.now();
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "unavailable" } });
    expect(read.failure?.message).toContain("150 ms");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("rejects with the abort reason during a Retry-After wait, without waiting it out", async () => {
    await using graph = await directoryOverFakeGraph(smallTenant().tenant, {
      faults: [
        {
          match: { route: "users.list" },
          effect: { kind: "throttled", retryAfterSeconds: 1.5, retryAfterFormat: "decimal-seconds" },
        },
      ],
    });
    const controller = new AbortController();
    const reason = new Error("cycle cancelled");
    const started = performance.now();
    const pending = graph.directory.readProtectedUsers({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(graph.server.requests).toHaveLength(1);
  });

  it("checks users through $batch (20 per batch) and re-batches only throttled items after Retry-After", async () => {
    const fixture = smallTenant(24);
    const victim = fixture.protectedUsers[3] as string;
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        {
          match: { route: "users.get", objectId: victim, inBatch: true },
          effect: { kind: "throttled", retryAfterSeconds: 0.2, retryAfterFormat: "decimal-seconds" },
          times: 1,
        },
      ],
    });
    const refs = [...fixture.protectedUsers.map((id) => ({ id })), { id: fixture.staff[0] as string }];
    const checks = await graph.directory.checkUsers(refs);
    expect(checks).toHaveLength(25);
    expect(checks.every((check) => check.outcome === "found")).toBe(true);
    expect(checks.map((check) => (check.outcome === "found" ? check.user.id : ""))).toEqual(
      refs.map((ref) => ref.id),
    );
    expect(checks[24]).toMatchObject({ isManagementRestricted: false });
    expect(checks[0]).toMatchObject({ isManagementRestricted: true });
    const batches = graph.server.requests.filter((r) => r.route === "batch");
    expect(batches).toHaveLength(3);
    const victimItems = graph.server.requests.filter((r) => r.inBatch && r.objectIds.includes(victim));
    expect(victimItems.map((r) => r.status)).toEqual([429, 200]);
    expect(gaps(victimItems.map((r) => r.receivedAtMs))[0]).toBeGreaterThanOrEqual(195);
    // The retry re-sent only the throttled item.
    expect(graph.server.requests.filter((r) => r.inBatch)).toHaveLength(26);
    expect(graph.directory.stats()).toMatchObject({ retries: 1 });
  });

  it("fails only the persistently failing item, with the item's own failure", async () => {
    const fixture = smallTenant();
    const victim = fixture.protectedUsers[1] as string;
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        { match: { route: "users.get", objectId: victim }, effect: { kind: "unavailable", status: 503 } },
      ],
    });
    const checks = await graph.directory.checkUsers([
      { id: fixture.protectedUsers[0] as string },
      { id: victim },
    ]);
    expect(checks[0]?.outcome).toBe("found");
    expect(checks[1]).toMatchObject({ outcome: "failed", failure: { kind: "unavailable", status: 503 } });
    expect(graph.server.requests.filter((r) => r.inBatch && r.objectIds.includes(victim))).toHaveLength(3);
  });

  it("retries the whole batch on an outer 424 and reads an absent flag as bad-response", async () => {
    const fixture = smallTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        { match: { route: "batch" }, effect: { kind: "error", status: 424 }, times: 1 },
        {
          match: { route: "users.get", objectId: fixture.staff[0] as string },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              const { isManagementRestricted: _dropped, ...rest } = body as Record<string, unknown>;
              return rest;
            },
          },
        },
      ],
    });
    const checks = await graph.directory.checkUsers([
      { id: fixture.protectedUsers[0] as string },
      { id: fixture.staff[0] as string },
    ]);
    expect(checks[0]).toMatchObject({ outcome: "found", isManagementRestricted: true });
    expect(checks[1]).toMatchObject({ outcome: "failed", failure: { kind: "bad-response" } });
    expect(graph.server.requests.filter((r) => r.route === "batch").map((r) => r.status)).toEqual([424, 200]);
  });

  it("logs one line per attempt with route, status, attempt and duration, and never a token", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const fixture = smallTenant();
    let rejected: string | undefined;
    await using graph = await directoryOverFakeGraph(
      fixture.tenant,
      {
        acceptToken: (token) => {
          rejected ??= token;
          return token !== rejected;
        },
        faults: [{ match: { route: "users.list" }, effect: { kind: "unavailable", status: 503 }, times: 1 }],
      },
      { logger: pino({ level: "debug" }, sink) },
    );
    await graph.directory.readProtectedUsers();
    await graph.directory.checkUsers([{ id: fixture.protectedUsers[0] as string }]);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = records.filter(
      (record) =>
        record.route === "GET /users" &&
        (record.msg === "graph request" || record.msg === "graph request failed"),
    );
    expect(requests.map((record) => [record.status, record.attempt])).toEqual([
      [503, 1],
      [200, 2],
    ]);
    expect(requests[0]).toMatchObject({ method: "GET", tenantId: fixture.tenant.tenantId });
    expect(typeof requests[0]?.durationMs).toBe("number");
    expect(requests[0]?.requestId).toBeTypeOf("string");
    const text = lines.join("\n");
    expect(graph.credential.issued.length).toBeGreaterThanOrEqual(2);
    for (const token of graph.credential.issued) expect(text).not.toContain(token);
    expect(text).not.toContain("SECRET-TOKEN");
  });
});
