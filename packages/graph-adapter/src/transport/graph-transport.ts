/**
 * Sends one HTTP attempt to Microsoft Graph through the Graph SDK's client with our own middleware chain:
 * auth (TokenCredential, one refresh on 401) then a terminal exchange (a connection pool by default, or
 * the host's fetch; see graph-http.ts). No SDK RetryHandler: retries live in one place, the request runner.
 *
 * Two SDK 3.0.7 quirks shape this file: `GraphRequest` rebuilds URLs from parsed parts (reordering and
 * de-duplicating query options), so the exact URL travels in a middleware option and the fetch middleware
 * sends that; and the SDK turns transport errors into a GraphError without `cause`, so the original error
 * is kept on the same option.
 */
import type { TokenCredential } from "@azure/identity";
import { Client, type Context, type Middleware, ResponseType } from "@microsoft/microsoft-graph-client";
import { createGraphDirectoryError } from "../errors/graph-directory-error.js";
import { claimsFromChallenge } from "./claims-challenge.js";
import type { HttpAnswer, HttpExchange, ResponseHeaders } from "./graph-http.js";
import { createTokenCache } from "./token-cache.js";

/** One HTTP attempt. */
export interface GraphHttpRequest {
  readonly method: "GET" | "POST";
  /** Absolute URL, sent verbatim. Must share the origin of the Graph root. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** JSON-serializable body (POST only). */
  readonly body?: unknown;
  readonly signal: AbortSignal;
}

/** What came back: the status, headers and the whole body as text. */
export interface GraphHttpResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly text: string;
}

/** Options of {@link createGraphTransport}. */
export interface GraphTransportOptions {
  /** Graph root origin (`https://graph.microsoft.com`); tokens are only ever sent there. */
  readonly root: string;
  /** Token scope (`https://graph.microsoft.com/.default`), always from the cloud table. */
  readonly scope: string;
  readonly tenantId: string;
  readonly credential: TokenCredential;
  /** Sends one HTTP request (a connection pool's, or the host's fetch). */
  readonly exchange: HttpExchange;
  /** Refresh a cached token this long before it expires. */
  readonly tokenRefreshMarginMs?: number;
}

/** Sends single HTTP attempts; no retries. */
export interface GraphTransport {
  send(request: GraphHttpRequest): Promise<GraphHttpResponse>;
}

// Per-request state, found by the middlewares through the SDK's MiddlewareControl (keyed by class).
class RequestState {
  /** The first error our own middlewares threw (the SDK would replace it by a GraphError without cause). */
  error: unknown = undefined;
  constructor(readonly request: GraphHttpRequest) {}
}

function stateOf(context: Context): RequestState {
  const state = context.middlewareControl?.getMiddlewareOptions(RequestState);
  if (!(state instanceof RequestState)) {
    throw new Error("Graph transport: request state missing (middleware chain misconfigured)");
  }
  return state;
}

function createAuthMiddleware(options: GraphTransportOptions): Middleware {
  const getToken = createTokenCache(options);
  const rootOrigin = new URL(options.root).origin;
  let next: Middleware | undefined;
  const withToken = (context: Context, token: string) => {
    context.options = {
      ...context.options,
      headers: { ...(context.options?.headers as Record<string, string>), Authorization: `Bearer ${token}` },
    };
  };
  return {
    setNext(middleware) {
      next = middleware;
    },
    async execute(context) {
      const state = stateOf(context);
      try {
        await authorize(context, state);
      } catch (error) {
        state.error ??= error;
        throw error;
      }
    },
  };
  async function authorize(context: Context, state: RequestState): Promise<void> {
    if (next === undefined) throw new Error("Graph transport: auth middleware has no next middleware");
    const { request } = state;
    // Never hand the token to another host, whatever a response told us to fetch.
    if (new URL(request.url).origin !== rootOrigin) {
      throw createGraphDirectoryError(
        "bad-response",
        `Refusing to send a Graph token to ${new URL(request.url).origin}: only ${rootOrigin} is trusted.`,
      );
    }
    const refused = await getToken(false, request.signal);
    withToken(context, refused);
    await next.execute(context);
    if (context.response?.status === 401) {
      // An expired or revoked token: fetch a fresh one (bypassing the cache) and try exactly once more,
      // with the claims of a CAE challenge when Graph sent one.
      const claims = claimsFromChallenge(context.response.headers.get("www-authenticate"));
      const fresh = await getToken(true, request.signal, claims);
      // The credential handed back the token Graph just refused: sending it again can only fail, so the
      // 401 stands and is reported as unauthorized now.
      if (fresh === refused) return;
      await (context.response as unknown as HttpAnswer).discard().catch(() => {});
      withToken(context, fresh);
      await next.execute(context);
    }
  }
}

function createExchangeMiddleware(exchange: HttpExchange): Middleware {
  return {
    async execute(context) {
      const state = stateOf(context);
      const { request } = state;
      try {
        // With ResponseType.RAW the SDK hands the answer back untouched: it needs no Response.
        context.response = (await exchange(request.url, {
          method: request.method,
          headers: context.options?.headers as Record<string, string>,
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          signal: request.signal,
        })) as unknown as Response;
      } catch (error) {
        state.error ??= error;
        throw error;
      }
    },
  };
}

/** Creates the transport: the Graph SDK client over our middleware chain. */
export function createGraphTransport(options: GraphTransportOptions): GraphTransport {
  const client = Client.initWithMiddleware({
    middleware: [createAuthMiddleware(options), createExchangeMiddleware(options.exchange)],
    baseUrl: options.root,
    defaultVersion: "v1.0",
  });
  return {
    async send(request) {
      const state = new RequestState(request);
      const headers: Record<string, string> = { Accept: "application/json", ...request.headers };
      if (request.body !== undefined) headers["Content-Type"] = "application/json";
      let response: HttpAnswer;
      try {
        const graphRequest = client
          .api(request.url)
          .middlewareOptions([state])
          .headers(headers)
          .responseType(ResponseType.RAW);
        response =
          request.method === "GET" ? await graphRequest.get() : await graphRequest.post(request.body);
      } catch (error) {
        // The SDK wraps everything it catches in a GraphError; hand on the original instead.
        throw state.error ?? error;
      }
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    },
  };
}
