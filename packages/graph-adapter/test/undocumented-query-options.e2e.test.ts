/**
 * Listings that carry query options their Microsoft page does not name ($top on administrative units,
 * $select and $top on a unit's members, $select on role definitions): on Graph's 400 the adapter reads
 * the listing again without them, once, and remembers it for every directory of the app that shares
 * the memo (docs/decisions/0013-undocumented-query-options.md).
 */
import { createGraphDirectory, createGraphQueryMemo } from "@rotation-exclusion/graph-adapter";
import { type FakeGraphFault, type FakeGraphFaultMatch, tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";
import { countingCredential, directoryOverFakeGraph, FAST_RETRY } from "./fake-graph-fixture.js";

function tenantWithUnits() {
  const t = tenantBuilder({ seed: "undocumented-options" });
  const [a, b, c] = t.users(3, "admin");
  const first = t.unit("Break glass 1", { restricted: true, members: [a as string] });
  const second = t.unit("Break glass 2", { restricted: true, members: [b as string, c as string] });
  return { tenant: t.build(), ids: { a, b, c, first, second } };
}

const refused = (match: FakeGraphFaultMatch): FakeGraphFault => ({
  match,
  effect: { kind: "error", status: 400, code: "Request_BadRequest", message: "Unsupported query." },
  times: 1,
});

describe("a listing Graph refuses with its undocumented query options", () => {
  test("is read again without them, and every directory sharing the memo asks without them from then on", async () => {
    const { tenant, ids } = tenantWithUnits();
    const queryMemo = createGraphQueryMemo();
    await using graph = await directoryOverFakeGraph(
      tenant,
      { faults: [refused({ route: "administrativeUnits.members" })] },
      { queryMemo, memberReadConcurrency: 1 },
    );
    const read = await graph.directory.readRestrictedUnits();
    expect(read.complete).toBe(true);
    expect(read.units.map((unit) => [unit.id, unit.members.complete, unit.members.userIds])).toEqual([
      [ids.first, true, [ids.a]],
      [ids.second, true, [ids.b, ids.c]],
    ]);
    const members = graph.server.requests.filter((r) => r.route === "administrativeUnits.members");
    expect(members.map((r) => [r.status, Object.keys(r.query).sort()])).toEqual([
      [400, ["$select", "$top"]],
      [200, []],
      [200, []],
    ]);
    expect(queryMemo.bareListings()).toEqual([
      `${graph.server.url} GET /directory/administrativeUnits/{id}/members`,
    ]);
    // The unit list kept its options: Graph did not refuse them.
    const units = graph.server.requests.filter((r) => r.route === "administrativeUnits.list");
    expect(Object.keys(units[0]?.query ?? {}).sort()).toEqual(["$select", "$top"]);

    // The next directory of the same app (a new tenant, or the next cycle): no 400 to pay again.
    graph.server.clearRequests();
    const next = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential: countingCredential(["Member.Read.Hidden"]),
      baseUrl: graph.server.url,
      ca: graph.server.ca,
      retry: FAST_RETRY,
      queryMemo,
    });
    expect((await next.readRestrictedUnits()).complete).toBe(true);
    const again = graph.server.requests.filter((r) => r.route === "administrativeUnits.members");
    expect(again.map((r) => [r.status, Object.keys(r.query).length])).toEqual([
      [200, 0],
      [200, 0],
    ]);
  });

  test("the unit list and the role definitions keep their documented options when they fall back", async () => {
    const { tenant } = tenantWithUnits();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [refused({ route: "administrativeUnits.list" }), refused({ route: "roleDefinitions.list" })],
    });
    expect((await graph.directory.readRestrictedUnits()).complete).toBe(true);
    expect((await graph.directory.readRoleHolders("Global Administrator")).complete).toBe(true);
    const queries = (route: string) =>
      graph.server.requests.filter((r) => r.route === route).map((r) => Object.keys(r.query).sort());
    expect(queries("administrativeUnits.list")).toEqual([["$select", "$top"], ["$select"]]);
    expect(queries("roleDefinitions.list")).toEqual([["$filter", "$select"], ["$filter"]]);
  });

  test("a listing refused again without them fails as before, and one with only documented options is never retried", async () => {
    const { tenant, ids } = tenantWithUnits();
    const always: FakeGraphFault = {
      ...refused({ route: "administrativeUnits.members", objectId: ids.first }),
    };
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [{ ...always, times: 2 }, refused({ route: "users.list" })],
    });
    const units = await graph.directory.readRestrictedUnits();
    const first = units.units.find((unit) => unit.id === ids.first);
    expect(first?.members).toMatchObject({ complete: false, failure: { status: 400 } });
    // The protected-user query names only documented options: its 400 is answered as before, no retry.
    const users = await graph.directory.readProtectedUsers();
    expect(users.complete).toBe(false);
    expect(graph.server.requests.filter((r) => r.route === "users.list")).toHaveLength(1);
  });
});
