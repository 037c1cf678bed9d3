import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

const GLOBAL_ADMIN = BUILT_IN_ROLES["Global Administrator"];

function roleTenant() {
  const t = tenantBuilder({ seed: "fake-graph-roles" });
  const direct = t.user("direct");
  const member = t.user("member");
  const eligible = t.user("eligible");
  const admins = t.group("admins", { roleAssignable: true, members: [member] });
  const app = t.servicePrincipal("automation");
  const custom = t.roleDefinition("O'Brien's role");
  t.assignRole("Global Administrator", direct);
  t.assignRole("Global Administrator", admins);
  t.assignRole("Global Administrator", app);
  t.assignRole("Global Administrator", eligible, { kind: "eligible" });
  return { tenant: t.build(), direct, member, eligible, admins, app, custom };
}

describe("role definitions", () => {
  it("finds a definition by display name, decoding doubled quotes in the OData literal", async () => {
    const { tenant, custom } = roleTenant();
    await using graph = await startFakeGraphServer(tenant);
    const filter = encodeURIComponent("displayName eq 'O''Brien''s role'");
    const body = (
      await send(graph, "GET", `/v1.0/roleManagement/directory/roleDefinitions?$filter=${filter}`)
    ).json();
    expect((body.value as { id: string }[]).map((r) => r.id)).toEqual([custom]);
    const byId = (
      await send(graph, "GET", `/v1.0/roleManagement/directory/roleDefinitions/${GLOBAL_ADMIN}`)
    ).json();
    expect(byId).toMatchObject({ id: GLOBAL_ADMIN, displayName: "Global Administrator", isBuiltIn: true });
    expect((await send(graph, "GET", "/v1.0/roleManagement/directory/roleDefinitions/nope")).status).toBe(
      404,
    );
  });

  it("answers 403 without RoleManagement.Read.Directory", async () => {
    const { tenant } = roleTenant();
    await using graph = await startFakeGraphServer(tenant, { permissions: { roleManagementRead: false } });
    expect((await send(graph, "GET", "/v1.0/roleManagement/directory/roleDefinitions")).status).toBe(403);
    expect((await send(graph, "GET", "/v1.0/roleManagement/directory/roleAssignments")).status).toBe(403);
  });
});

describe("role assignments and eligibilities", () => {
  it("expands principals with their @odata.type and keeps the assignment fields", async () => {
    const { tenant, direct, admins, app } = roleTenant();
    await using graph = await startFakeGraphServer(tenant);
    const filter = encodeURIComponent(`roleDefinitionId eq '${GLOBAL_ADMIN}'`);
    const body = (
      await send(
        graph,
        "GET",
        `/v1.0/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=principal`,
      )
    ).json();
    expect(body["@odata.context"]).toBe(
      `${graph.url}/v1.0/$metadata#roleManagement/directory/roleAssignments(principal())`,
    );
    const value = body.value as Record<string, Record<string, unknown>>[];
    expect(value.map((a) => [a.principalId, a.principal?.["@odata.type"]])).toEqual([
      [direct, "#microsoft.graph.user"],
      [admins, "#microsoft.graph.group"],
      [app, "#microsoft.graph.servicePrincipal"],
    ]);
    expect(value[0]).toMatchObject({
      roleDefinitionId: GLOBAL_ADMIN,
      directoryScopeId: "/",
      id: expect.any(String),
    });
    expect(value[1]?.principal).toMatchObject({ isAssignableToRole: true, displayName: "admins" });
    expect(graph.requests[0]?.objectIds).toEqual([GLOBAL_ADMIN]);
  });

  it("serves PIM eligibility instances with $expand=principal, and PIM's own 403 without the permission", async () => {
    const { tenant, eligible } = roleTenant();
    await using graph = await startFakeGraphServer(tenant);
    const filter = encodeURIComponent(`roleDefinitionId eq '${GLOBAL_ADMIN}'`);
    const path = `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${filter}&$expand=principal`;
    const value = (await send(graph, "GET", path)).json().value as Record<string, unknown>[];
    expect(value).toHaveLength(1);
    expect(value[0]).toMatchObject({
      principalId: eligible,
      memberType: "Direct",
      principal: { "@odata.type": "#microsoft.graph.user", id: eligible },
    });
    graph.configure({ permissions: { roleEligibilityRead: false } });
    const denied = await send(graph, "GET", path);
    expect(denied.status).toBe(403);
    const error = denied.json().error as { code: string; message: string };
    expect(error.code).toBe("UnknownError");
    expect(JSON.parse(error.message)).toMatchObject({ errorCode: "PermissionScopeNotGranted" });
  });
});

describe("GET /groups/{id}/members", () => {
  it("lists members with @odata.type and only the selected properties that exist on each type", async () => {
    const { tenant, admins, member } = roleTenant();
    await using graph = await startFakeGraphServer(tenant);
    const body = (
      await send(graph, "GET", `/v1.0/groups/${admins}/members?$select=id,userPrincipalName,displayName`)
    ).json();
    expect(body.value).toEqual([
      {
        "@odata.type": "#microsoft.graph.user",
        id: member,
        userPrincipalName: "member@contoso.onmicrosoft.com",
        displayName: "member",
      },
    ]);
    expect((await send(graph, "GET", "/v1.0/groups/nope/members")).status).toBe(404);
    graph.configure({ permissions: { groupMemberRead: false } });
    expect((await send(graph, "GET", `/v1.0/groups/${admins}/members`)).status).toBe(403);
  });
});
