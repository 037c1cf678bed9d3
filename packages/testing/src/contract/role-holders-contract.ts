/**
 * Contract: `readRoleHolders` (the optional role-holder read behind "import every Global Administrator").
 * Readers without the method skip this part, each test saying why.
 */
import type { DirectoryReader } from "@rotation-exclusion/core";
import type { RoleHoldersRead } from "@rotation-exclusion/core/ports";
import { describe, expect, it, type TestContext } from "vitest";
import { EXPECTED_FAILURE_KINDS, sortedIds } from "./contract-support.js";
import type { DirectoryHarness, DirectoryHarnessOptions } from "./directory-harness.js";
import { type RoleContractTenant, roleContractTenant } from "./role-contract-tenant.js";

const SKIP_NOTE = "the reader has no readRoleHolders (optional): role-holder contract not applicable";
const UNKNOWN_ROLE_ID = "00000000-0000-4000-8000-0000000000ff";

type ReadRoleHolders = (role: string, options?: { signal?: AbortSignal }) => Promise<RoleHoldersRead>;

/** Sets the reader up and returns its readRoleHolders; skips the test when it has none. */
async function setUp(
  harness: DirectoryHarness,
  context: TestContext,
  fixture: RoleContractTenant,
  options: DirectoryHarnessOptions = {},
): Promise<{ read: ReadRoleHolders } & AsyncDisposable> {
  const under = await harness.create(fixture.tenant, options);
  const directory: DirectoryReader = under.directory;
  const method = directory.readRoleHolders;
  if (typeof method !== "function") {
    await under[Symbol.asyncDispose]();
    context.skip(SKIP_NOTE);
    throw new Error(SKIP_NOTE); // not reached: skip() throws
  }
  return {
    read: (role, readOptions) => method.call(directory, role, readOptions),
    [Symbol.asyncDispose]: () => under[Symbol.asyncDispose](),
  };
}

/** One line per (user, path), order-insensitive. */
function userPaths(read: RoleHoldersRead): string[] {
  return read.users
    .map((h) => [h.user.id, h.kind, h.via?.groupId ?? "direct", h.directoryScopeId].join(" "))
    .sort();
}

const path = (userId: string, kind: string, via: string | null, scope = "/") =>
  [userId, kind, via ?? "direct", scope].join(" ");

