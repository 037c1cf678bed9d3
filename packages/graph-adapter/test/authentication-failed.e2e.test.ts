/**
 * A credential the authority refuses, or a token Graph keeps refusing, is its own kind of failure
 * (`authentication-failed`), so a host can tell "our credential for this tenant is revoked" from "Graph
 * is down"; the verdicts stay unknown and nothing is rotated (docs/decisions/0012, rule 6).
 */
import type { AccessToken, GetTokenOptions } from "@azure/identity";
import { AuthenticationError } from "@azure/identity";
import { createRotationGuard } from "@rotation-exclusion/core";
import { createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import { emergencyAccessTenant, startFakeGraphServer } from "@rotation-exclusion/testing";
import { describe, expect, test } from "vitest";
import { FAST_RETRY } from "./fake-graph-fixture.js";

describe("a refused credential", () => {
  test("is authentication-failed for the reads, the verdicts and the guard, and costs no Graph request", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    await using server = await startFakeGraphServer(tenant);
    let calls = 0;
    const credential = {
      async getToken(_scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
        calls += 1;
        throw new AuthenticationError(401, {
          error: "invalid_client",
          error_description: "AADSTS7000222: The provided client secret keys for app '1234' are expired.",
          error_codes: [7000222],
        });
      },
    };
    const directory = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential,
      baseUrl: server.url,
      ca: server.ca,
      retry: FAST_RETRY,
    });
    const read = await directory.readProtectedUsers();
    expect(read.failure).toMatchObject({ kind: "authentication-failed", code: "AADSTS7000222" });
    expect(read.failure?.message).not.toContain("are expired");
    // Not retried: a refused credential will not be accepted on the next attempt.
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);

    const guard = createRotationGuard({ tenantId: tenant.tenantId, directory });
    expect(await guard.checkProtection(ids.breakGlass1)).toMatchObject({
      status: "unknown",
      reasonCode: "authentication-failed",
    });
    expect(await guard.isRotationProtected(ids.breakGlass1)).toBe(true);
  });

  test("a token Graph refuses again after the one refresh is authentication-failed too", async () => {
    const { tenant } = emergencyAccessTenant();
    await using server = await startFakeGraphServer(tenant, { acceptToken: () => false });
    let issued = 0;
    const directory = createGraphDirectory({
      tenantId: tenant.tenantId,
      credential: {
        getToken: async () => ({ token: `token-${++issued}`, expiresOnTimestamp: Date.now() + 3_600_000 }),
      },
      baseUrl: server.url,
      ca: server.ca,
      retry: FAST_RETRY,
    });
    const read = await directory.readProtectedUsers();
    expect(read.failure).toMatchObject({ kind: "authentication-failed", status: 401 });
    expect(issued).toBe(2);
  });
});
