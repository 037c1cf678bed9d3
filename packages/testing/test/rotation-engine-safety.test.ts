/**
 * The rotation engine's safety rules, through the package entry: an abort never cancels a password
 * change already sent (and the report so far comes back), and an account is only ever addressed by its
 * Entra identity, never by the store's own key.
 */
import { createRotationGuard } from "@rotation-exclusion/core";
import {
  createInMemoryAccountStore,
  createInMemoryDirectory,
  createRotationEngine,
  emergencyAccessTenant,
  managedAccountsFor,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const credential = { getToken: async () => ({ token: "tok-engine-safety" }) };

describe("createRotationEngine on abort", () => {
  it("finishes the PATCH in flight, sends no other, and returns the report so far", async () => {
    const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 1 });
    await using server = await startFakeGraphServer(tenant);
    const accounts = createInMemoryAccountStore(
      managedAccountsFor(tenant, [ids.eligibleAdmin, ids.adminGroupMember]),
    );
    const controller = new AbortController();
    const engine = createRotationEngine({
      graphBaseUrl: server.url,
      ca: server.ca,
      credential,
      accounts,
      // The password is made right before the PATCH goes out: the host stops the cycle at that moment.
      passwordGenerator: () => {
        controller.abort(new Error("host shutting down"));
        return "Pw-engine-safety-24chars!";
      },
    });
    const report = await engine.runCycle({ signal: controller.signal });
    expect(report.aborted).toBe(true);
    expect(report.outcomes).toEqual([
      expect.objectContaining({ objectId: ids.eligibleAdmin, status: "rotated" }),
    ]);
    expect(report).toMatchObject({ rotated: 1, skipped: 0, failed: 0 });
    expect(server.passwordChanges.map((change) => change.userId)).toEqual([ids.eligibleAdmin]);
    expect(server.requests.filter((request) => request.method === "PATCH")).toHaveLength(1);
  });

  it("returns an empty report, sending nothing, when the signal is already aborted", async () => {
    const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 1 });
    await using server = await startFakeGraphServer(tenant);
    const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, [ids.eligibleAdmin]));
    const engine = createRotationEngine({ graphBaseUrl: server.url, ca: server.ca, credential, accounts });
    const report = await engine.runCycle({ signal: AbortSignal.abort() });
    expect(report).toMatchObject({ aborted: true, outcomes: [], rotated: 0, skipped: 0, failed: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it("says the cycle was not aborted when it ran to the end", async () => {
    const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 1 });
    await using server = await startFakeGraphServer(tenant);
    const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, [ids.eligibleAdmin]));
    const engine = createRotationEngine({ graphBaseUrl: server.url, ca: server.ca, credential, accounts });
    const report = await engine.runCycle({ signal: new AbortController().signal });
    expect(report).toMatchObject({ aborted: false, rotated: 1 });
  });
});

describe("createRotationEngine addressing", () => {
  it("never sends the store's own key to Graph: an account without object id or UPN fails, unsent", async () => {
    const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 1 });
    await using server = await startFakeGraphServer(tenant);
    // A store key that happens to be an object id must not make the engine change that user's password.
    const accounts = createInMemoryAccountStore([{ key: ids.eligibleAdmin, autoRotate: true }]);
    const guard = createRotationGuard({
      tenantId: tenant.tenantId,
      directory: createInMemoryDirectory(tenant),
      accounts,
    });
    for (const engine of [
      createRotationEngine({ graphBaseUrl: server.url, ca: server.ca, credential, accounts }),
      createRotationEngine({ graphBaseUrl: server.url, ca: server.ca, credential, accounts, guard }),
    ]) {
      const report = await engine.runCycle();
      expect(report).toMatchObject({ rotated: 0, skipped: 0, failed: 1 });
      expect(report.outcomes[0]).toMatchObject({
        key: ids.eligibleAdmin,
        objectId: null,
        userPrincipalName: null,
        status: "failed",
        learned: null,
        failure: { status: null, code: null, requestId: null },
      });
      const outcome = report.outcomes[0];
      if (outcome?.status !== "failed") throw new Error("expected a failure");
      expect(outcome.failure.message).toMatch(/no Entra identity/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("addresses a UPN starting with $ as /users('...'), quotes doubled, as Graph documents", async () => {
    const t = tenantBuilder({ seed: "engine-dollar-upn", domain: "contoso.test" });
    const svc = t.user("svc", { userPrincipalName: "$svc@contoso.test" });
    const oneil = t.user("oneil", { userPrincipalName: "$o'neil#EXT#@contoso.test" });
    const plain = t.user("plain", { userPrincipalName: "o'neil#EXT#@contoso.test" });
    const tenant = t.build();
    await using server = await startFakeGraphServer(tenant);
    const accounts = createInMemoryAccountStore([
      { key: "row-1", userPrincipalName: "$svc@contoso.test", autoRotate: true },
      { key: "row-2", userPrincipalName: "$o'neil#EXT#@contoso.test", autoRotate: true },
      { key: "row-3", userPrincipalName: "o'neil#EXT#@contoso.test", autoRotate: true },
    ]);
    const engine = createRotationEngine({ graphBaseUrl: server.url, ca: server.ca, credential, accounts });
    const report = await engine.runCycle();
    expect(report).toMatchObject({ rotated: 3, failed: 0 });
    expect(server.passwordChanges.map((change) => change.userId)).toEqual([svc, oneil, plain]);
    expect(server.requests.map((request) => request.path)).toEqual([
      "/v1.0/users('%24svc%40contoso.test')",
      "/v1.0/users('%24o''neil%23EXT%23%40contoso.test')",
      "/v1.0/users/o'neil%23EXT%23%40contoso.test",
    ]);
  });
});
