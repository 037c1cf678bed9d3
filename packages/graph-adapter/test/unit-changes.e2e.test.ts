/**
 * `administrativeUnits/delta` over HTTP (docs/decisions/0016): a 410 sync reset asks for a full read, a
 * cloud without the function is refused once per app and remembered, a round that answers with other
 * objects is not trusted, and a guard over the adapter pays one delta page for a quiet refresh.
 */
import { createInMemorySnapshotStore, createRotationGuard } from "@rotation-exclusion/core";
import { createGraphDirectory, createGraphQueryMemo } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  managedAccountsFor,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";
import { countingCredential, directoryOverFakeGraph, FAST_RETRY } from "./fake-graph-fixture.js";

function smallTenant() {
  const t = tenantBuilder({ seed: "adapter-unit-changes", domain: "contoso.com" });
  const alice = t.user("alice");
  const bob = t.user("bob");
  const tier0 = t.unit("Tier 0", { restricted: true, members: [alice] });
  return { tenant: t.build(), alice, bob, tier0 };
}

describe("unit changes over Microsoft Graph's wire format", () => {
  test("a 410 on a stored link asks for a full read; it is not a broken round", async () => {
    const { tenant } = smallTenant();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.delta", page: 1 },
          effect: { kind: "error", status: 410 },
          times: 1,
        },
      ],
    });
    const first = await graph.directory.readRestrictedUnitChanges(
      `${graph.server.url}/v1.0/directory/administrativeUnits/delta?$deltatoken=anything`,
    );
    expect(first.outcome).toBe("resync-required");
  });

  test("a stored link refused with another 40X code asks for a full read; a 403 on it is a broken round", async () => {
    const { tenant } = smallTenant();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.delta", page: 1 },
          effect: { kind: "error", status: 400, code: "Request_BadRequest", message: "Invalid delta token." },
          times: 1,
        },
        {
          match: { route: "administrativeUnits.delta", page: 1 },
          effect: { kind: "error", status: 403 },
          times: 1,
        },
      ],
    });
    const link = `${graph.server.url}/v1.0/directory/administrativeUnits/delta?$deltatoken=anything`;
    expect((await graph.directory.readRestrictedUnitChanges(link)).outcome).toBe("resync-required");
    const forbidden = await graph.directory.readRestrictedUnitChanges(link);
    expect(forbidden.outcome).toBe("incomplete");
  });

  test("a stored link to another host is never followed", async () => {
    const { tenant } = smallTenant();
    await using graph = await directoryOverFakeGraph(tenant);
    const read = await graph.directory.readRestrictedUnitChanges(
      "https://graph.example.org/v1.0/directory/administrativeUnits/delta?$deltatoken=x",
    );
    expect(read.outcome).toBe("resync-required");
    expect(graph.server.stats().byRoute["administrativeUnits.delta"]).toBeUndefined();
  });

  test("a cloud without the function is refused once per app: every directory sharing the memo reads in full without asking", async () => {
    const { tenant } = smallTenant();
    await using server = await startFakeGraphServer(tenant, { unitChangeTracking: false });
    const queryMemo = createGraphQueryMemo();
    const directoryFor = () =>
      createGraphDirectory({
        tenantId: tenant.tenantId,
        credential: countingCredential(["Member.Read.Hidden"]),
        baseUrl: server.url,
        ca: server.ca,
        retry: FAST_RETRY,
        queryMemo,
      });
    expect((await directoryFor().readRestrictedUnitChanges(undefined)).outcome).toBe("unsupported");
    expect((await directoryFor().readRestrictedUnitChanges(undefined)).outcome).toBe("unsupported");
    expect(server.stats().byRoute["administrativeUnits.delta"]).toBe(1);
    expect(queryMemo.lacksFunction(server.url, "GET /directory/administrativeUnits/delta")).toBe(true);
  });

  test("a round answering with objects that are not administrative units is not trusted", async () => {
    const { tenant, alice } = smallTenant();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [
        {
          match: { route: "administrativeUnits.delta" },
          effect: {
            kind: "body",
            body: {
              value: [{ "@odata.type": "#microsoft.graph.user", id: alice }],
              "@odata.deltaLink": "https://127.0.0.1/v1.0/directory/administrativeUnits/delta?$deltatoken=x",
            },
          },
        },
      ],
    });
    expect((await graph.directory.readRestrictedUnitChanges(undefined)).outcome).toBe("unsupported");
  });

  test("a guard over the adapter: cold, then a refresh after one membership change costs the protected set and one delta page", async () => {
    const { tenant, alice, bob, tier0 } = smallTenant();
    await using graph = await directoryOverFakeGraph(tenant);
    const snapshots = createInMemorySnapshotStore();
    const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, [alice, bob]));
    let nowMs = Date.UTC(2026, 0, 1);
    const guard = createRotationGuard({
      tenantId: tenant.tenantId,
      directory: graph.directory,
      accounts,
      snapshotStore: snapshots,
      clock: () => nowMs,
    });
    const cold = await guard.excludeFromAutoRotation();
    expect(cold.excluded.map((outcome) => outcome.key)).toEqual([alice]);
    expect(graph.server.stats().byRoute).toMatchObject({
      "users.list": 1,
      "administrativeUnits.delta": 1,
      "administrativeUnits.list": 1,
      "administrativeUnits.members": 1,
    });
    nowMs += 3_600_000;
    tenant.units.get(tier0)?.memberIds.push(bob);
    const before = graph.server.stats().requests;
    const next = await guard.excludeFromAutoRotation();
    expect(graph.server.stats().requests - before).toBe(2);
    expect(next.snapshot.complete).toBe(true);
    expect(next.excluded.map((outcome) => outcome.key)).toEqual([bob]);
  });
});
