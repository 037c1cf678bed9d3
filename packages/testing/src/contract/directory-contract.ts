/**
 * The directory contract suite: one set of vitest tests that every `DirectoryReader` implementation must
 * pass (the in-memory reader, the Graph adapter over the fake Graph server), so fake and real cannot drift.
 */
import { describe } from "vitest";
import { describeAbortAndStatsContract } from "./abort-and-stats-contract.js";
import { describeCheckUsersContract } from "./check-users-contract.js";
import type { DirectoryHarness } from "./directory-harness.js";
import { describeProtectedUsersContract } from "./protected-users-contract.js";
import { describeRestrictedUnitsContract } from "./restricted-units-contract.js";
import { describeRoleHoldersContract } from "./role-holders-contract.js";
import { describeUnitChangesContract } from "./unit-changes-contract.js";

/**
 * Registers the contract tests for one implementation. Call it at the top level of a test file.
 *
 * @example
 * describeDirectoryContract("in-memory", {
 *   create: async (tenant, options) => ({
 *     directory: createInMemoryDirectory(tenant, options),
 *     async [Symbol.asyncDispose]() {},
 *   }),
 * });
 */
export function describeDirectoryContract(name: string, harness: DirectoryHarness): void {
  describe(`DirectoryReader contract: ${name}`, () => {
    describeProtectedUsersContract(harness);
    describeRestrictedUnitsContract(harness);
    describeCheckUsersContract(harness);
    describeAbortAndStatsContract(harness);
    // Optional capability: skipped, with a note, for readers without readRoleHolders.
    describeRoleHoldersContract(harness);
    // Optional capability: skipped for readers without readRestrictedUnitChanges.
    describeUnitChangesContract(harness);
  });
}
