import { createInMemoryDirectory, describeDirectoryContract } from "@rotation-exclusion/testing";

describeDirectoryContract("in-memory", {
  create: async (tenant, options) => ({
    directory: createInMemoryDirectory(tenant, options),
    async [Symbol.asyncDispose]() {},
  }),
});
