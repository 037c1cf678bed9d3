import { createInMemoryDirectory } from "@rotation-exclusion/testing";
import { describeDirectoryContract } from "@rotation-exclusion/testing/contract";

describeDirectoryContract("in-memory", {
  create: async (tenant, options) => ({
    directory: createInMemoryDirectory(tenant, options),
    async [Symbol.asyncDispose]() {},
  }),
});
