// Smoke consumer, CommonJS: the same run through require(), which loads these ES modules on
// Node 20.19+ / 22.12+ (require(esm); none of the packages uses top-level await).
const assert = require("node:assert/strict");
const { createRotationGuard, isRotationExclusionError } = require("@rotation-exclusion/core");
const { createGraphDirectory } = require("@rotation-exclusion/graph-adapter");
const {
  createInMemoryAccountStore,
  emergencyAccessTenant,
  managedAccountsFor,
  startFakeGraphServer,
} = require("@rotation-exclusion/testing");

async function main() {
  // import and require share one module instance: no dual-package hazard.
  const imported = await import("@rotation-exclusion/core");
  assert.equal(imported.createRotationGuard, createRotationGuard);

  const { tenant, ids } = emergencyAccessTenant();
  const server = await startFakeGraphServer(tenant);
  try {
    const credential = {
      getToken: async () => ({ token: "smoke-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const directory = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential,
      baseUrl: server.url,
      ca: server.ca,
    });
    const managed = [ids.breakGlass1, ids.breakGlass2, ids.activeAdmin, ids.ordinaryUnitAdmin];
    const accounts = createInMemoryAccountStore(managedAccountsFor(tenant, managed));
    const guard = createRotationGuard({ tenantId: tenant.tenantId, directory, accounts });

    const report = await guard.excludeFromAutoRotation();

    assert.deepEqual(
      report.excluded.map((outcome) => outcome.key).sort(),
      [ids.breakGlass1, ids.breakGlass2].sort(),
    );
    assert.equal(report.snapshot.complete, true);
    assert.deepEqual([report.deferred.length, report.errors.length, report.conflicts.length], [0, 0, 0]);
    assert.equal(await guard.isRotationProtected(ids.activeAdmin), false);
    await assert.rejects(guard.isRotationProtected(""), (error) => isRotationExclusionError(error));
    console.log(`cjs: excluded ${report.excluded.length} of ${report.accountCount} accounts over HTTPS`);
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
