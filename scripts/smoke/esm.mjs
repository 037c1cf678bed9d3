// Smoke consumer, ES module: what a rotation service writes after
// `pnpm add @rotation-exclusion/core @rotation-exclusion/graph-adapter` (+ `-D @rotation-exclusion/testing`).
// Runs from a scratch project outside the workspace, against the packed tarballs.
import assert from "node:assert/strict";
import { createRotationGuard, isRotationExclusionError } from "@rotation-exclusion/core";
import { createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  emergencyAccessTenant,
  managedAccountsFor,
  startFakeGraphServer,
} from "@rotation-exclusion/testing";

const { tenant, ids } = emergencyAccessTenant();
const server = await startFakeGraphServer(tenant);
try {
  // A stand-in for @azure/identity's TokenCredential: the fake server accepts any bearer token.
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
  assert.equal(report.notProtectedCount, 2);
  const stored = new Map((await accounts.list()).map((account) => [account.key, account.autoRotate]));
  assert.deepEqual(
    managed.map((id) => stored.get(id)),
    [false, false, true, true],
  );
  assert.equal(await guard.isRotationProtected(ids.breakGlass1), true);
  assert.equal(await guard.isRotationProtected(ids.activeAdmin), false);
  await assert.rejects(guard.isRotationProtected(""), (error) => isRotationExclusionError(error));
  assert.ok(server.requests.length > 0, "the adapter talked to the fake Graph server");
  console.log(`esm: excluded ${report.excluded.length} of ${report.accountCount} accounts over HTTPS`);
} finally {
  await server.close();
}

// The posture report, as a host renders its own saved scan: parse (untrusted), build, render every format.
{
  const { buildPostureReport, parseReportInput, renderPostureCsv, renderPostureHtml, renderPostureMarkdown } =
    await import("@rotation-exclusion/report");
  const { createRequire } = await import("node:module");
  const tenantId = "11111111-1111-4111-8111-111111111111";
  const scan = {
    kind: "rotation-exclusion.scan",
    schemaVersion: 1,
    generator: { name: "smoke", version: "0.0.0" },
    generatedAt: new Date().toISOString(),
    tenantId,
    complete: true,
    accounts: [],
    restrictedUnits: [],
    warnings: [],
    graphRequests: 2,
  };
  const report = buildPostureReport([parseReportInput("scan.json", JSON.stringify(scan))], {
    generatorVersion: "smoke",
  });
  assert.equal(report.summary.tenantsRead, 1);
  assert.equal(report.tenants[0]?.noRestrictedUnit, true);
  const html = renderPostureHtml(report);
  assert.match(html, /Content-Security-Policy/);
  assert.match(renderPostureMarkdown(report), new RegExp(tenantId));
  assert.match(renderPostureCsv(report), new RegExp(tenantId));
  const schema = createRequire(import.meta.url)("@rotation-exclusion/report/schemas/scan.schema.json");
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  console.log(`esm: rendered a posture report (${html.length} bytes of HTML) and read the scan schema`);
}
