/** Contract: cancellation (reject with the signal's reason, never otherwise) and request statistics. */
import type { DirectoryReader } from "@rotation-exclusion/core";
import { describe, expect, it } from "vitest";
import { CONTRACT_PAGE_SIZE, contractTenant } from "./contract-tenant.js";
import type { DirectoryHarness } from "./directory-harness.js";

type Call = (directory: DirectoryReader, signal: AbortSignal) => Promise<unknown>;

const CALLS: Readonly<Record<string, Call>> = {
  readProtectedUsers: (directory, signal) => directory.readProtectedUsers({ signal }),
  readRestrictedUnits: (directory, signal) => directory.readRestrictedUnits({ signal }),
  checkUsers: (directory, signal) =>
    directory.checkUsers(
      Array.from({ length: 5 }, () => ({ userPrincipalName: "o'brien@contoso.com" })),
      { signal },
    ),
};

/** Registers the abort and statistics part of the contract. */
export function describeAbortAndStatsContract(harness: DirectoryHarness): void {
  describe("cancellation", () => {
    for (const [name, call] of Object.entries(CALLS)) {
      it(`${name} rejects with the reason of an already-aborted signal`, async () => {
        await using under = await harness.create(contractTenant().tenant);
        const reason = new Error("cycle cancelled before it started");
        await expect(call(under.directory, AbortSignal.abort(reason))).rejects.toBe(reason);
      });

      it(`${name} rejects with the reason when the signal aborts during the call`, async () => {
        await using under = await harness.create(contractTenant().tenant, { pageSize: CONTRACT_PAGE_SIZE });
        const controller = new AbortController();
        const reason = new Error("cycle deadline reached");
        const pending = call(under.directory, controller.signal);
        controller.abort(reason);
        await expect(pending).rejects.toBe(reason);
      });

      it(`${name} resolves when its signal never aborts`, async () => {
        await using under = await harness.create(contractTenant().tenant, { pageSize: CONTRACT_PAGE_SIZE });
        await expect(call(under.directory, new AbortController().signal)).resolves.toBeDefined();
      });
    }
  });

  describe("stats", () => {
    it("counts at least one request per page, with no retries or throttling on a healthy directory", async () => {
      const fixture = contractTenant();
      await using under = await harness.create(fixture.tenant, { pageSize: CONTRACT_PAGE_SIZE });
      expect(under.directory.stats).toBeTypeOf("function");
      const before = under.directory.stats?.().requests ?? Number.NaN;
      await under.directory.readProtectedUsers();
      const after = under.directory.stats?.();
      const pages = Math.ceil(fixture.protectedUsers.length / CONTRACT_PAGE_SIZE);
      expect((after?.requests ?? 0) - before).toBeGreaterThanOrEqual(pages);
      expect(after?.retries).toBe(0);
      expect(after?.throttled).toBe(0);
      await under.directory.readRestrictedUnits();
      // Unit pages plus at least one member page per restricted unit.
      const minimum =
        Math.ceil(fixture.restrictedUnits.length / CONTRACT_PAGE_SIZE) + fixture.restrictedUnits.length;
      expect((under.directory.stats?.().requests ?? 0) - (after?.requests ?? 0)).toBeGreaterThanOrEqual(
        minimum,
      );
    });

    it("counts throttled answers", async () => {
      await using under = await harness.create(contractTenant().tenant, {
        faults: [{ operation: "protected-users", kind: "throttled" }],
      });
      await under.directory.readProtectedUsers();
      expect(under.directory.stats?.().throttled).toBeGreaterThanOrEqual(1);
    });
  });
}