/** Registers the role-holder part of the contract. */
export function describeRoleHoldersContract(harness: DirectoryHarness): void {
  describe("readRoleHolders", () => {
    it("lists active and eligible holders, expanding role-assignable groups and remembering the group", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f);
      const read = await under.read("Global Administrator");
      expect(read.role).toEqual({ id: f.globalAdmin, displayName: "Global Administrator" });
      expect(read.complete).toBe(true);
      expect(read.failures).toEqual([]);
      expect(userPaths(read)).toEqual(
        [
          path(f.directAdmin, "active", null),
          path(f.eligibleAdmin, "eligible", null),
          path(f.twoPathAdmin, "active", null),
          ...f.adminGroupMembers.map((id) => path(id, "active", f.adminGroup)),
          path(f.onCallMember, "eligible", f.onCallGroup),
        ].sort(),
      );
      const viaGroup = read.users.find((h) => h.via?.groupId === f.adminGroup);
      expect(viaGroup?.via?.groupDisplayName).toBe("Tenant admins");
    });

    it("names each user with id, UPN and display name, and every path with an assignment id", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f);
      const read = await under.read("Global Administrator");
      const model = f.tenant.users.get(f.directAdmin);
      expect(read.users.find((h) => h.user.id === f.directAdmin)?.user).toEqual({
        id: f.directAdmin,
        userPrincipalName: model?.userPrincipalName,
        displayName: model?.displayName,
      });
      for (const holder of [...read.users, ...read.others]) {
        expect(holder.assignmentId).toBeTypeOf("string");
        expect(holder.assignmentId.length).toBeGreaterThan(0);
      }
      // Members of one group share its assignment; the direct path of the same user is another one.
      const groupPaths = read.users.filter((h) => h.via?.groupId === f.adminGroup);
      expect(new Set(groupPaths.map((h) => h.assignmentId)).size).toBe(1);
      const twoPaths = read.users.filter((h) => h.user.id === f.twoPathAdmin);
      expect(twoPaths).toHaveLength(2);
      expect(twoPaths[0]?.assignmentId).not.toBe(twoPaths[1]?.assignmentId);
    });

    it("reports service principals in others, never among users", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f);
      const read = await under.read("Global Administrator");
      expect(read.others).toEqual([
        expect.objectContaining({
          principalId: f.automation,
          principalType: "servicePrincipal",
          displayName: "Provisioning automation",
          kind: "active",
          directoryScopeId: "/",
        }),
      ]);
      expect(read.users.map((h) => h.user.id)).not.toContain(f.automation);
    });

    it("reports a non-user member of a role-assignable group in others, never among users", async (context) => {
      const f = roleContractTenant();
      f.tenant.groups.get(f.adminGroup)?.memberIds.push(f.automation);
      await using under = await setUp(harness, context, f);
      const read = await under.read("Global Administrator");
      const automation = read.others.filter((holder) => holder.principalId === f.automation);
      // Once for its direct assignment, once through the group.
      expect(automation).toHaveLength(2);
      expect(automation.every((holder) => holder.principalType === "servicePrincipal")).toBe(true);
      expect(read.users.map((h) => h.user.id)).not.toContain(f.automation);
      expect(read.complete).toBe(true);
    });

    it("tells unit-scoped assignments apart from tenant-wide ones", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f);
      const read = await under.read("Helpdesk Administrator");
      expect(read.role?.id).toBe(f.helpdeskAdmin);
      expect(userPaths(read)).toEqual(
        [
          path(f.scopedHelpdesk, "active", null, `/administrativeUnits/${f.branchUnit}`),
          path(f.tenantHelpdesk, "active", null, "/"),
        ].sort(),
      );
    });

    it("finds a role by role template id, and a custom role by a display name with quotes", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f);
      const byId = await under.read(f.helpdeskAdmin);
      expect(byId.role).toEqual({ id: f.helpdeskAdmin, displayName: "Helpdesk Administrator" });
      expect(sortedIds(byId.users.map((h) => h.user.id))).toEqual(
        sortedIds([f.scopedHelpdesk, f.tenantHelpdesk]),
      );
      const custom = await under.read("O'Brien's Role");
      expect(custom).toMatchObject({
        role: { id: f.customRole, displayName: "O'Brien's Role" },
        complete: true,
        failures: [],
      });
      expect(custom.users.map((h) => h.user.userPrincipalName)).toEqual(["o'brien@contoso.com"]);
      const customById = await under.read(f.customRole);
      expect(customById.users.map((h) => h.user.id)).toEqual([f.obrien]);
    });

    for (const [label, role] of [
      ["display name", "Chief Coffee Officer"],
      ["id", UNKNOWN_ROLE_ID],
      ["hostile name", "x' or displayName ne '"],
    ] as const) {
      it(`answers role null, complete, for an unknown role (by ${label})`, async (context) => {
        await using under = await setUp(harness, context, roleContractTenant());
        expect(await under.read(role)).toEqual({
          role: null,
          users: [],
          others: [],
          complete: true,
          failures: [],
        });
      });
    }

    for (const kind of ["forbidden", "throttled", "server-error"] as const) {
      it(`reports an unreadable role group (${kind}): its members missing, the rest kept, incomplete`, async (context) => {
        const f = roleContractTenant();
        await using under = await setUp(harness, context, f, {
          faults: [{ operation: "group-members", groupId: f.adminGroup, kind }],
        });
        const read = await under.read("Global Administrator");
        expect(read.complete).toBe(false);
        expect(read.failures).toHaveLength(1);
        const [failure] = read.failures;
        expect(failure).toMatchObject({
          step: "group-members",
          groupId: f.adminGroup,
          groupDisplayName: "Tenant admins",
        });
        expect(EXPECTED_FAILURE_KINDS[kind]).toContain(failure?.failure.kind);
        expect(userPaths(read)).toEqual(
          [
            path(f.directAdmin, "active", null),
            path(f.eligibleAdmin, "eligible", null),
            path(f.twoPathAdmin, "active", null),
            path(f.onCallMember, "eligible", f.onCallGroup),
          ].sort(),
        );
      });
    }

    it("reports missing permission for active assignments, keeping the eligible holders", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f, {
        faults: [{ operation: "role-assignments", kind: "forbidden" }],
      });
      const read = await under.read("Global Administrator");
      expect(read.role?.id).toBe(f.globalAdmin);
      expect(read.complete).toBe(false);
      expect(read.failures.map((entry) => [entry.step, entry.failure.kind])).toEqual([
        ["active-assignments", "permission-missing"],
      ]);
      expect(userPaths(read)).toEqual(
        [path(f.eligibleAdmin, "eligible", null), path(f.onCallMember, "eligible", f.onCallGroup)].sort(),
      );
      expect(read.others).toEqual([]);
    });

    it("reports missing permission for eligible assignments, keeping the active holders", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f, {
        faults: [{ operation: "role-eligibility", kind: "forbidden" }],
      });
      const read = await under.read("Global Administrator");
      expect(read.complete).toBe(false);
      expect(read.failures.map((entry) => [entry.step, entry.failure.kind])).toEqual([
        ["eligible-assignments", "permission-missing"],
      ]);
      expect(read.users.some((h) => h.kind === "eligible")).toBe(false);
      expect(sortedIds(new Set(read.users.map((h) => h.user.id)))).toEqual(
        sortedIds([
          f.directAdmin,
          f.twoPathAdmin,
          ...f.adminGroupMembers.filter((id) => id !== f.twoPathAdmin),
        ]),
      );
      expect(read.others.map((other) => other.principalId)).toEqual([f.automation]);
    });

    it("reports an unreadable role definition as a failed step, never as an unknown role", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f, {
        faults: [{ operation: "role-definition", kind: "forbidden" }],
      });
      const read = await under.read("Global Administrator");
      expect(read).toMatchObject({ role: null, users: [], others: [], complete: false });
      expect(read.failures.map((entry) => [entry.step, entry.failure.kind])).toEqual([
        ["role-definition", "permission-missing"],
      ]);
    });

    it("rejects with the signal's reason when aborted before or during the read", async (context) => {
      const f = roleContractTenant();
      await using under = await setUp(harness, context, f);
      const before = new Error("cycle cancelled before it started");
      await expect(under.read("Global Administrator", { signal: AbortSignal.abort(before) })).rejects.toBe(
        before,
      );
      const controller = new AbortController();
      const during = new Error("cycle deadline reached");
      const pending = under.read("Global Administrator", { signal: controller.signal });
      controller.abort(during);
      await expect(pending).rejects.toBe(during);
      await expect(
        under.read("Global Administrator", { signal: new AbortController().signal }),
      ).resolves.toMatchObject({
        complete: true,
      });
    });
  });
}
