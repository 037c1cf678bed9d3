/** The in-memory account store passes the account store contract every store must pass. */
import { createInMemoryAccountStore } from "@rotation-exclusion/testing";
import { describeAccountStoreContract } from "@rotation-exclusion/testing/contract";

describeAccountStoreContract("in-memory", {
  async create(seed) {
    const store = createInMemoryAccountStore(seed);
    return {
      store,
      async operatorChange(key, change) {
        store.operatorChange(key, change);
      },
    };
  },
});
