/**
 * The demo: one rotation cycle over a tenant's Global Administrators, run twice side by side on an
 * embedded tenant served by the fake Graph server over HTTPS, through the real Graph adapter:
 * A without the guard (naive role import, everything rotating), B with the guard (role import that
 * excludes protected accounts with evidence, an exclusion run, and a guarded engine). Also serves the
 * report fixture tenants for `fake-graph --report-fixtures`: the one module of the CLI that loads the
 * testing kit.
 */

import { randomUUID } from "node:crypto";
import { createRotationGuard, type RoleImportReport } from "@rotation-exclusion/core";
import { createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  createRotationEngine,
  type EmergencyAccessTenantIds,
  emergencyAccessTenant,
  type FakeGraphServer,
  type FakeTokenService,
  type RotationCycleReport,
  reportFixtureTenants,
  startFakeGraphServer,
  startFakeTokenService,
  type TenantFixture,
} from "@rotation-exclusion/testing";
import type { Logger } from "pino";
import { staticTokenCredential } from "./cli-credential.js";

/** The role the demo imports. */
export const DEMO_ROLE = "Global Administrator";

/** How an account holds the demo role, by object id (for the tables). */
export type DemoPaths = Readonly<Record<string, readonly string[]>>;

/** Both cycles of the demo. */
export interface DemoResult {
  readonly tenantId: string;
  readonly graphRoot: string;
  readonly paths: DemoPaths;
  readonly withoutGuard: RotationCycleReport;
  readonly withGuard: {
    readonly roleImport: RoleImportReport;
    readonly cycle: RotationCycleReport;
  };
  readonly graphRequests: number;
}

/** The embedded tenant: the emergency-access fixture (break-glass GAs in a restricted unit and look-alikes). */
export function demoTenant(): TenantFixture<EmergencyAccessTenantIds> {
  return emergencyAccessTenant({ seed: "rotation-exclusion-demo", ordinaryUsers: 36 });
}

/**
 * Serves the embedded tenant as a fake Microsoft Graph on 127.0.0.1 (`fake-graph`), until closed.
 *
 * @example
 * const { server, tenantId } = await serveDemoTenant(0);
 */
export async function serveDemoTenant(port: number): Promise<{ server: FakeGraphServer; tenantId: string }> {
  const { tenant } = demoTenant();
  return { server: await startFakeGraphServer(tenant, { port }), tenantId: tenant.tenantId };
}

/**
 * Runs the demo and returns both cycles. Secrets stay inside: the token is a fake one, and the engine
 * never reports passwords.
 *
 * @example
 * const result = await runDemo(logger);
 */
export async function runDemo(logger: Logger): Promise<DemoResult> {
  const { tenant } = demoTenant();
  await using server = await startFakeGraphServer(tenant);
  const credential = staticTokenCredential("demo-token");
  const connect = () =>
    createGraphDirectory({
      tenantId: tenant.tenantId,
      credential,
      baseUrl: server.url,
      ca: server.ca,
      // The demo app is granted Member.Read.Hidden (the fake's default); its opaque token cannot say so.
      memberReadHidden: true,
      logger,
    });

  // A: what a rotation service does today: import the role's holders, rotate every one of them.
  const naive = connect();
  const holders = await naive.readRoleHolders(DEMO_ROLE);
  const paths: Record<string, string[]> = {};
  const naiveStore = createInMemoryAccountStore();
  for (const holder of holders.users) {
    const id = holder.user.id.toLowerCase();
    const how =
      holder.via === null ? "direct" : `via group ${holder.via.groupDisplayName ?? holder.via.groupId}`;
    const known = paths[id];
    if (known !== undefined) {
      known.push(`${holder.kind}, ${how}`);
      continue;
    }
    paths[id] = [`${holder.kind}, ${how}`];
    await naiveStore.add({
      objectId: id,
      ...(holder.user.userPrincipalName !== null ? { userPrincipalName: holder.user.userPrincipalName } : {}),
      autoRotate: true,
      record: null,
    });
  }
  const engineOptions = { graphBaseUrl: server.url, ca: server.ca, credential };
  const withoutGuard = await createRotationEngine({ ...engineOptions, accounts: naiveStore }).runCycle();

  // B: the same service with the guard: role import with verdicts, exclusion run, guarded rotation.
  const directory = connect();
  const store = createInMemoryAccountStore();
  const guard = createRotationGuard({ tenantId: tenant.tenantId, directory, accounts: store, logger });
  const plan = await guard.planRoleImport({ roles: [DEMO_ROLE] });
  const roleImport = await guard.applyRoleImport(plan);
  await guard.excludeFromAutoRotation();
  const cycle = await createRotationEngine({ ...engineOptions, accounts: store, guard }).runCycle();

  return {
    tenantId: tenant.tenantId,
    graphRoot: server.url,
    paths,
    withoutGuard,
    withGuard: { roleImport, cycle },
    graphRequests: server.stats().requests,
  };
}

/** The served fixture tenants and what a report run needs to sign in to them. */
export interface ReportFixtureServer {
  readonly graph: FakeGraphServer;
  readonly authority: FakeTokenService;
  /** The tenant list as CSV (tenantId, displayName). */
  readonly tenantListCsv: string;
  /** A made-up app registration; the fake authority accepts any secret. */
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
}

// A CSV field, quoted (the hostile tenant's name holds quotes and angle brackets).
const csvField = (value: string) => `"${value.replaceAll('"', '""')}"`;

/**
 * Starts the fake Graph (on `port`) and the fake authority for the six report fixture tenants.
 *
 * @example
 * const served = await serveReportFixtures(0);
 */
export async function serveReportFixtures(port: number): Promise<ReportFixtureServer> {
  const fixtures = reportFixtureTenants();
  const [first, ...rest] = fixtures.tenants.map((entry) => entry.tenant);
  if (first === undefined) throw new Error("no report fixture tenants");
  const graph = await startFakeGraphServer(first, { tenants: rest, faults: fixtures.faults, port });
  const authority = await startFakeTokenService({ accessTokenFor: fixtures.tokenFor });
  const tenantListCsv = [
    "tenantId,displayName",
    ...fixtures.tenants.map((entry) => `${entry.tenant.tenantId},${csvField(entry.displayName)}`),
    "",
  ].join("\n");
  return {
    graph,
    authority,
    tenantListCsv,
    clientId: "7d0c1f3a-5b2e-4c6d-8e9f-0a1b2c3d4e5f",
    clientSecret: `fake-client-secret-${randomUUID()}`,
    close: async () => {
      await graph.close();
      await authority.close();
    },
  };
}
