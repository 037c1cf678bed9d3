/**
 * The adapter's OpenTelemetry over real HTTP against the fake Graph server, through the SDK with
 * in-memory exporters: one CLIENT span per attempt (HTTP client semantic conventions), the request,
 * retry, throttling and waiting metrics, nested under core's tenant runs; and no token, secret, query
 * value or UPN in any attribute.
 */
import { readFileSync } from "node:fs";
import { SpanKind } from "@opentelemetry/api";
import { type AccountStore, createInMemorySnapshotStore, runExclusionCycle } from "@rotation-exclusion/core";
import { createGraphDirectory, createThrottleBudget } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  type FakeGraphServer,
  managedAccountsFor,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { captureTelemetry, everyAttributeValue, total } from "@rotation-exclusion/testing/telemetry";
import { describe, expect, test } from "vitest";
import { countingCredential, FAST_RETRY } from "./fake-graph-fixture.js";

function quietTenant(seed: string) {
  const t = tenantBuilder({ seed });
  const admin = t.user("admin");
  const other = t.user("helpdesk");
  const tier0 = t.unit("Tier 0", { restricted: true, members: [admin] });
  return { tenant: t.build(), admin, other, tier0 };
}

describe("Graph adapter telemetry", () => {
  test("a cycle with a throttled tenant, a failed tenant and a released account", async () => {
    await using telemetry = captureTelemetry();
    const quiet = quietTenant("quiet");
    const throttled = quietTenant("throttled");
    const failed = quietTenant("failed");
    await using quietServer = await startFakeGraphServer(quiet.tenant);
    // Throttled three times with a short Retry-After: the retries run out, the snapshot is incomplete.
    await using throttledServer = await startFakeGraphServer(throttled.tenant, {
      faults: [
        {
          match: { route: "users.list" },
          effect: { kind: "throttled", retryAfterSeconds: 0.02, retryAfterFormat: "decimal-seconds" },
          times: 3,
        },
      ],
    });
    const servers = new Map<string, FakeGraphServer>([
      [quiet.tenant.tenantId, quietServer],
      [throttled.tenant.tenantId, throttledServer],
      [failed.tenant.tenantId, quietServer],
    ]);
    const credential = countingCredential();
    const stores = new Map<string, AccountStore>([
      [
        quiet.tenant.tenantId,
        createInMemoryAccountStore(managedAccountsFor(quiet.tenant, [quiet.admin, quiet.other])),
      ],
      [
        throttled.tenant.tenantId,
        createInMemoryAccountStore(managedAccountsFor(throttled.tenant, [throttled.admin])),
      ],
    ]);
    const throttleBudget = createThrottleBudget({ tenantSize: "small" });
    const snapshotStore = createInMemorySnapshotStore();
    const cycle = (tenants: string[]) =>
      runExclusionCycle({
        tenants,
        createDirectory: (tenantId) => {
          const server = servers.get(tenantId);
          if (server === undefined) throw new Error("no server");
          return createGraphDirectory({
            tenantId,
            credential,
            baseUrl: server.url,
            ca: server.ca,
            retry: FAST_RETRY,
            throttleBudget,
          });
        },
        accounts: (tenantId) => {
          const store = stores.get(tenantId);
          if (store === undefined) throw new Error("the account database is unreachable");
          return store;
        },
        snapshotStore,
        concurrency: 1,
      });

    const first = await cycle([quiet.tenant.tenantId]);
    expect(first.accounts.excluded).toBe(1);
    // The admin leaves Tier 0: the next cycle releases the account we excluded.
    const unit = quietServer.tenant.units.get(quiet.tier0);
    if (unit === undefined) throw new Error("no Tier 0");
    unit.memberIds.length = 0;
    const startSpans = telemetry.spans().length;
    const report = await cycle([quiet.tenant.tenantId, throttled.tenant.tenantId, failed.tenant.tenantId]);
    expect(report.accounts.released).toBe(1);
    expect(report.tenantCounts).toMatchObject({ done: 2, failed: 1, incomplete: 1 });

    const spans = telemetry.spans().slice(startSpans);
    const http = spans.filter((span) => span.kind === SpanKind.CLIENT);
    const runOf = (tenantId: string) =>
      spans.find(
        (span) =>
          span.name === "rotation_exclusion.tenant_run" &&
          span.attributes["rotation_exclusion.tenant.id"] === tenantId,
      );
    const throttledRun = runOf(throttled.tenant.tenantId);
    expect(throttledRun?.attributes).toMatchObject({
      "rotation_exclusion.snapshot.complete": false,
      "rotation_exclusion.snapshot.incomplete_reason": "throttled",
    });
    // One CLIENT span per attempt: three 429s on /users, each a resend of the one before.
    const usersAttempts = http.filter(
      (span) =>
        span.name === "GET /v1.0/users" &&
        span.attributes["rotation_exclusion.tenant.id"] === throttled.tenant.tenantId,
    );
    expect(usersAttempts.map((span) => span.attributes["http.request.resend_count"])).toEqual([
      undefined,
      1,
      2,
    ]);
    for (const attempt of usersAttempts) {
      expect(attempt.attributes).toMatchObject({
        "http.request.method": "GET",
        "http.response.status_code": 429,
        "error.type": "429",
        "server.address": new URL(throttledServer.url).hostname,
        "url.template": "/v1.0/users",
      });
      expect(attempt.instrumentationScope.name).toBe("@rotation-exclusion/graph-adapter");
      // Nested: attempt → snapshot refresh → tenant run.
      const refresh = spans.find((span) => span.spanContext().spanId === attempt.parentSpanContext?.spanId);
      expect(refresh?.name).toBe("rotation_exclusion.snapshot_refresh");
      expect(refresh?.parentSpanContext?.spanId).toBe(throttledRun?.spanContext().spanId);
    }
    const quietAttempts = http.filter(
      (span) => span.attributes["rotation_exclusion.tenant.id"] === quiet.tenant.tenantId,
    );
    expect(quietAttempts.length).toBeGreaterThan(0);
    for (const attempt of quietAttempts) {
      expect(attempt.attributes["http.response.status_code"]).toBe(200);
      expect(attempt.attributes["error.type"]).toBeUndefined();
    }
    expect(runOf(failed.tenant.tenantId)?.attributes["rotation_exclusion.tenant.outcome"]).toBe("failed");

    const points = await telemetry.points();
    expect(total(points, "rotation_exclusion.graph.throttled", { "http.response.status_code": 429 })).toBe(3);
    expect(total(points, "rotation_exclusion.graph.retries")).toBe(2);
    expect(
      total(points, "rotation_exclusion.graph.requests", { "rotation_exclusion.graph.status_class": "4xx" }),
    ).toBe(3);
    expect(
      total(points, "rotation_exclusion.graph.requests", { "rotation_exclusion.graph.status_class": "2xx" }),
    ).toBe(
      telemetry
        .spans()
        .filter(
          (span) => span.kind === SpanKind.CLIENT && span.attributes["http.response.status_code"] === 200,
        ).length,
    );
    expect(total(points, "rotation_exclusion.graph.requests")).toBe(
      first.graph.requests + report.graph.requests,
    );
    const waited = points.find(
      (point) =>
        point.name === "rotation_exclusion.graph.wait.time" &&
        point.attributes["rotation_exclusion.graph.wait.cause"] === "retry_after",
    );
    // Two waits of Retry-After 0.02 s each.
    expect(waited?.value).toBeGreaterThanOrEqual(0.039);
    expect(waited?.unit).toBe("s");
    const durations = points.filter((point) => point.name === "http.client.request.duration");
    expect(durations.length).toBeGreaterThan(0);
    for (const point of durations) {
      expect(point.unit).toBe("s");
      expect(point.attributes["http.request.method"]).toBe("GET");
    }
    expect(
      total(points, "rotation_exclusion.account.outcomes", {
        "rotation_exclusion.account.outcome": "released",
      }),
    ).toBe(1);

    // No token, secret, query value, UPN or tenant id where it must not be.
    const everything = everyAttributeValue(telemetry.spans(), points).join("\n");
    expect(credential.issued.length).toBeGreaterThan(0);
    for (const token of credential.issued) {
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.split(".").at(-1) ?? token);
    }
    expect(everything).not.toContain("SECRET");
    expect(everything).not.toMatch(/Bearer/i);
    expect(everything).not.toContain("$filter");
    expect(everything).not.toContain("?");
    for (const user of [quiet.tenant, throttled.tenant].flatMap((tenant) => [...tenant.users.values()])) {
      expect(everything).not.toContain(user.userPrincipalName);
    }
    for (const point of points) {
      const values = Object.values(point.attributes).map(String);
      for (const tenantId of servers.keys()) expect(values).not.toContain(tenantId);
    }
  });

  test("the scope carries the package's version", async () => {
    await using telemetry = captureTelemetry();
    const { tenant } = quietTenant("version");
    await using server = await startFakeGraphServer(tenant);
    const directory = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential: countingCredential(),
      baseUrl: server.url,
      ca: server.ca,
      retry: FAST_RETRY,
    });
    await directory.readProtectedUsers();
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const [span] = telemetry.spans();
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.instrumentationScope).toEqual({ name: "@rotation-exclusion/graph-adapter", version });
  });
});
