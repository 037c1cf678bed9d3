/**
 * Test fixture: the real Graph directory over the fake Graph server, with a counting credential whose
 * tokens are secret-looking strings (so tests can assert they never leak) and fast retry settings.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
  type FakeGraphServer,
  type FakeGraphServerOptions,
  startFakeGraphServer,
  type TenantModel,
} from "@rotation-exclusion/testing";
import { createGraphDirectory, type GraphDirectory, type GraphDirectoryOptions } from "../src/index.js";

/** Retry settings small enough for tests: three attempts, millisecond backoff. */
export const FAST_RETRY = {
  maxAttempts: 3,
  baseDelayMs: 2,
  maxDelayMs: 10,
  deadlineMs: 10_000,
  maxRetryAfterMs: 2_000,
} as const;

/** A credential that issues a new unique token per call and remembers every call. */
export interface CountingCredential extends TokenCredential {
  readonly issued: string[];
  readonly scopes: string[];
}

/** Creates a {@link CountingCredential}. */
export function countingCredential(): CountingCredential {
  const issued: string[] = [];
  const scopes: string[] = [];
  return {
    issued,
    scopes,
    async getToken(scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      scopes.push(...[scope].flat());
      const token = `eyJ0eXAi.SECRET-TOKEN-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      issued.push(token);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/** A directory over a running fake server; dispose with `await using`. */
export interface DirectoryOverFakeGraph extends AsyncDisposable {
  readonly server: FakeGraphServer;
  readonly directory: GraphDirectory;
  readonly credential: CountingCredential;
}

/** Starts the fake server for `tenant` and points a Graph directory (production code path) at it. */
export async function directoryOverFakeGraph(
  tenant: TenantModel,
  serverOptions: FakeGraphServerOptions = {},
  directoryOptions: Partial<GraphDirectoryOptions> = {},
): Promise<DirectoryOverFakeGraph> {
  const server = await startFakeGraphServer(tenant, serverOptions);
  const credential = countingCredential();
  const directory = createGraphDirectory({
    tenantId: tenant.tenantId,
    credential,
    baseUrl: server.url,
    ca: server.ca,
    retry: FAST_RETRY,
    ...directoryOptions,
  });
  return {
    server,
    directory,
    credential,
    async [Symbol.asyncDispose]() {
      await server.close();
    },
  };
}
