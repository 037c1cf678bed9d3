/**
 * A compare-and-set account store for one synthetic tenant whose accounts are generated on every
 * `list()` (managed account i is user i); only written accounts are kept, so 1,000 tenants with 10,000
 * accounts each fit in memory.
 */
import type { AccountStore, ManagedAccount } from "@rotation-exclusion/core";
import { upnOf, userIdOf } from "./synthetic-tenants.js";

export function lazyAccountStore(tenant: number, count: number): AccountStore {
  const written = new Map<number, ManagedAccount>();
  const generated = (i: number): ManagedAccount => ({
    key: `acc-${i}`,
    objectId: userIdOf(tenant, i),
    userPrincipalName: upnOf(tenant, i),
    autoRotate: true,
    version: "0",
  });
  const current = (i: number) => written.get(i) ?? generated(i);
  return {
    async list() {
      const accounts = new Array<ManagedAccount>(count);
      for (let i = 0; i < count; i += 1) accounts[i] = current(i);
      return accounts;
    },
    async update(key, write) {
      const i = Number(key.slice(4));
      const account = current(i);
      if (account.version !== write.expectedVersion) return { status: "conflict", current: account };
      const next: ManagedAccount = {
        ...account,
        autoRotate: write.autoRotate,
        record: write.record ?? undefined,
        version: String(Number(account.version) + 1),
      };
      written.set(i, next);
      return { status: "written", account: next };
    },
  };
}
