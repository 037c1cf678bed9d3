/**
 * The public API of `@rotation-exclusion/testing/contract`: the directory and account store contract suites. It lives on its
 * own subpath because it registers vitest tests and so imports `vitest`, an optional peer dependency; the
 * main entry stays usable from any test runner (or none) without vitest installed.
 */

export { describeDirectoryContract } from "./directory-contract.js";
export type {
  ContractFault,
  ContractFaultKind,
  DirectoryHarness,
  DirectoryHarnessOptions,
  DirectoryUnderTest,
} from "./directory-harness.js";
export {
  type AccountStoreHarness,
  type AccountStoreUnderTest,
  type ContractSeedAccount,
  describeAccountStoreContract,
} from "./account-store-contract.js";
