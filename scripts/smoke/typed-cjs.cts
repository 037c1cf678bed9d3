// Smoke consumer, TypeScript compiled as CommonJS (a .cts file): these imports become require() calls,
// which `module: NodeNext` allows for ES modules (TypeScript 5.8+, Node 20.19+ / 22.12+).
import { createRotationGuard, type RotationGuardOptions } from "@rotation-exclusion/core";
import { createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import { emergencyAccessTenant } from "@rotation-exclusion/testing";

export function guardFor(accounts: RotationGuardOptions["accounts"]): ReturnType<typeof createRotationGuard> {
  const { tenant } = emergencyAccessTenant();
  const directory = createGraphDirectory({
    tenantId: tenant.tenantId,
    credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }) },
  });
  return createRotationGuard({ tenantId: tenant.tenantId, directory, accounts });
}
