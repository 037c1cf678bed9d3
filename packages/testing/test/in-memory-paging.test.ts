import { createInMemoryDirectory, largeTenant } from "@rotation-exclusion/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("in-memory paging (property)", () => {
  it("keeps exactly the pages before a failing page, in order, and reads everything without a fault", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        async (protectedCount, pageSize, failingPage) => {
          const { tenant, ids } = largeTenant({
            users: 60,
            restrictedUnits: 3,
            protectedUsers: protectedCount,
            seed: "paging",
          });
          const healthy = await createInMemoryDirectory(tenant, { pageSize }).readProtectedUsers();
          expect(healthy.complete).toBe(true);
          expect(healthy.users.map((user) => user.id)).toEqual(ids.protectedUsers);

          const faulty = await createInMemoryDirectory(tenant, {
            pageSize,
            faults: [{ operation: "protected-users", kind: "server-error", page: failingPage }],
          }).readProtectedUsers();
          const pages = Math.max(1, Math.ceil(protectedCount / pageSize));
          if (failingPage > pages) {
            expect(faulty).toEqual(healthy);
          } else {
            expect(faulty.complete).toBe(false);
            expect(faulty.failure?.kind).toBe("unavailable");
            expect(faulty.users.map((user) => user.id)).toEqual(
              ids.protectedUsers.slice(0, (failingPage - 1) * pageSize),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
