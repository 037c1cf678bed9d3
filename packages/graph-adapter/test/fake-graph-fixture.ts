/**
 * Test fixture: the real Graph directory over the fake Graph server, with a counting credential whose
 * tokens are secret-looking strings (so tests can assert they never leak) and fast retry settings.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
  createGraphDirectory,
  type GraphDirectory,
  type GraphDirectoryOptions,
} from "@rotation-exclusion/graph-adapter";
import {
  type FakeGraphServer,
  type FakeGraphServerOptions,
  startFakeGraphServer,
  type TenantModel,
} from "@rotation-exclusion/testing";

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
  /** The options of every call (`claims` after a CAE challenge). */
  readonly calls: Array<GetTokenOptions | undefined>;
}

/**
 * An unsigned JWT-shaped token whose payload carries `roles` (application permissions), as Entra's app
 * tokens do. The signature part is a secret-looking marker so tests can assert tokens never leak.
 */
export function fakeAccessToken(roles: readonly string[] | undefined, serial: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const payload = { aud: "https://graph.microsoft.com", ...(roles !== undefined ? { roles } : {}) };
  const signature = `SECRET-TOKEN-${serial}-${Math.random().toString(36).slice(2)}`;
  return `${part({ typ: "JWT", alg: "none" })}.${part(payload)}.${signature}`;
}

/**
 * Creates a {@link CountingCredential}. With `roles`, tokens are JWT-shaped and carry them in the
 * `roles` claim; without, tokens are opaque.
 */
export function countingCredential(roles?: readonly string[]): CountingCredential {
  const issued: string[] = [];
  const scopes: string[] = [];
  const calls: Array<GetTokenOptions | undefined> = [];
  return {
    issued,
    scopes,
    calls,
    async getToken(scope: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      scopes.push(...[scope].flat());
      calls.push(options);
      const token =
        roles !== undefined
          ? fakeAccessToken(roles, issued.length + 1)
          : `eyJ0eXAi.SECRET-TOKEN-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      issued.push(token);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/** How the fixture's credential describes the app. */
export interface FixtureOptions {
  /**
   * Application permissions in the tokens' `roles` claim. Default: `["Member.Read.Hidden"]` when the
   * fake server grants it (its default), else none, so the adapter learns what the fake enforces.
   * `null`: opaque tokens that say nothing.
   */
  readonly appRoles?: readonly string[] | null;
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
  fixtureOptions: FixtureOptions = {},
): Promise<DirectoryOverFakeGraph> {
  const server = await startFakeGraphServer(tenant, serverOptions);
  const granted = serverOptions.permissions?.memberReadHidden ?? true;
  const appRoles =
    fixtureOptions.appRoles === undefined ? (granted ? ["Member.Read.Hidden"] : []) : fixtureOptions.appRoles;
  const credential = countingCredential(appRoles ?? undefined);
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
