import { BUILT_IN_ROLES, createInMemoryDirectory, emergencyAccessTenant } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

describe("in-memory readRoleHolders", () => {
  it("lists active and eligible holders, expanding role-assignable groups, and others apart", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant);
    const read = await directory.readRoleHolders("Global Administrator");
    expect(read.role).toEqual({
      id: BUILT_IN_ROLES["Global Administrator"],
      displayName: "Global Administrator",
    });
    expect(read.complete).toBe(true);
    expect(read.users.map((holder) => [holder.user.id, holder.kind, holder.via?.groupId ?? null])).toEqual([
      [ids.breakGlass1, "active", null],
      [ids.breakGlass2, "active", null],
      [ids.adminGroupMember, "active", ids.adminGroup],
      [ids.eligibleAdmin, "eligible", null],
    ]);
    expect(read.others).toEqual([]);

    const pra = await directory.readRoleHolders(BUILT_IN_ROLES["Privileged Role Administrator"]);
    expect(pra.users.map((holder) => holder.user.id)).toEqual([ids.activeAdmin]);
    expect(pra.others).toEqual([
      expect.objectContaining({
        principalId: ids.automationPrincipal,
        principalType: "servicePrincipal",
        kind: "active",
      }),
    ]);
    const helpdesk = await directory.readRoleHolders("helpdesk administrator");
    expect(helpdesk.users[0]?.directoryScopeId).toBe(`/administrativeUnits/${ids.ordinaryUnit}`);
  });

  it("answers role null, complete, for a role that does not exist", async () => {
    const directory = createInMemoryDirectory(emergencyAccessTenant().tenant);
    expect(await directory.readRoleHolders("Chief Coffee Officer")).toEqual({
      role: null,
      users: [],
      others: [],
      complete: true,
      failures: [],
    });
  });

  it("reports each failed step and keeps what was read", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant, {
      faults: [
        { operation: "group-members", groupId: ids.adminGroup, kind: "forbidden" },
        { operation: "eligible-assignments", kind: "throttled" },
      ],
    });
    const read = await directory.readRoleHolders("Global Administrator");
    expect(read.complete).toBe(false);
    expect(read.users.map((holder) => holder.user.id)).toEqual([ids.breakGlass1, ids.breakGlass2]);
    expect(read.failures).toEqual([
      expect.objectContaining({
        step: "group-members",
        groupId: ids.adminGroup,
        failure: expect.objectContaining({ kind: "permission-missing" }),
      }),
      expect.objectContaining({
        step: "eligible-assignments",
        failure: expect.objectContaining({ kind: "throttled" }),
      }),
    ]);

    directory.injectFault({ operation: "role-definition", kind: "network", times: 1 });
    const failed = await directory.readRoleHolders("Global Administrator");
    expect(failed).toMatchObject({ role: null, complete: false, failures: [{ step: "role-definition" }] });
  });

  it("rejects with the signal's reason when aborted", async () => {
    const directory = createInMemoryDirectory(emergencyAccessTenant().tenant);
    const reason = new Error("stop");
    await expect(
      directory.readRoleHolders("Global Administrator", { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });
});
