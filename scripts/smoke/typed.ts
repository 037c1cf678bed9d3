// Smoke consumer, TypeScript (ES module), checked with `tsc --noEmit` under `strict` against the published
// declarations, the way a user's editor and build see them. Every `@ts-expect-error` below fails the
// check if the types it relies on ever degrade to `any`.
import {
  createRotationGuard,
  type ExclusionReport,
  isRotationExclusionError,
  type RotationGuard,
  type Verdict,
} from "@rotation-exclusion/core";
import { createGraphDirectory, type GraphDirectoryOptions } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  emergencyAccessTenant,
  type FakeGraphServer,
  managedAccountsFor,
  startFakeGraphServer,
} from "@rotation-exclusion/testing";

const credential: GraphDirectoryOptions["credential"] = {
  getToken: async () => ({ token: "smoke-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function describeVerdict(verdict: Verdict): string {
  switch (verdict.status) {
    case "protected":
      return `protected (${verdict.reasonCode})`;
    case "not-protected":
      return "not protected";
    case "unknown":
      return `unknown (${verdict.reasonCode})`;
    default: {
      const unreachable: never = verdict;
      return unreachable;
    }
  }
}

export async function run(): Promise<ExclusionReport> {
  const { tenant, ids } = emergencyAccessTenant();
  const server: FakeGraphServer = await startFakeGraphServer(tenant);
  try {
    const directory = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential,
      baseUrl: server.url,
      ca: server.ca,
    });
    const accounts = createInMemoryAccountStore(
      managedAccountsFor(tenant, [ids.breakGlass1, ids.activeAdmin]),
    );
    const guard: RotationGuard = createRotationGuard({ tenantId: tenant.tenantId, directory, accounts });
    // @ts-expect-error tenantId is required
    createRotationGuard({ directory, accounts });
    // @ts-expect-error the cloud is a closed list
    createGraphDirectory({ tenantId: tenant.tenantId, credential, cloud: "moon" });
    const verdict = await guard.checkProtection(ids.breakGlass1);
    const label: string = describeVerdict(verdict);
    const report = await guard.excludeFromAutoRotation({ dryRun: true });
    const keys: readonly string[] = report.excluded.map((outcome) => outcome.key);
    // @ts-expect-error report fields are read-only
    report.accountCount = 0;
    void label;
    void keys;
    return report;
  } catch (error: unknown) {
    if (isRotationExclusionError(error)) {
      const code: string = error.code;
      throw new Error(code);
    }
    throw error;
  } finally {
    await server.close();
  }
}
