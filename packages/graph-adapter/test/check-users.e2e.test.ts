import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

function dollarTenant() {
  const t = tenantBuilder({ seed: "graph-adapter-check-users-e2e", domain: "contoso.com" });
  const dollar = t.user("dollar", { userPrincipalName: "$o'hara@contoso.com" });
  const protectedUser = t.user("breakglass");
  t.unit("Emergency", { restricted: true, members: [dollar, protectedUser] });
  const staff = t.user("staff");
  return { tenant: t.build(), dollar, protectedUser, staff };
}

describe("checkUsers end to end over the fake Graph server", () => {
  it("finds a UPN starting with $ through the key-in-parentheses form inside $batch", async () => {
    const fixture = dollarTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant);
    const checks = await graph.directory.checkUsers([
      { userPrincipalName: "$o'hara@contoso.com" },
      { userPrincipalName: "$nobody@contoso.com" },
    ]);
    expect(checks[0]).toEqual({
      outcome: "found",
      user: { id: fixture.dollar, userPrincipalName: "$o'hara@contoso.com", displayName: "dollar" },
      isManagementRestricted: true,
    });
    expect(checks[1]).toMatchObject({ outcome: "failed", failure: { kind: "not-found", status: 404 } });
    const items = graph.server.requests.filter((r) => r.inBatch);
    expect(items.map((r) => [r.route, r.status])).toEqual([
      ["users.get", 200],
      ["users.get", 404],
    ]);
    expect(items[0]?.path).toBe("/v1.0/users('%24o''hara%40contoso.com')");
  });

  it("retries a $batch of reads whose connection was reset, and answers every item", async () => {
    const fixture = dollarTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [{ match: { route: "batch" }, effect: { kind: "reset" }, times: 1 }],
    });
    const checks = await graph.directory.checkUsers([{ id: fixture.protectedUser }, { id: fixture.staff }]);
    expect(checks).toEqual([
      expect.objectContaining({ outcome: "found", isManagementRestricted: true }),
      expect.objectContaining({ outcome: "found", isManagementRestricted: false }),
    ]);
    expect(graph.server.requests.filter((r) => r.route === "batch").map((r) => r.status)).toEqual([0, 200]);
    expect(graph.directory.stats().byEndpoint["POST /$batch"]).toEqual({
      requests: 2,
      retries: 1,
      throttled: 0,
    });
  });

  it("fails every item as unavailable when each $batch attempt is reset", async () => {
    const fixture = dollarTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [{ match: { route: "batch" }, effect: { kind: "reset" } }],
    });
    const checks = await graph.directory.checkUsers([{ id: fixture.protectedUser }, { id: fixture.staff }]);
    expect(checks.map((check) => (check.outcome === "failed" ? check.failure.kind : check.outcome))).toEqual([
      "unavailable",
      "unavailable",
    ]);
    // FAST_RETRY allows three attempts in all.
    expect(graph.server.requests.filter((r) => r.route === "batch")).toHaveLength(3);
  });

  it("fails an item whose id appears twice in the $batch answer as bad-response, not the last copy", async () => {
    const fixture = dollarTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      batchResponseOrder: "request",
      faults: [
        {
          match: { route: "batch" },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              const responses = (body as { responses: Array<Record<string, unknown>> }).responses;
              const first = responses[0] as Record<string, unknown>;
              // A second answer for the protected user's item, claiming it is not restricted.
              const copy = structuredClone(first);
              (copy.body as Record<string, unknown>).isManagementRestricted = null;
              responses.push(copy);
              return body;
            },
          },
        },
      ],
    });
    const checks = await graph.directory.checkUsers([{ id: fixture.protectedUser }, { id: fixture.staff }]);
    expect(checks[0]).toMatchObject({ outcome: "failed", failure: { kind: "bad-response" } });
    expect(checks[0]?.outcome === "failed" && checks[0].failure.message).toContain("more than once");
    expect(checks[1]).toMatchObject({ outcome: "found", isManagementRestricted: false });
  });

  it("fails a check answered with another user's id as bad-response, and accepts the same id in other case", async () => {
    const fixture = dollarTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      faults: [
        {
          // A reader or proxy bug: the item asked for the protected user answers with the staff user.
          match: { route: "users.get", objectId: fixture.protectedUser },
          effect: {
            kind: "transform-body",
            transform: (body) => ({ ...(body as object), id: fixture.staff, isManagementRestricted: null }),
          },
        },
      ],
    });
    const checks = await graph.directory.checkUsers([
      { id: fixture.protectedUser },
      { id: fixture.staff.toUpperCase() },
    ]);
    expect(checks[0]).toMatchObject({ outcome: "failed", failure: { kind: "bad-response", status: 200 } });
    const message = checks[0]?.outcome === "failed" ? checks[0].failure.message : "";
    expect(message).toContain(fixture.protectedUser);
    expect(message).toContain(fixture.staff);
    expect(checks[1]).toMatchObject({ outcome: "found", user: { id: fixture.staff } });
  });

  it("reads the items of a $batch answered 424 and re-batches only the throttled one after its Retry-After", async () => {
    const fixture = dollarTenant();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      batchOuterStatus: "failed-dependency",
      faults: [
        {
          match: { route: "users.get", objectId: fixture.staff },
          effect: {
            kind: "throttled",
            retryAfterSeconds: 0.15,
            retryAfterFormat: "decimal-seconds",
            enforceRetryAfter: true,
          },
          times: 1,
        },
      ],
    });
    const checks = await graph.directory.checkUsers([{ id: fixture.protectedUser }, { id: fixture.staff }]);
    expect(checks).toEqual([
      expect.objectContaining({ outcome: "found", isManagementRestricted: true }),
      expect.objectContaining({ outcome: "found", isManagementRestricted: false }),
    ]);
    const batches = graph.server.requests.filter((r) => r.route === "batch");
    expect(batches.map((r) => r.status)).toEqual([424, 200]);
    const items = graph.server.requests.filter((r) => r.inBatch);
    expect(items.map((r) => [r.objectIds[0], r.status])).toEqual([
      [fixture.protectedUser, 200],
      [fixture.staff, 429],
      [fixture.staff, 200],
    ]);
    expect(items.some((r) => r.retryEarly)).toBe(false);
    expect((batches[1]?.receivedAtMs ?? 0) - (batches[0]?.receivedAtMs ?? 0)).toBeGreaterThanOrEqual(145);
  });
});
