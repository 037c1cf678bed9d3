/**
 * Hostile input to the Graph adapter's public functions (options, clouds, base URLs) and hostile Graph
 * answers (pages without `value`, wrong types, duplicate members, unknown member types, a next link to
 * another host). Options fail with a typed error naming the value (never a secret); answers become
 * `bad-response` data, and a token only ever travels to the Graph root.
 */
import { createRotationGuard } from "@rotation-exclusion/core";
import {
  createGraphCredential,
  createGraphDirectory,
  type FetchFunction,
  type GraphDirectoryOptions,
  isGraphDirectoryError,
} from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  type FakeGraphFault,
  type FakeGraphFaultMatch,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

const TENANT = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }) };

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (!isGraphDirectoryError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error("expected a GraphDirectoryError, but the call succeeded");
}

describe("hostile directory options", () => {
  it.each([
    [{ tenantId: "" }, /tenantId must be a tenant GUID or domain name/],
    [{ tenantId: "contoso.com' or 1 eq 1" }, /tenantId must be a tenant GUID or domain name/],
    [{ tenantId: "../../evil" }, /tenantId/],
    [{ cloud: "azure" }, /cloud must be one of global, usgov, usgov-dod, china \(got "azure"\)/],
    [{ cloud: "__proto__" }, /\(got "__proto__"\)/],
    [{ cloud: "GLOBAL" }, /\(got "GLOBAL"\)/],
    [
      { baseUrl: "http://graph.microsoft.com" },
      /baseUrl must use https:\/\/ \(got http:\/\/graph.microsoft.com\)/,
    ],
    [{ baseUrl: "ftp://graph.microsoft.com" }, /must use https:\/\//],
    [{ baseUrl: "graph.microsoft.com" }, /baseUrl is not an absolute URL/],
    [{ baseUrl: "https://graph.microsoft.com/v1.0" }, /without path or query/],
    [{ baseUrl: "https://graph.microsoft.com/?$filter=1 eq 1" }, /without path or query/],
    [{ pageSize: 0 }, /pageSize must be an integer from 1 to 999 \(got 0\)/],
    [{ pageSize: -5 }, /\(got -5\)/],
    [{ pageSize: 1e9 }, /\(got 1000000000\)/],
    [{ pageSize: Number.NaN }, /\(got NaN\)/],
    [{ pageSize: { members: 1000 } }, /pageSize.members must be an integer from 1 to 999 \(got 1000\)/],
    [{ memberReadConcurrency: 65 }, /memberReadConcurrency must be an integer from 1 to 64 \(got 65\)/],
    [{ memberReadConcurrency: 1.5 }, /\(got 1.5\)/],
    [{ retry: { maxAttempts: 0 } }, /retry.maxAttempts must be an integer from 1 to 100 \(got 0\)/],
    [{ retry: { maxAttempts: Number.MAX_SAFE_INTEGER } }, /retry.maxAttempts .* \(got 9007199254740991\)/],
    [{ retry: { deadlineMs: -1 } }, /retry.deadlineMs .* \(got -1\)/],
    [{ retry: { maxRetryAfterMs: Number.NEGATIVE_INFINITY } }, /retry.maxRetryAfterMs .* \(got -Infinity\)/],
    [{ credential: { token: "secret" } }, /credential must be a TokenCredential/],
  ])("%j is refused as invalid-options, naming the value", (override, message) => {
    const error = refusal(() =>
      createGraphDirectory({
        tenantId: TENANT,
        credential,
        ...(override as object),
      } as GraphDirectoryOptions),
    );
    expect(error.code).toBe("invalid-options");
    expect(error.message).toMatch(message);
  });

  it("refuses a base URL with credentials in it without repeating them", () => {
    for (const baseUrl of ["https://admin:hunter2-SECRET@graph.test", "https://hunter2-SECRET@graph.test"]) {
      const error = refusal(() => createGraphDirectory({ tenantId: TENANT, credential, baseUrl }));
      expect(error.message).toMatch(/must not contain credentials/);
      expect(error.message).not.toContain("hunter2-SECRET");
    }
  });

  it("refuses an unknown cloud for a credential with a typed error naming it", () => {
    const error = refusal(() =>
      createGraphCredential(TENANT, "app", { clientSecret: "sec-SECRET-1" }, { cloud: "mars" as never }),
    );
    expect(error.code).toBe("invalid-options");
    expect(error.message).toMatch(/cloud must be one of global, usgov, usgov-dod, china \(got "mars"\)/);
    expect(error.message).not.toContain("sec-SECRET-1");
  });
});

type Page = { value?: unknown; [key: string]: unknown };

function tenantWithUnit() {
  const t = tenantBuilder({ seed: "graph-adapter-bad-input", domain: "contoso.com" });
  const admin = t.user("admin");
  const plain = t.user("plain");
  const unit = t.unit("Emergency", { restricted: true, members: [admin] });
  return { tenant: t.build(), admin, plain, unit };
}

const onRoute = (route: FakeGraphFaultMatch, transform: (body: Page) => unknown): FakeGraphFault => ({
  match: route,
  effect: { kind: "transform-body", transform: (body) => transform(body as Page) },
});

describe("hostile Graph pages", () => {
  it.each([
    ["no value", (body: Page) => ({ ...body, value: undefined })],
    ["value is a string", (body: Page) => ({ ...body, value: "admin" })],
    ["value is null", (body: Page) => ({ ...body, value: null })],
    ["an item with a numeric id", () => ({ value: [{ id: 42, isManagementRestricted: true }] })],
    ["a nextLink that is a number", (body: Page) => ({ ...body, "@odata.nextLink": 7 })],
  ])(
    "a protected-set page with %s is bad-response: incomplete, never an empty protected set",
    async (_, transform) => {
      const { tenant } = tenantWithUnit();
      await using graph = await directoryOverFakeGraph(tenant, {
        faults: [onRoute({ route: "users.list" }, transform)],
      });
      const read = await graph.directory.readProtectedUsers();
      expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
      expect(read.users).toEqual([]);
    },
  );

  it("a member page without value leaves that unit incomplete, and the other reads intact", async () => {
    const { tenant, unit } = tenantWithUnit();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [onRoute({ route: "administrativeUnits.members" }, () => ({ members: [] }))],
    });
    const read = await graph.directory.readRestrictedUnits();
    const found = read.units.find((candidate) => candidate.id === unit);
    expect(found?.members).toMatchObject({ complete: false, userIds: [], failure: { kind: "bad-response" } });
  });

  it("members of an unknown or missing @odata.type are never users; duplicates change nothing", async () => {
    const { tenant, admin, plain, unit } = tenantWithUnit();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [
        onRoute({ route: "administrativeUnits.members" }, (body) => ({
          ...body,
          value: [
            ...(body.value as unknown[]),
            ...(body.value as unknown[]),
            { "@odata.type": "#microsoft.graph.orgContact", id: plain },
            { id: plain },
            { "@odata.type": "#Microsoft.Graph.User' or 1 eq 1", id: plain },
          ],
        })),
      ],
    });
    const read = await graph.directory.readRestrictedUnits();
    const members = read.units.find((candidate) => candidate.id === unit)?.members;
    expect(members?.complete).toBe(true);
    expect(new Set(members?.userIds)).toEqual(new Set([admin]));
    expect(members?.otherIds).toEqual([plain]); // one member, however often and however typed it is listed
    // Through the guard: the admin is protected by the unit; the oddly typed member is neither made
    // protected by it nor proven unprotected: it is deferred, and nothing is written for it.
    const accounts = createInMemoryAccountStore([
      { key: "admin", objectId: admin, autoRotate: true },
      { key: "plain", objectId: plain, autoRotate: true },
    ]);
    const guard = createRotationGuard({ tenantId: tenant.tenantId, directory: graph.directory, accounts });
    const report = await guard.excludeFromAutoRotation();
    expect(report.excluded.map((entry) => entry.key)).toEqual(["admin"]);
    expect(report.notProtectedCount).toBe(0);
    expect(report.deferred.map((entry) => [entry.key, entry.verdict.reasonCode])).toEqual([
      ["plain", "bad-response"],
    ]);
    expect(accounts.get("plain")?.autoRotate).toBe(true);
  });

  it("never sends anything, let alone the token, to a nextLink on another host", async () => {
    const { tenant } = tenantWithUnit();
    const evil = "https://graph.microsoft.com.evil.example/v1.0/users?$skiptoken=steal";
    let seen: { url: string; authorized: boolean }[] = [];
    const graph = await directoryOverFakeGraph(tenant, {
      faults: [{ match: { route: "users.list" }, effect: { kind: "next-link", nextLink: evil } }],
    });
    await using _ = graph;
    const dispatcher = new Agent({ connect: { ca: graph.server.ca } });
    const fetch = (async (input: string, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      seen.push({ url: String(input), authorized: headers.has("authorization") });
      return undiciFetch(input, { ...(init as object), dispatcher } as never);
    }) as unknown as FetchFunction;
    const directory = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential: graph.credential,
      baseUrl: graph.server.url,
      fetch,
    });
    seen = [];
    const read = await directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    expect(read.failure?.message).toContain("https://graph.microsoft.com.evil.example");
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) expect(new URL(request.url).origin).toBe(graph.server.url);
    for (const token of graph.credential.issued) expect(JSON.stringify(read)).not.toContain(token);
  });
});
