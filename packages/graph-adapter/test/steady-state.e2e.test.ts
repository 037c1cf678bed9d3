/**
 * Steady-state cost over real HTTP: with a snapshot store, a quiet tenant costs exactly one Graph
 * request per cycle (the protected-set query); a change to the protected set refreshes the units with one
 * round of change tracking (docs/decisions/0016).
 */
import { createInMemorySnapshotStore, runExclusionCycle } from "@rotation-exclusion/core";
import { createGraphDirectory, createThrottleBudget } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  managedAccountsFor,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";
import { countingCredential, FAST_RETRY } from "./fake-graph-fixture.js";

describe("steady state over the fake Graph server", () => {
  test("a quiet tenant costs one request per cycle; a changed protected set costs one delta page more", async () => {
    const t = tenantBuilder();
    const admin = t.user("admin");
    const other = t.user("helpdesk");
    const moved = t.user("ceo");
    const tier0 = t.unit("Tier 0", { restricted: true, members: [admin] });
    t.unit("Sales", { members: [other] });
    const tenant = t.build();
    await using server = await startFakeGraphServer(tenant);
    const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, [admin, other, moved]));
    const credential = countingCredential();
    const throttleBudget = createThrottleBudget({ tenantSize: "small" });
    const snapshotStore = createInMemorySnapshotStore();
    const cycle = () =>
      runExclusionCycle({
        tenants: [tenant.tenantId],
        // A fresh directory per cycle, as a host that starts cold every cycle would create.
        createDirectory: (tenantId) =>
          createGraphDirectory({
            tenantId,
            credential,
            baseUrl: server.url,
            ca: server.ca,
            retry: FAST_RETRY,
            throttleBudget,
          }),
        accounts: () => accounts,
        snapshotStore,
      });

    const cold = await cycle();
    expect(cold.accounts).toMatchObject({ excluded: 1, notProtected: 2 });
    expect(cold.graph.requests).toBe(4); // protected users, a delta link from now, unit list, Tier 0 members
    for (let i = 0; i < 3; i += 1) {
      server.clearRequests();
      const warm = await cycle();
      expect(warm.graph).toEqual({ requests: 1, retries: 0, throttled: 0 });
      expect(server.requests.map((r) => r.route)).toEqual(["users.list"]);
      expect(warm.accounts).toMatchObject({ excluded: 0, alreadyExcluded: 1, deferred: 0 });
    }

    server.tenant.units.get(tier0)?.memberIds.push(moved);
    server.clearRequests();
    const changed = await cycle();
    expect(changed.graph.requests).toBe(2); // protected users, one delta page naming the new member
    expect(server.requests.map((r) => r.route)).toEqual(["users.list", "administrativeUnits.delta"]);
    expect(changed.accounts).toMatchObject({ excluded: 1, alreadyExcluded: 1 });
  });
});
