/**
 * Password resets as Entra decides them (docs/decisions/0015), through the fake Graph server and the
 * testing kit's rotation engine behind a guard: an administrator's reset by an app without Privileged
 * Authentication Administrator gets Graph's plain 403, which the guard never takes for a restricted
 * unit's refusal; the refusal itself comes in both wordings; an app holding a role scoped to a
 * restricted unit resets that unit's other members.
 */
import { createRotationGuard } from "@rotation-exclusion/core";
import {
  BUILT_IN_ROLES,
  createInMemoryAccountStore,
  createInMemoryDirectory,
  createRotationEngine,
  type FakeGraphServerOptions,
  managedAccountsFor,
  RESTRICTED_MANAGEMENT_DENIAL_MESSAGE_WITH_LINK,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";

function tenantWithAdmins() {
  const t = tenantBuilder({ seed: "password-reset" });
  const breakGlass = t.user("breakglass");
  const admin = t.user("admin");
  const member = t.user("member");
  const plain = t.user("plain");
  const app = t.servicePrincipal("rotation app");
  const unit = t.unit("Emergency access", { restricted: true, members: [breakGlass, member] });
  t.assignRole("Global Administrator", breakGlass);
  t.assignRole("User Administrator", admin);
  return { t, ids: { breakGlass, admin, member, plain, app, unit } };
}

type Tenant = ReturnType<ReturnType<typeof tenantWithAdmins>["t"]["build"]>;

/** One guarded rotation cycle; the guard reads `guardSees` (default: the tenant Graph serves). */
async function rotate(
  tenant: Tenant,
  server: FakeGraphServerOptions,
  ids: readonly string[],
  guardSees: Tenant = tenant,
) {
  const graph = await startFakeGraphServer(tenant, server);
  const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, ids));
  const guard = createRotationGuard({
    tenantId: tenant.tenantId,
    directory: createInMemoryDirectory(guardSees),
    accounts,
  });
  const engine = createRotationEngine({
    graphBaseUrl: graph.url,
    ca: graph.ca,
    credential: { getToken: async () => ({ token: "tok" }) },
    accounts,
    guard,
  });
  const report = await engine.runCycle();
  return { graph, accounts, report };
}

describe("password resets by the rotation app", () => {
  test("an administrator's reset without Privileged Authentication Administrator is Graph's plain 403, never an RMAU denial", async () => {
    const { t, ids } = tenantWithAdmins();
    const tenant = t.build();
    const { graph, accounts, report } = await rotate(
      tenant,
      { rotationApp: { directoryRoles: ["User Administrator"] } },
      [ids.admin, ids.plain],
    );
    await using _graph = graph;
    const byId = new Map(report.outcomes.map((outcome) => [outcome.objectId, outcome]));
    expect(byId.get(ids.plain)?.status).toBe("rotated");
    const failed = byId.get(ids.admin);
    expect(failed?.status).toBe("failed");
    if (failed?.status !== "failed") return;
    expect(failed.failure).toMatchObject({
      status: 403,
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
    // The guard looked at the user's own flag, found no restricted unit, and excluded nothing.
    expect(failed.learned).toMatchObject({ status: "unknown", reasonCode: "permission-missing" });
    expect((await accounts.list()).find((account) => account.objectId === ids.admin)?.autoRotate).toBe(true);
    expect(graph.passwordChanges.map((change) => change.userId)).toEqual([ids.plain]);
  });

  test("with Privileged Authentication Administrator the administrator's password is reset", async () => {
    const { t, ids } = tenantWithAdmins();
    const { graph, report } = await rotate(t.build(), {}, [ids.admin]);
    await using _graph = graph;
    expect(report).toMatchObject({ rotated: 1, failed: 0 });
  });

  test("the restricted unit's refusal in the wording seen in the wild is still the denial", async () => {
    // The account was put into the unit after the guard's snapshot: only the refusal can tell.
    const t = tenantBuilder({ seed: "password-reset-race" });
    const breakGlass = t.user("breakglass");
    const unit = t.unit("Emergency access", { restricted: true });
    const before = t.build();
    t.addMembers(unit, [breakGlass]);
    const { graph, report, accounts } = await rotate(
      t.build(),
      { restrictedUnitDenialText: "learn-more" },
      [breakGlass],
      before,
    );
    await using _graph = graph;
    const [outcome] = report.outcomes;
    expect(outcome?.status).toBe("failed");
    if (outcome?.status !== "failed") return;
    expect(outcome.failure.message).toBe(RESTRICTED_MANAGEMENT_DENIAL_MESSAGE_WITH_LINK);
    expect(outcome.learned).toMatchObject({ status: "protected", reasonCode: "rotation-denied-by-unit" });
    expect((await accounts.list()).every((account) => account.autoRotate === false)).toBe(true);
  });

  test("an app with a role scoped to the restricted unit resets its other members, never an administrator in it", async () => {
    const { t, ids } = tenantWithAdmins();
    t.assignRole(BUILT_IN_ROLES["User Administrator"], ids.app, { unitId: ids.unit });
    const tenant = t.build();
    // No guard this time: what Graph itself allows.
    await using graph = await startFakeGraphServer(tenant, {
      rotationApp: { directoryRoles: [], servicePrincipalId: ids.app },
    });
    const engine = createRotationEngine({
      graphBaseUrl: graph.url,
      ca: graph.ca,
      credential: { getToken: async () => ({ token: "tok" }) },
      accounts: createInMemoryAccountStore(
        managedAccountsFor(tenant, [ids.member, ids.breakGlass, ids.plain]),
      ),
    });
    const report = await engine.runCycle();
    const status = new Map(report.outcomes.map((outcome) => [outcome.objectId, outcome.status]));
    expect(status.get(ids.member)).toBe("rotated");
    expect(status.get(ids.breakGlass)).toBe("failed");
    // Outside the unit the app holds no role at all.
    expect(status.get(ids.plain)).toBe("failed");
  });
});

describe("the rotation engine's token scope", () => {
  test.each([
    ["https://graph.microsoft.us", "https://graph.microsoft.us/.default"],
    ["https://dod-graph.microsoft.us", "https://dod-graph.microsoft.us/.default"],
    ["https://microsoftgraph.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default"],
    ["https://graph.microsoft.com", "https://graph.microsoft.com/.default"],
    ["https://127.0.0.1:8443", "https://graph.microsoft.com/.default"],
  ])("a Graph root of %s asks for %s", async (graphBaseUrl, scope) => {
    const asked: unknown[] = [];
    const engine = createRotationEngine({
      graphBaseUrl,
      credential: {
        async getToken(scopes) {
          asked.push(scopes);
          return null;
        },
      },
      accounts: createInMemoryAccountStore([
        { key: "a", objectId: "00000000-0000-4000-8000-000000000001", autoRotate: true },
      ]),
    });
    await engine.runCycle();
    expect(asked).toEqual([scope]);
  });
});
