/**
 * What a restricted unit's members are, by `@odata.type`, read by the real adapter from the fake Graph
 * server and decided by the guard: an agent user is a user (a declared subtype), and a member whose type
 * is missing or unknown can never prove an account unprotected (docs/decisions/0012, rules 1 and 2).
 */
import { createRotationGuard } from "@rotation-exclusion/core";
import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

function tenantWithOddMembers() {
  const t = tenantBuilder({ seed: "unit-member-types" });
  const agent = t.user("agent", { agentUser: true });
  const futureType = t.directoryObject("future", { odataType: "#microsoft.graph.somethingNew" });
  const untyped = t.directoryObject("untyped", { odataType: null });
  const ordinary = t.user("ordinary");
  const unit = t.unit("Break glass", { restricted: true, members: [agent, futureType, untyped] });
  return { tenant: t.build(), ids: { agent, futureType, untyped, ordinary, unit } };
}

describe("restricted unit members of every type (fallback mode: no isManagementRestricted)", () => {
  test("the adapter lists an agent user as a user and the rest as others", async () => {
    const { tenant, ids } = tenantWithOddMembers();
    await using graph = await directoryOverFakeGraph(tenant, { primarySignal: "unsupported" });
    const read = await graph.directory.readRestrictedUnits();
    expect(read.complete).toBe(true);
    const members = read.units.find((unit) => unit.id === ids.unit)?.members;
    expect(members?.userIds).toEqual([ids.agent]);
    expect(members?.otherIds).toEqual([ids.futureType, ids.untyped]);
  });

  test("the guard protects the agent user, and decides neither odd member nor counts it not protected", async () => {
    const { tenant, ids } = tenantWithOddMembers();
    await using graph = await directoryOverFakeGraph(tenant, { primarySignal: "unsupported" });
    const guard = createRotationGuard({ tenantId: tenant.tenantId, directory: graph.directory });
    expect(await guard.checkProtection(ids.agent)).toMatchObject({
      status: "protected",
      reasonCode: "unit-member",
    });
    for (const id of [ids.futureType, ids.untyped]) {
      const verdict = await guard.checkProtection(id);
      expect(verdict, id).toMatchObject({
        status: "unknown",
        reasonCode: "bad-response",
        unitIds: [ids.unit],
      });
      expect(await guard.isRotationProtected(id)).toBe(true);
    }
    // A complete snapshot still frees the accounts it does not name.
    expect(guard.lastSnapshot()?.complete).toBe(true);
    expect(await guard.checkProtection(ids.ordinary)).toMatchObject({ status: "not-protected" });
    const codes = guard.lastSnapshot()?.findings.map((finding) => `${finding.code}:${finding.objectId}`);
    expect(codes).toEqual(
      expect.arrayContaining([`NON_USER_MEMBER:${ids.futureType}`, `NON_USER_MEMBER:${ids.untyped}`]),
    );
  });
});

describe("agent identities among role holders", () => {
  test("an agent user is reported as an agent user and never imported; agent identities as service principals", async () => {
    const t = tenantBuilder({ seed: "agent-holders" });
    const admin = t.user("admin");
    const agent = t.user("agent", { agentUser: true });
    const identity = t.servicePrincipal("identity", { agentKind: "agentIdentity" });
    const blueprint = t.servicePrincipal("blueprint", { agentKind: "agentIdentityBlueprintPrincipal" });
    for (const principal of [admin, agent, identity, blueprint])
      t.assignRole("Global Administrator", principal);
    const tenant = t.build();
    await using graph = await directoryOverFakeGraph(tenant);
    const read = await graph.directory.readRoleHolders("Global Administrator");
    expect(read.users.map((holder) => holder.user.id)).toEqual([admin]);
    expect(read.others.map((other) => [other.principalId, other.principalType])).toEqual([
      [agent, "agentUser"],
      [identity, "servicePrincipal"],
      [blueprint, "servicePrincipal"],
    ]);
  });
});
