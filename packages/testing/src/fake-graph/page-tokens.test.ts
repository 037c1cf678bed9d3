import { describe, expect, it } from "vitest";
import { startFakeGraphServer, tenantBuilder } from "../index.js";
import { type RawAnswer, send } from "./https-test-client.js";
import { claimedPage, createPageTokens } from "./page-tokens.js";

function pagedTenant() {
  const t = tenantBuilder({ seed: "fake-graph-page-tokens" });
  const users = t.users(5, "u");
  t.unit("Break glass", { restricted: true, members: users });
  t.unit("Ordinary", {});
  t.unit("Third", {});
  return t.build();
}

function skipTokenOf(nextLink: unknown): string {
  return new URL(nextLink as string).searchParams.get("$skiptoken") as string;
}

function expectRefusedSkipToken(answer: RawAnswer): void {
  expect(answer.status).toBe(400);
  expect(answer.json()).toMatchObject({
    error: {
      code: "Request_BadRequest",
      message: "Invalid value specified for query parameter '$skiptoken'.",
    },
  });
}

describe("createPageTokens", () => {
  it("reads back its own token for the listing it was issued for, and nothing else", () => {
    const tokens = createPageTokens();
    const token = tokens.issue("users?$select=id", { page: 2, offset: 100 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(tokens.read("users?$select=id", token)).toEqual({ page: 2, offset: 100 });
    expect(claimedPage(token)).toBe(2);
    expect(tokens.read("users?$select=id,displayName", token)).toBeUndefined();
    expect(createPageTokens().read("users?$select=id", token)).toBeUndefined();
    expect(tokens.read("users?$select=id", "not a token")).toBeUndefined();
    expect(claimedPage("not a token")).toBeUndefined();
  });
});

describe("page tokens over HTTPS: only the server's own nextLinks", () => {
  it("refuses a forged, edited, foreign or misplaced $skiptoken, in strict mode too", async () => {
    const tenant = pagedTenant();
    for (const strictQueryOptions of [false, true]) {
      await using graph = await startFakeGraphServer(tenant, { maxPageSize: 2, strictQueryOptions });
      await using other = await startFakeGraphServer(tenant, { maxPageSize: 2, strictQueryOptions });
      const first = (await send(graph, "GET", "/v1.0/users?$select=id")).json();
      const token = skipTokenOf(first["@odata.nextLink"]);
      expect((await send(graph, "GET", `/v1.0/users?$select=id&$skiptoken=${token}`)).status).toBe(200);
      // Garbage, and a token whose offset was edited by hand.
      expectRefusedSkipToken(await send(graph, "GET", "/v1.0/users?$select=id&$skiptoken=X%27445370%27"));
      const prefix = "RFNwdAIAAQAAAA";
      const body = JSON.parse(Buffer.from(token.slice(prefix.length), "base64url").toString()) as object;
      const edited = prefix + Buffer.from(JSON.stringify({ ...body, o: 0 })).toString("base64url");
      expectRefusedSkipToken(await send(graph, "GET", `/v1.0/users?$select=id&$skiptoken=${edited}`));
      // Another server's token for the very same listing.
      expectRefusedSkipToken(await send(other, "GET", `/v1.0/users?$select=id&$skiptoken=${token}`));
      // This server's token, on another listing or on the same listing with other options.
      expectRefusedSkipToken(
        await send(graph, "GET", `/v1.0/directory/administrativeUnits?$skiptoken=${token}`),
      );
      expectRefusedSkipToken(
        await send(graph, "GET", `/v1.0/users?$select=id,displayName&$skiptoken=${token}`),
      );
    }
  });

  it("accepts its own token however the client re-encodes the nextLink", async () => {
    await using graph = await startFakeGraphServer(pagedTenant(), { maxPageSize: 2 });
    const filter = encodeURIComponent("isManagementRestricted eq true");
    const first = (await send(graph, "GET", `/v1.0/users?$filter=${filter}&$select=id`)).json();
    const next = new URL(first["@odata.nextLink"] as string);
    // URLSearchParams writes `$` as %24, `,` as %2C and spaces as +: the same options, encoded anew.
    next.search = new URLSearchParams(next.searchParams).toString();
    expect(next.search).toContain("%24skiptoken=");
    const second = await send(graph, "GET", next.href);
    expect(second.status).toBe(200);
    expect(second.json().value).toHaveLength(2);
  });
});
