import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { startFakeGraphServer } from "./fake-graph/fake-graph-server.js";
import { send } from "./fake-graph/https-test-client.js";
import { startFakeTokenService } from "./fake-token-service.js";
import { HOSTILE_NAMES, reportFixtureTenants } from "./report-fixture-tenants.js";

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8")) as {
    tid: string;
    roles: string[];
  };

describe("reportFixtureTenants", () => {
  it("six tenants with distinct ids, one of each kind", () => {
    const { tenants } = reportFixtureTenants();
    expect(tenants.map((entry) => entry.kind)).toEqual([
      "healthy",
      "one-protected-global-admin",
      "no-restricted-unit",
      "incomplete",
      "hidden-membership-unreadable",
      "hostile-names",
    ]);
    expect(new Set(tenants.map((entry) => entry.tenant.tenantId)).size).toBe(6);
  });

  it("the hostile tenant carries every hostile string in a user or unit name", () => {
    const hostile = reportFixtureTenants().tenants.find((entry) => entry.kind === "hostile-names");
    const tenant = hostile?.tenant;
    const names = [
      ...[...(tenant?.users.values() ?? [])].map((user) => user.displayName),
      ...[...(tenant?.units.values() ?? [])].map((unit) => unit.displayName),
    ].join("\n");
    for (const value of Object.values(HOSTILE_NAMES)) expect(names).toContain(value);
    expect([...(tenant?.users.values() ?? [])].map((user) => user.userPrincipalName)).toContain(
      "o'neil!#^~@litware.onmicrosoft.com",
    );
  });

  it("served together: only the incomplete tenant's protected-set read fails, every time", async () => {
    const fixtures = reportFixtureTenants();
    const [first, ...rest] = fixtures.tenants.map((entry) => entry.tenant);
    await using graph = await startFakeGraphServer(first as NonNullable<typeof first>, {
      tenants: rest,
      faults: fixtures.faults,
    });
    const statuses = new Map<string, number[]>();
    for (const { kind, tenant } of fixtures.tenants) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const answer = await send(graph, "GET", "/v1.0/users?$select=id", {
          token: fixtures.tokenFor(tenant.tenantId),
        });
        statuses.set(kind, [...(statuses.get(kind) ?? []), answer.status]);
      }
    }
    expect(statuses.get("incomplete")).toEqual([503, 503]);
    expect(statuses.get("healthy")).toEqual([200, 200]);
    expect(statuses.get("hostile-names")).toEqual([200, 200]);
  });

  it("the hidden-membership tenant's token lacks Member.Read.Hidden; the others' have it", () => {
    const fixtures = reportFixtureTenants();
    for (const { kind, tenant } of fixtures.tenants) {
      const token = claims(fixtures.tokenFor(tenant.tenantId));
      expect(token.tid).toBe(tenant.tenantId);
      expect(token.roles.includes("Member.Read.Hidden")).toBe(kind !== "hidden-membership-unreadable");
    }
  });
});

describe("startFakeTokenService accessTokenFor", () => {
  it("hands each tenant's client-credentials request that tenant's token", async () => {
    await using tokens = await startFakeTokenService({
      accessTokenFor: (tenantId) => `token-of-${tenantId}`,
    });
    const ca = await readFile(tokens.caFile, "utf8");
    const answer = await send({ url: tokens.url, ca }, "POST", "/tenant-b/oauth2/v2.0/token", {
      token: null,
      body: "grant_type=client_credentials&client_id=x&client_secret=y",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(answer.json()).toMatchObject({ access_token: "token-of-tenant-b" });
  });
});
