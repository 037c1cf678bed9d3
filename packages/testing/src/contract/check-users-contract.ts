/** Contract: `checkUsers` (one fresh per-account check, by id or by UPN). */
import type { UserCheck } from "@rotation-exclusion/core/ports";
import { describe, expect, it } from "vitest";
import { EXPECTED_FAILURE_KINDS, TRANSPORT_FAULTS } from "./contract-support.js";
import { contractTenant } from "./contract-tenant.js";
import type { DirectoryHarness } from "./directory-harness.js";

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

function found(check: UserCheck | undefined): Extract<UserCheck, { outcome: "found" }> {
  if (check?.outcome !== "found") throw new Error(`Expected a found user, got ${JSON.stringify(check)}.`);
  return check;
}

/** Registers the per-user check part of the contract. */
export function describeCheckUsersContract(harness: DirectoryHarness): void {
  describe("checkUsers", () => {
    it("answers by id with the user and its restricted flag, one answer per ref in order", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const [protectedId, groupMember, ordinary] = [
        fixture.breakGlass[0] as string,
        fixture.groupMembers[0] as string,
        fixture.ordinaryUnitMember,
      ];
      const checks = await under.directory.checkUsers([
        { id: protectedId },
        { id: groupMember },
        { id: ordinary },
      ]);
      expect(checks).toHaveLength(3);
      const model = fixture.tenant.users.get(protectedId);
      expect(found(checks[0])).toEqual({
        outcome: "found",
        user: {
          id: protectedId,
          userPrincipalName: model?.userPrincipalName,
          displayName: model?.displayName,
        },
        isManagementRestricted: true,
      });
      expect(found(checks[1]).user.id).toBe(groupMember);
      expect(found(checks[1]).isManagementRestricted).toBe(false);
      expect(found(checks[2]).isManagementRestricted).toBe(false);
    });

    it("resolves UPN-only refs to object ids (case-insensitively, as Entra does)", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const hidden = fixture.tenant.users.get(fixture.hiddenMember);
      const staff = fixture.tenant.users.get(fixture.ordinaryUsers[0] as string);
      const checks = await under.directory.checkUsers([
        { userPrincipalName: hidden?.userPrincipalName ?? "" },
        { userPrincipalName: (staff?.userPrincipalName ?? "").toUpperCase() },
      ]);
      expect(found(checks[0])).toMatchObject({
        user: { id: fixture.hiddenMember },
        isManagementRestricted: true,
      });
      expect(found(checks[1])).toMatchObject({ user: { id: staff?.id }, isManagementRestricted: false });
    });

    it("answers not-found for unknown ids and UPNs without failing the others", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const checks = await under.directory.checkUsers([
        { id: UNKNOWN_ID },
        { userPrincipalName: "nobody@contoso.com" },
        { id: fixture.dynamicMember },
      ]);
      expect(checks.map((check) => check.outcome)).toEqual(["failed", "failed", "found"]);
      for (const check of checks.slice(0, 2)) {
        expect(check.outcome === "failed" && check.failure.kind).toBe("not-found");
      }
    });

    it("looks hostile UPNs up literally, never as query text", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const breakGlassUpn =
        fixture.tenant.users.get(fixture.breakGlass[0] as string)?.userPrincipalName ?? "";
      const checks = await under.directory.checkUsers([
        { userPrincipalName: "o'brien@contoso.com" },
        { userPrincipalName: "' or 1 eq 1" },
        { userPrincipalName: `x' or userPrincipalName eq '${breakGlassUpn}` },
        { userPrincipalName: "a/b?c#d@contoso.com" },
      ]);
      expect(found(checks[0])).toMatchObject({
        user: { id: fixture.obrien, userPrincipalName: "o'brien@contoso.com" },
      });
      expect(found(checks[0]).isManagementRestricted).toBe(false);
      for (const check of checks.slice(1)) {
        expect(check.outcome === "failed" && check.failure.kind).toBe("not-found");
      }
    });

    it("reads Graph's null isManagementRestricted as false", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const [check] = await under.directory.checkUsers([{ id: fixture.nullFlagUser }]);
      expect(found(check).isManagementRestricted).toBe(false);
    });

    it('reports isManagementRestricted "unavailable" where the cloud does not support the property', async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, {
        faults: [{ operation: "protected-users", kind: "unsupported" }],
      });
      const checks = await under.directory.checkUsers([
        { id: fixture.breakGlass[0] as string },
        { id: fixture.obrien },
      ]);
      expect(found(checks[0]).isManagementRestricted).toBe("unavailable");
      expect(found(checks[1]).isManagementRestricted).toBe("unavailable");
    });

    it("answers an empty list with an empty list", async () => {
      await using under = await harness.create(contractTenant().tenant);
      expect(await under.directory.checkUsers([])).toEqual([]);
    });

    for (const kind of [...TRANSPORT_FAULTS, "not-found"] as const) {
      it(`maps a persistent ${kind} fault on one user to that user's failure only`, async () => {
        const fixture = contractTenant();
        const victim = fixture.breakGlass[1] as string;
        await using under = await harness.create(fixture.tenant, {
          faults: [{ operation: "user-check", userId: victim, kind }],
        });
        const checks = await under.directory.checkUsers([
          { id: fixture.breakGlass[0] as string },
          { id: victim },
        ]);
        expect(found(checks[0]).isManagementRestricted).toBe(true);
        const failed = checks[1];
        expect(failed?.outcome).toBe("failed");
        expect(EXPECTED_FAILURE_KINDS[kind]).toContain(
          failed?.outcome === "failed" ? failed.failure.kind : undefined,
        );
      });
    }
  });
}
