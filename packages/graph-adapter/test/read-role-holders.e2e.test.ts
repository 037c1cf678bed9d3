import {
  BUILT_IN_ROLES,
  createInMemoryDirectory,
  emergencyAccessTenant,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

const GLOBAL_ADMIN = BUILT_IN_ROLES["Global Administrator"];

function roleTenant() {
  const t = tenantBuilder({ seed: "graph-adapter-roles", domain: "contoso.com" });
  const direct = t.user("direct");
  const eligible = t.user("eligible");
  const twoPaths = t.user("two.paths");
  const member = t.user("member");
  const device = t.device("Kiosk");
  const admins = t.group("Tenant admins", { roleAssignable: true, members: [member, twoPaths] });
  const app = t.servicePrincipal("Automation");
  const unit = t.unit("Branch");
  const scoped = t.user("scoped");
  const custom = t.roleDefinition("O'Brien's Role");
  const quoted = t.user("quoted");
  const directAssignment = t.assignRole("Global Administrator", direct);
  t.assignRole("Global Administrator", twoPaths);
  const groupAssignment = t.assignRole("Global Administrator", admins);
  // The same group eligible too: its members must be read once, not once per assignment.
  t.assignRole("Global Administrator", admins, { kind: "eligible" });
  t.assignRole("Global Administrator", app);
  t.assignRole("Global Administrator", eligible, { kind: "eligible" });
  t.assignRole("Global Administrator", scoped, { unitId: unit });
  t.assignRole("User Administrator", t.user("other.role"));
  t.assignRole(custom, quoted);
  const tenant = t.build();
  // A principal deleted after the assignment was made: Graph expands it to null.
  tenant.roleAssignments.push({
    id: "deleted-assignment",
    kind: "active",
    roleDefinitionId: GLOBAL_ADMIN,
    principalId: "00000000-0000-0000-0000-00000000dead",
    directoryScopeId: "/",
  });
  void device;
  const ids = { direct, eligible, twoPaths, member, admins, app, unit, scoped, custom, quoted };
  return { tenant, ids, directAssignment, groupAssignment };
}

describe("readRoleHolders over the fake Graph server", () => {
  it("reads active, eligible, group-expanded, unit-scoped and non-user holders", async () => {
    const { tenant, ids, directAssignment, groupAssignment } = roleTenant();
    await using graph = await directoryOverFakeGraph(tenant);
    const read = await graph.directory.readRoleHolders("Global Administrator");
    expect(read).toMatchObject({
      role: { id: GLOBAL_ADMIN, displayName: "Global Administrator" },
      complete: true,
      failures: [],
    });
    const holders = read.users.map((h) => [h.user.id, h.kind, h.via?.groupId ?? null, h.directoryScopeId]);
    expect(holders).toEqual([
      [ids.direct, "active", null, "/"],
      [ids.twoPaths, "active", null, "/"],
      [ids.member, "active", ids.admins, "/"],
      [ids.twoPaths, "active", ids.admins, "/"],
      [ids.scoped, "active", null, `/administrativeUnits/${ids.unit}`],
      [ids.member, "eligible", ids.admins, "/"],
      [ids.twoPaths, "eligible", ids.admins, "/"],
      [ids.eligible, "eligible", null, "/"],
    ]);
    expect(read.users[0]).toEqual({
      user: { id: ids.direct, userPrincipalName: "direct@contoso.com", displayName: "direct" },
      kind: "active",
      via: null,
      directoryScopeId: "/",
      assignmentId: directAssignment,
    });
    expect(read.users[2]).toMatchObject({
      via: { groupId: ids.admins, groupDisplayName: "Tenant admins" },
      assignmentId: groupAssignment,
    });
    expect(read.others).toEqual([
      expect.objectContaining({
        principalId: ids.app,
        principalType: "servicePrincipal",
        displayName: "Automation",
      }),
      expect.objectContaining({
        principalType: "other",
        assignmentId: "deleted-assignment",
        displayName: null,
      }),
    ]);
    // One member listing for the group, though it holds the role twice.
    expect(graph.server.requests.filter((r) => r.route === "groups.members")).toHaveLength(1);
    const listed = graph.server.requests.filter((r) => r.route === "roleAssignments.list");
    expect(listed[0]?.query).toMatchObject({
      $filter: `roleDefinitionId eq '${GLOBAL_ADMIN}'`,
      $expand: "principal",
    });
  });

  it("reports non-user members of a role-assignable group as other holders through each of its assignments", async () => {
    const { tenant, ids, groupAssignment } = roleTenant();
    const robot = "0000aaaa-0000-4000-8000-00000000b0b0";
    const kiosk = "0000aaaa-0000-4000-8000-00000000c0c0";
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [
        {
          match: { route: "groups.members", objectId: ids.admins },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              const page = body as { value: unknown[] };
              page.value.push(
                { "@odata.type": "#microsoft.graph.servicePrincipal", id: robot, displayName: "Robot" },
                { "@odata.type": "#microsoft.graph.device", id: kiosk, displayName: "Kiosk" },
              );
              return body;
            },
          },
        },
      ],
    });
    const read = await graph.directory.readRoleHolders("Global Administrator");
    expect(read.complete).toBe(true);
    // Users are unchanged: a service principal or a device is never an account to import.
    expect(read.users.map((h) => h.user.id)).not.toContain(robot);
    expect(read.users.map((h) => h.user.id)).not.toContain(kiosk);
    const viaGroup = read.others.filter((o) => o.principalId === robot || o.principalId === kiosk);
    expect(viaGroup).toEqual([
      {
        principalId: robot,
        principalType: "servicePrincipal",
        displayName: "Robot",
        kind: "active",
        directoryScopeId: "/",
        assignmentId: groupAssignment,
      },
      expect.objectContaining({ principalId: kiosk, principalType: "other", kind: "active" }),
      expect.objectContaining({ principalId: robot, principalType: "servicePrincipal", kind: "eligible" }),
      expect.objectContaining({ principalId: kiosk, principalType: "other", kind: "eligible" }),
    ]);
  });

  it.each([
    [
      "AadPremiumLicenseRequired",
      "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.",
    ],
    [
      "PimLicenseRequired",
      "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.",
    ],
    ["PimLicenseRequired", "Unable to complete the request."],
  ])(
    "reports a tenant without the licence PIM needs (%s: %s) as an unsupported eligibility read, saying so",
    async (code, graphMessage) => {
      const { tenant, ids } = roleTenant();
      await using graph = await directoryOverFakeGraph(tenant, {
        faults: [
          {
            // As Graph answers a tenant without Entra ID P2 (maester365/maester#1421).
            match: { route: "roleEligibility.list" },
            effect: {
              kind: "error",
              status: 400,
              code,
              message: graphMessage,
            },
          },
        ],
      });
      const read = await graph.directory.readRoleHolders("Global Administrator");
      expect(read.complete).toBe(false);
      expect(read.failures).toEqual([
        {
          step: "eligible-assignments",
          failure: expect.objectContaining({
            kind: "unsupported",
            status: 400,
            code,
          }),
        },
      ]);
      const message = read.failures[0]?.failure.message ?? "";
      expect(message).toContain("licence");
      expect(message).toContain("Entra ID P2");
      expect(message).not.toContain("Graph rejected the query");
      expect(read.users.map((h) => h.user.id)).toContain(ids.direct);
    },
  );

  it("finds a role by a display name with quotes, sent as a doubled-quote OData literal", async () => {
    const { tenant, ids } = roleTenant();
    await using graph = await directoryOverFakeGraph(tenant);
    const read = await graph.directory.readRoleHolders("O'Brien's Role");
    expect(read.role).toEqual({ id: ids.custom, displayName: "O'Brien's Role" });
    expect(read.users.map((h) => h.user.id)).toEqual([ids.quoted]);
    const lookup = graph.server.requests.find((r) => r.route === "roleDefinitions.list");
    expect(lookup?.query.$filter).toBe("displayName eq 'O''Brien''s Role'");
  });

  it("finds a role by its id, and reports an unknown role as null, not a failure", async () => {
    const { tenant, ids } = roleTenant();
    await using graph = await directoryOverFakeGraph(tenant);
    const byId = await graph.directory.readRoleHolders(GLOBAL_ADMIN.toUpperCase());
    expect(byId.role).toEqual({ id: GLOBAL_ADMIN, displayName: "Global Administrator" });
    expect(byId.users.map((h) => h.user.id)).toContain(ids.direct);
    expect(graph.server.requests[0]?.route).toBe("roleDefinitions.get");

    const unknownId = await graph.directory.readRoleHolders("11111111-2222-3333-4444-555555555555");
    expect(unknownId).toEqual({ role: null, users: [], others: [], complete: true, failures: [] });
    const unknownName = await graph.directory.readRoleHolders("Chief Coffee Officer");
    expect(unknownName).toEqual({ role: null, users: [], others: [], complete: true, failures: [] });
    expect(graph.server.requests.filter((r) => r.route === "roleAssignments.list")).toHaveLength(1);
  });

  it("reports an unreadable group as a group-members failure and keeps every other holder", async () => {
    const { tenant, ids } = roleTenant();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [
        {
          match: { route: "groups.members", objectId: ids.admins },
          effect: { kind: "unavailable", status: 503 },
        },
      ],
    });
    const read = await graph.directory.readRoleHolders("Global Administrator");
    expect(read.complete).toBe(false);
    expect(read.failures).toEqual([
      {
        step: "group-members",
        groupId: ids.admins,
        groupDisplayName: "Tenant admins",
        failure: expect.objectContaining({ kind: "unavailable", status: 503 }),
      },
    ]);
    expect(read.users.some((h) => h.via !== null)).toBe(false);
    expect(read.users.map((h) => h.user.id)).toEqual([ids.direct, ids.twoPaths, ids.scoped, ids.eligible]);
  });

  it("reports each step's 403 as permission-missing with what failed, leaving the permission to core", async () => {
    const { tenant, ids } = roleTenant();
    await using graph = await directoryOverFakeGraph(tenant, { permissions: { roleEligibilityRead: false } });
    const eligible = await graph.directory.readRoleHolders("Global Administrator");
    expect(eligible.complete).toBe(false);
    expect(eligible.failures).toHaveLength(1);
    expect(eligible.failures[0]).toMatchObject({
      step: "eligible-assignments",
      failure: { kind: "permission-missing", status: 403, code: "UnknownError" },
    });
    expect(eligible.failures[0]?.failure.message).toMatch(
      /^Listing eligible assignments .* failed with HTTP 403/,
    );
    // Active holders are still read.
    expect(eligible.users.map((h) => h.kind)).not.toContain("eligible");
    expect(eligible.users.map((h) => h.user.id)).toContain(ids.direct);

    graph.server.configure({ permissions: { roleEligibilityRead: true, groupMemberRead: false } });
    graph.server.addFault({
      match: { route: "roleAssignments.list" },
      effect: { kind: "error", status: 403 },
    });
    const active = await graph.directory.readRoleHolders("Global Administrator");
    expect(active.failures.map((f) => f.step)).toEqual(["active-assignments", "group-members"]);
    expect(active.failures[0]?.failure).toMatchObject({ kind: "permission-missing", status: 403 });
    for (const { failure } of active.failures) {
      // Graph's own words stay; no permission name, no generic next step, one full stop.
      expect(failure.message).not.toMatch(/Read\.(All|Directory)|Grant the app|\.\./);
      expect(failure.message).toMatch(/HTTP 403 Authorization_RequestDenied: .*\.$/);
    }

    graph.server.configure({ permissions: { roleManagementRead: false } });
    const definition = await graph.directory.readRoleHolders("Global Administrator");
    expect(definition).toMatchObject({ role: null, complete: false, users: [] });
    expect(definition.failures[0]).toMatchObject({
      step: "role-definition",
      failure: { kind: "permission-missing", status: 403 },
    });
    expect(definition.failures[0]?.failure.message).toContain("Reading role definition");
  });

  it("follows 3+ pages of assignments and retries a throttled page after its Retry-After", async () => {
    const t = tenantBuilder({ seed: "graph-adapter-role-pages", domain: "contoso.com" });
    const admins = t.users(7, "admin");
    for (const admin of admins) t.assignRole("Global Administrator", admin);
    await using graph = await directoryOverFakeGraph(t.build(), {
      maxPageSize: 2,
      faults: [
        {
          match: { route: "roleAssignments.list", page: 2 },
          effect: {
            kind: "throttled",
            retryAfterSeconds: 0.2,
            retryAfterFormat: "decimal-seconds",
            enforceRetryAfter: true,
          },
          times: 1,
        },
      ],
    });
    const read = await graph.directory.readRoleHolders("Global Administrator");
    expect(read.complete).toBe(true);
    expect(read.users.map((h) => h.user.id)).toEqual(admins);
    const pages = graph.server.requests.filter((r) => r.route === "roleAssignments.list");
    expect(pages.map((r) => [r.page, r.status])).toEqual([
      [1, 200],
      [2, 429],
      [2, 200],
      [3, 200],
      [4, 200],
    ]);
    expect(pages.some((r) => r.retryEarly)).toBe(false);
    expect((pages[2]?.receivedAtMs ?? 0) - (pages[1]?.receivedAtMs ?? 0)).toBeGreaterThanOrEqual(195);
    expect(graph.directory.stats().byEndpoint["GET /roleManagement/directory/roleAssignments"]).toEqual({
      requests: 5,
      retries: 1,
      throttled: 1,
    });
  });

  it("keeps earlier pages when a later page fails, and never follows a nextLink off the Graph host", async () => {
    const t = tenantBuilder({ seed: "graph-adapter-role-links", domain: "contoso.com" });
    const admins = t.users(5, "admin");
    for (const admin of admins) t.assignRole("Global Administrator", admin, { kind: "eligible" });
    await using graph = await directoryOverFakeGraph(t.build(), {
      maxPageSize: 2,
      faults: [
        {
          match: { route: "roleEligibility.list", page: 2 },
          effect: { kind: "next-link", nextLink: "other-host" },
        },
      ],
    });
    const read = await graph.directory.readRoleHolders("Global Administrator");
    expect(read.complete).toBe(false);
    expect(read.failures[0]).toMatchObject({
      step: "eligible-assignments",
      failure: { kind: "bad-response" },
    });
    expect(read.users.map((h) => h.user.id)).toEqual(admins.slice(0, 4));
    expect(graph.server.requests.filter((r) => r.route === "roleEligibility.list")).toHaveLength(2);
  });

  it("rejects with the abort reason, and only then", async () => {
    const { tenant } = roleTenant();
    await using graph = await directoryOverFakeGraph(tenant, {
      faults: [{ match: { route: "groups.members" }, effect: { kind: "latency", delayMs: 2000 } }],
    });
    const controller = new AbortController();
    const reason = new Error("cycle cancelled");
    const pending = graph.directory.readRoleHolders("Global Administrator", { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
    await expect(
      graph.directory.readRoleHolders("Global Administrator", { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it("answers exactly as the in-memory reference reader does, role by role", async () => {
    const { tenant } = roleTenant();
    const fixture = emergencyAccessTenant();
    for (const model of [tenant, fixture.tenant]) {
      await using graph = await directoryOverFakeGraph(model, { maxPageSize: 2 });
      const reference = createInMemoryDirectory(model);
      const roles = [...Object.keys(BUILT_IN_ROLES), "O'Brien's Role", GLOBAL_ADMIN, "No such role"];
      for (const role of roles) {
        expect(await graph.directory.readRoleHolders(role), role).toEqual(
          await reference.readRoleHolders(role),
        );
      }
    }
  });
});
