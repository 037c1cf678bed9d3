/** Contract: `readProtectedUsers` (the primary signal: users with `isManagementRestricted eq true`). */
import { describe, expect, it } from "vitest";
import { EXPECTED_FAILURE_KINDS, sortedIds } from "./contract-support.js";
import { CONTRACT_PAGE_SIZE, contractTenant } from "./contract-tenant.js";
import type { DirectoryHarness } from "./directory-harness.js";

/** Registers the protected-users part of the contract. */
export function describeProtectedUsersContract(harness: DirectoryHarness): void {
  describe("readProtectedUsers", () => {
    it("lists exactly the direct members of restricted units, never members through a group or of an ordinary unit", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const read = await under.directory.readProtectedUsers();
      expect(read.primarySignal).toBe("available");
      expect(read.complete).toBe(true);
      expect(read.failure).toBeUndefined();
      expect(sortedIds(read.users.map((user) => user.id))).toEqual(sortedIds(fixture.protectedUsers));
      const ids = new Set(read.users.map((user) => user.id));
      for (const id of [...fixture.groupMembers, fixture.ordinaryUnitMember, fixture.nullFlagUser]) {
        expect(ids.has(id)).toBe(false);
      }
    });

    it("names each user with id, UPN and display name", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const read = await under.directory.readProtectedUsers();
      const ceo = read.users.find((user) => user.id === fixture.hiddenMember);
      const model = fixture.tenant.users.get(fixture.hiddenMember);
      expect(ceo).toEqual({
        id: model?.id,
        userPrincipalName: model?.userPrincipalName,
        displayName: model?.displayName,
      });
    });

    it("follows every page (3+ pages at a small page size)", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, { pageSize: CONTRACT_PAGE_SIZE });
      const read = await under.directory.readProtectedUsers();
      expect(read.complete).toBe(true);
      expect(read.users).toHaveLength(fixture.protectedUsers.length);
      expect(sortedIds(read.users.map((user) => user.id))).toEqual(sortedIds(fixture.protectedUsers));
    });

    it("sees a user moved into a restricted unit on the next read", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant);
      const mover = fixture.ordinaryUsers[0] as string;
      expect((await under.directory.readProtectedUsers()).users.map((user) => user.id)).not.toContain(mover);
      fixture.tenant.units.get(fixture.emergencyUnit)?.memberIds.push(mover);
      expect((await under.directory.readProtectedUsers()).users.map((user) => user.id)).toContain(mover);
    });

    for (const page of [2, 3]) {
      it(`keeps the users of pages before a failure on page ${page}`, async () => {
        const fixture = contractTenant();
        await using under = await harness.create(fixture.tenant, {
          pageSize: CONTRACT_PAGE_SIZE,
          faults: [{ operation: "protected-users", kind: "throttled", page }],
        });
        const read = await under.directory.readProtectedUsers();
        expect(read.primarySignal).toBe("available");
        expect(read.complete).toBe(false);
        expect(read.failure?.kind).toBe("throttled");
        expect(read.users).toHaveLength(CONTRACT_PAGE_SIZE * (page - 1));
        for (const user of read.users) expect(fixture.protectedUsers).toContain(user.id);
        expect(new Set(read.users.map((user) => user.id)).size).toBe(read.users.length);
      });
    }

    for (const kind of ["unsupported", "forbidden"] as const) {
      it(`reports primarySignal "${kind}" when page 1 answers ${kind}`, async () => {
        const fixture = contractTenant();
        await using under = await harness.create(fixture.tenant, {
          faults: [{ operation: "protected-users", kind }],
        });
        const read = await under.directory.readProtectedUsers();
        expect(read.primarySignal).toBe(kind);
        expect(read.users).toEqual([]);
        expect(read.complete).toBe(false);
        expect(EXPECTED_FAILURE_KINDS[kind]).toContain(read.failure?.kind);
      });
    }

    for (const kind of ["throttled", "server-error", "network", "bad-response", "unauthorized"] as const) {
      it(`maps a persistent ${kind} fault on page 1 to its failure kind and keeps primarySignal "available"`, async () => {
        const fixture = contractTenant();
        await using under = await harness.create(fixture.tenant, {
          faults: [{ operation: "protected-users", kind }],
        });
        const read = await under.directory.readProtectedUsers();
        expect(read.primarySignal).toBe("available");
        expect(read.complete).toBe(false);
        expect(read.users).toEqual([]);
        expect(EXPECTED_FAILURE_KINDS[kind]).toContain(read.failure?.kind);
        expect(read.failure?.message).toBeTruthy();
      });
    }
  });
}
