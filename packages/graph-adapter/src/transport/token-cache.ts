/**
 * The access-token cache of one Graph directory, over the host's `TokenCredential`. A token never leaves
 * this module except into the `Authorization` header of a request to the Graph root.
 */
import type { TokenCredential } from "@azure/identity";
import { createGraphDirectoryError } from "../errors/graph-directory-error.js";
import { tokenRequestError } from "./token-request-error.js";

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** What the token cache needs: where tokens are for, and the credential that issues them. */
export interface TokenCacheOptions {
  readonly scope: string;
  readonly tenantId: string;
  readonly credential: TokenCredential;
  /** Refresh a cached token this long before it expires. Default 120 000 (2 min). */
  readonly tokenRefreshMarginMs?: number | undefined;
}

/** Gets a token: `forceRefresh` bypasses the cache (after a 401), `claims` answers a CAE challenge. */
export type GetToken = (forceRefresh: boolean, signal: AbortSignal, claims?: string) => Promise<string>;

/**
 * Creates the token cache of one directory: a token is reused until shortly before it expires, and
 * requests that start together (parallel member reads) share one token request.
 */
export function createTokenCache(options: TokenCacheOptions): GetToken {
  const marginMs = options.tokenRefreshMarginMs ?? 120_000;
  let cached: { token: string; expiresOnMs: number } | undefined;
  // Requests that start together (parallel member reads) share one token request.
  let inFlight: Promise<string> | undefined;
  return (forceRefresh, signal, claims) => {
    if (!forceRefresh && cached !== undefined && cached.expiresOnMs - marginMs > Date.now()) {
      return Promise.resolve(cached.token);
    }
    if (forceRefresh || inFlight === undefined) {
      const request = fetchToken(claims).finally(() => {
        if (inFlight === request) inFlight = undefined;
      });
      inFlight = request;
    }
    return untilAborted(inFlight, signal);
  };
  // Shared by several requests, so not tied to one caller's signal; each caller stops waiting on its own.
  async function fetchToken(claims: string | undefined): Promise<string> {
    let accessToken: Awaited<ReturnType<TokenCredential["getToken"]>>;
    try {
      accessToken = await options.credential.getToken(options.scope, {
        tenantId: options.tenantId,
        ...(claims !== undefined ? { claims } : {}),
      });
    } catch (error) {
      throw tokenRequestError(error, options.tenantId, options.scope);
    }
    if (accessToken === null) {
      throw createGraphDirectoryError(
        "unauthorized",
        `The credential returned no Microsoft Graph token for tenant ${options.tenantId} (scope ${options.scope}).`,
      );
    }
    cached = { token: accessToken.token, expiresOnMs: accessToken.expiresOnTimestamp };
    return accessToken.token;
  }
}
