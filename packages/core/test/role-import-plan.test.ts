/** planRoleImport: merging paths, verdicts per user, import decisions, findings, input checks, abort. */
import { isRotationExclusionError, ROTATION_EXCLUSION_ACTOR } from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { guid } from "./directory-fixture.js";
import {
  ALICE,
  BOB,
  CAROL,
  createFixture,
  DAVE,
  ERIN,
  ORDINARY_UNIT,
  PUBLIC_UNIT,
  TENANT_ID,
} from "./guard-fixture.js";
import { AUTOMATION, accountOf, GLOBAL_ADMIN, HELPDESK, ROLE_GROUP, roleTenant } from "./role-fixture.js";

describe("planRoleImport", () => {
  test("merges every path per user and decides each user's verdict and import", async () => {
    const f = createFixture({ tenant: roleTenant() });
    const plan = await f.guard.planRoleImport({ roles: ["Global Administrator", HELPDESK] });
    expect(plan).toMatchObject({
      tenantId: TENANT_ID,
      complete: true,
      createdAt: new Date(f.now()).toISOString(),
    });
    expect(plan.roles).toEqual([
      {
        requested: "Global Administrator",
        role: { id: GLOBAL_ADMIN, displayName: "Global Administrator" },
        complete: true,
        failures: [],
      },
      {
        requested: HELPDESK,
        role: { id: HELPDESK, displayName: "Helpdesk Administrator" },
        complete: true,
        failures: [],
      },
    ]);
    expect(plan.accounts.map((account) => account.objectId)).toEqual([ALICE, CAROL, BOB]);

    const alice = accountOf(plan, ALICE);
    expect(alice.paths.map((p) => [p.roleDisplayName, p.kind, p.via?.groupId ?? null])).toEqual([
      ["Global Administrator", "active", null],
      ["Global Administrator", "active", ROLE_GROUP],
      ["Helpdesk Administrator", "eligible", null],
    ]);
    expect(alice.verdict).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
      unitIds: [PUBLIC_UNIT],
    });
    expect(alice.importAs).toMatchObject({
      autoRotate: false,
      record: {
        kind: "exclusion",
        changedBy: ROTATION_EXCLUSION_ACTOR,
        reasonCode: "restricted-flag",
        unitIds: [PUBLIC_UNIT],
        changedAt: new Date(f.now()).toISOString(),
      },
    });
    expect(alice.importAs.record?.evidence.map((e) => e.kind)).toEqual(["restricted-flag", "unit-member"]);

    // A group in a restricted unit protects none of its members.
    expect(accountOf(plan, CAROL)).toMatchObject({
      verdict: { status: "not-protected" },
      importAs: { autoRotate: true, record: null },
    });
    const bob = accountOf(plan, BOB);
    expect(bob.importAs).toEqual({ autoRotate: true, record: null });
    expect(bob.paths.map((p) => [p.kind, p.scope, p.unitId])).toEqual([
      ["eligible", "tenant", null],
      ["active", "administrativeUnit", ORDINARY_UNIT],
    ]);
    expect(plan.others).toEqual([
      {
        principalId: AUTOMATION,
        principalType: "servicePrincipal",
        displayName: "Provisioning automation",
        paths: [
          expect.objectContaining({ roleId: GLOBAL_ADMIN, kind: "active", via: null, scope: "tenant" }),
        ],
      },
    ]);
    expect(plan.findings.map((finding) => [finding.code, finding.objectId])).toContainEqual([
      "ROLE_HELD_BY_SERVICE_PRINCIPAL",
      AUTOMATION,
    ]);
    expect(f.store.writes).toEqual([]);
    expect(f.store.adds).toEqual([]);
  });

  test("a role named twice (by name and by id, any case) is read once and yields one path per assignment", async () => {
    const f = createFixture({ tenant: roleTenant() });
    const plan = await f.guard.planRoleImport({
      roles: ["Global Administrator", "global administrator", GLOBAL_ADMIN.toUpperCase()],
    });
    expect(f.directory.calls.roleHolders).toEqual(["Global Administrator", GLOBAL_ADMIN.toUpperCase()]);
    expect(plan.roles).toHaveLength(2);
    expect(accountOf(plan, ALICE).paths).toHaveLength(2);
  });

  test("an unknown role is a ROLE_NOT_FOUND finding with role null; the plan stays complete", async () => {
    const f = createFixture({ tenant: roleTenant() });
    const plan = await f.guard.planRoleImport({ roles: ["Chief Coffee Officer"] });
    expect(plan.roles).toEqual([
      { requested: "Chief Coffee Officer", role: null, complete: true, failures: [] },
    ]);
    expect(plan.complete).toBe(true);
    expect(plan.accounts).toEqual([]);
    expect(plan.findings.filter((finding) => finding.code.startsWith("ROLE_"))).toEqual([
      expect.objectContaining({
        code: "ROLE_NOT_FOUND",
        severity: "warning",
        message: expect.stringContaining('"Chief Coffee Officer"'),
      }),
    ]);
  });

  test("failed steps become findings naming the likely missing permission, and the plan is incomplete", async () => {
    const tenant = roleTenant();
    const denied = (message: string) => ({ kind: "permission-missing" as const, status: 403, message });
    const ga = tenant.roles?.[0];
    if (ga) {
      ga.failures = [
        {
          step: "group-members",
          groupId: ROLE_GROUP,
          groupDisplayName: "Tenant admins",
          failure: denied("group"),
        },
        { step: "eligible-assignments", failure: denied("eligible") },
        { step: "active-assignments", failure: { kind: "throttled", status: 429, message: "slow down" } },
      ];
    }
    const f = createFixture({ tenant });
    const plan = await f.guard.planRoleImport({ roles: ["Global Administrator"] });
    expect(plan.complete).toBe(false);
    expect(plan.roles[0]?.complete).toBe(false);
    const roleFindings = plan.findings.filter((finding) => finding.code.startsWith("ROLE_"));
    expect(roleFindings.map((finding) => [finding.code, finding.severity, finding.roleId])).toEqual([
      ["ROLE_GROUP_UNREADABLE", "error", GLOBAL_ADMIN],
      ["ROLE_ELIGIBILITY_UNREADABLE", "error", GLOBAL_ADMIN],
      ["ROLE_ASSIGNMENTS_UNREADABLE", "error", GLOBAL_ADMIN],
      // No ROLE_HELD_BY_SERVICE_PRINCIPAL: its active assignment is among those that could not be read.
    ]);
    expect(roleFindings[0]?.objectId).toBe(ROLE_GROUP);
    expect(roleFindings[0]?.message).toMatch(/"Tenant admins".*GroupMember\.Read\.All/);
    expect(roleFindings[1]?.message).toContain("RoleEligibilitySchedule.Read.Directory");
    expect(roleFindings[2]?.message).toContain("RoleManagement.Read.Directory");
    expect(roleFindings[2]?.message).toContain("again later");
  });

  test("an eligibility read the tenant cannot serve (no P2 licence) does not blame a permission", async () => {
    const tenant = roleTenant();
    const ga = tenant.roles?.[0];
    if (ga) {
      ga.failures = [
        {
          step: "eligible-assignments",
          failure: { kind: "unsupported", status: 400, message: "the tenant lacks an Entra ID P2 licence" },
        },
      ];
    }
    const f = createFixture({ tenant });
    const plan = await f.guard.planRoleImport({ roles: ["Global Administrator"] });
    const finding = plan.findings.find((candidate) => candidate.code === "ROLE_ELIGIBILITY_UNREADABLE");
    expect(plan.complete).toBe(false);
    expect(finding?.message).toContain("P2 licence");
    expect(finding?.message).toContain("retrying will not change it");
    expect(finding?.message).not.toContain("RoleEligibilitySchedule.Read.Directory");
  });

  test("users the snapshot cannot decide get ONE batched fresh check; a failed check parks them as pending", async () => {
    const f = createFixture({
      tenant: roleTenant(),
      faults: { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } },
    });
    const decided = await f.guard.planRoleImport({
      roles: ["Global Administrator", "Helpdesk Administrator"],
    });
    expect(f.directory.calls.checkUsers).toBe(1);
    expect(f.directory.calls.checkedRefs).toBe(2); // Carol and Bob; Alice is listed by a readable unit
    expect(accountOf(decided, BOB).verdict).toMatchObject({
      status: "not-protected",
      reasonCode: "not-restricted",
    });
    expect(accountOf(decided, ALICE).verdict).toMatchObject({
      status: "protected",
      reasonCode: "unit-member",
    });

    f.directory.faults.checkUsers = "throttled";
    f.advance(600_000);
    const parked = await f.guard.planRoleImport({ roles: ["Global Administrator"] });
    expect(accountOf(parked, BOB)).toMatchObject({
      verdict: { status: "unknown", reasonCode: "throttled" },
      importAs: {
        autoRotate: false,
        record: { kind: "pendingVerification", changedBy: ROTATION_EXCLUSION_ACTOR, reasonCode: "throttled" },
      },
    });
    expect(accountOf(parked, ALICE).importAs.autoRotate).toBe(false);
    expect(parked.findings.map((finding) => finding.code)).toContain("PROTECTED_SET_INCOMPLETE");
    expect(parked.complete).toBe(true); // the role reads were complete; the verdicts say the rest
  });

  test("a reader that throws makes that role incomplete, never empty-and-complete", async () => {
    const f = createFixture({ tenant: roleTenant() });
    const original = f.directory.reader.readRoleHolders?.bind(f.directory.reader);
    f.directory.reader.readRoleHolders = async (role, options) => {
      if (role === "Helpdesk Administrator") throw new Error("socket hang up");
      return (original as NonNullable<typeof original>)(role, options);
    };
    const plan = await f.guard.planRoleImport({ roles: ["Global Administrator", "Helpdesk Administrator"] });
    expect(plan.complete).toBe(false);
    expect(plan.roles[1]).toMatchObject({
      role: null,
      complete: false,
      failures: [{ step: "role-definition", failure: { kind: "unavailable" } }],
    });
    expect(plan.findings.map((finding) => finding.code)).toContain("ROLE_ASSIGNMENTS_UNREADABLE");
    expect(plan.findings.map((finding) => finding.code)).not.toContain("ROLE_NOT_FOUND");
  });

  test("a directory without readRoleHolders is an unsupported error naming the capability", async () => {
    const f = createFixture({ tenant: roleTenant() });
    delete (f.directory.reader as { readRoleHolders?: unknown }).readRoleHolders;
    const error = await f.guard.planRoleImport({ roles: ["Global Administrator"] }).catch((e: unknown) => e);
    expect(isRotationExclusionError(error)).toBe(true);
    expect(error).toMatchObject({ code: "unsupported", message: expect.stringContaining("readRoleHolders") });
  });

  test.each([
    ["no roles", []],
    ["not an array", "Global Administrator"],
    ["an empty name", [""]],
    ["a blank name", ["   "]],
    ["a name over 256 characters", ["x".repeat(257)]],
    ["control characters", ["Global\u0000Administrator"]],
    ["a non-string", [42]],
  ])("rejects %s with invalid-input, reading nothing", async (_, roles) => {
    const f = createFixture({ tenant: roleTenant() });
    const error = await f.guard.planRoleImport({ roles: roles as string[] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid-input" });
    expect(f.directory.calls.roleHolders).toEqual([]);
  });

  test("accepts a 256-character name and a name with quotes, passed to the reader as is", async () => {
    const f = createFixture({ tenant: roleTenant() });
    await f.guard.planRoleImport({ roles: ["y".repeat(256), "O'Brien's Role"] });
    expect(f.directory.calls.roleHolders).toEqual(["y".repeat(256), "O'Brien's Role"]);
  });

  test("rejects with the signal's reason when aborted", async () => {
    const f = createFixture({ tenant: roleTenant() });
    const reason = new Error("cycle cancelled");
    await expect(
      f.guard.planRoleImport({ roles: ["Global Administrator"], signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    let release = () => {};
    f.directory.faults.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const controller = new AbortController();
    const pending = f.guard.planRoleImport({ roles: ["Global Administrator"], signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    release();
  });

  test("hidden-unit and public-unit members are protected whichever role they hold", async () => {
    const tenant = roleTenant();
    tenant.roles?.push({
      id: guid(500),
      displayName: "O'Brien's Role",
      holders: [{ principalId: DAVE }, { principalId: ERIN, kind: "eligible" }],
    });
    const f = createFixture({ tenant });
    const plan = await f.guard.planRoleImport({ roles: ["O'Brien's Role"] });
    expect(plan.accounts.map((account) => [account.objectId, account.importAs.autoRotate])).toEqual([
      [DAVE, false],
      [ERIN, false],
    ]);
  });
});
