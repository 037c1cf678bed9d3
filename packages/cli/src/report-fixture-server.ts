/**
 * The report fixture tenants served for `fake-graph --report-fixtures`: six tenants behind one fake
 * Microsoft Graph (routed by the token's `tid`) and a fake Microsoft Entra authority that signs an app
 * in per tenant with a client secret, as a multi-tenant app registration does (decision 0017). Loaded
 * only by `fake-graph` (it carries the testing kit).
 */
import { randomUUID } from "node:crypto";
import {
  type FakeGraphServer,
  type FakeTokenService,
  reportFixtureTenants,
  startFakeGraphServer,
  startFakeTokenService,
} from "@rotation-exclusion/testing";

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
