/**
 * One HTTP exchange with Graph, over either the host's `fetch` or a connection pool of undici's
 * `Agent`, which the adapter uses by default: `fetch` builds a WHATWG Request, Headers and a body stream
 * for every call, about three times the client CPU of undici's own `request` for the same GET (measured
 * in `pnpm bench`, BENCHMARKS.md), and a quiet tenant-cycle is one such GET.
 */
import { Agent } from "undici";

/** The fetch signature the adapter accepts from a host (the global fetch's). */
export type FetchFunction = typeof globalThis.fetch;

/** Response headers, case-insensitive. */
export interface ResponseHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** What came back, before its body is read. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** The whole body as text (once). */
  text(): Promise<string>;
  /** Drops the body unread, so the connection can be reused. */
  discard(): Promise<void>;
}

/** One request. */
export interface HttpExchangeInit {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly signal: AbortSignal;
}

/** Sends one request. */
export type HttpExchange = (url: string, init: HttpExchangeInit) => Promise<HttpAnswer>;

const POOL = Symbol.for("@rotation-exclusion/graph-adapter/GraphConnectionPool");

/**
 * Keep-alive HTTPS connections to the Graph root, shared by every directory given the pool: one pool for
 * the whole app, as one agent towards graph.microsoft.com. Created by {@link createGraphConnectionPool}.
 */
export interface GraphConnectionPool {
  /** Closes every connection; directories using the pool fail their requests afterwards. */
  close(): Promise<void>;
  readonly [POOL]: Agent;
}

/** Options of {@link createGraphConnectionPool}. */
export interface GraphConnectionPoolOptions {
  /** Extra trusted CA certificates (PEM), for a private Graph endpoint or a test server. */
  readonly ca?: string | Buffer | undefined;
  /** Connections per origin at most. Default 128. */
  readonly connections?: number | undefined;
  /** How long an idle connection is kept. Default 60 000 ms. */
  readonly keepAliveTimeoutMs?: number | undefined;
}

/**
 * Creates a connection pool to share between the directories of an app (`createGraphDirectory({
 * connectionPool })`); without one each directory uses the adapter's process-wide default pool, or, with
 * `ca`, a pool of its own.
 *
 * @example
 * const connectionPool = createGraphConnectionPool();
 * const directory = createGraphDirectory({ tenantId, credential, connectionPool, throttleBudget });
 */
export function createGraphConnectionPool(options: GraphConnectionPoolOptions = {}): GraphConnectionPool {
  const agent = new Agent({
    ...(options.ca !== undefined ? { connect: { ca: options.ca } } : {}),
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 60_000,
  });
  return { close: () => agent.close(), [POOL]: agent };
}

/** True for a pool made by {@link createGraphConnectionPool}. */
export function isGraphConnectionPool(value: unknown): value is GraphConnectionPool {
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[POOL] instanceof Agent
  );
}

let defaultPool: GraphConnectionPool | undefined;

/** The process-wide pool of directories given neither `fetch`, `connectionPool` nor `ca`. */
export function defaultConnectionPool(): GraphConnectionPool {
  defaultPool ??= createGraphConnectionPool();
  return defaultPool;
}

function headersOf(raw: Readonly<Record<string, string | string[] | undefined>>): ResponseHeaders {
  // undici hands over lower-case names; several values of one header are joined as fetch joins them.
  const value = (name: string) => {
    const found = raw[name.toLowerCase()];
    return found === undefined ? null : Array.isArray(found) ? found.join(", ") : found;
  };
  return { get: value, has: (name) => value(name) !== null };
}

/** An exchange over a pool: undici's `request` on the pool's agent. */
export function exchangeViaPool(pool: GraphConnectionPool): HttpExchange {
  const agent = pool[POOL];
  return async (url, init) => {
    const target = new URL(url);
    const answer = await agent.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: init.method as "GET",
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: init.signal,
    });
    return {
      status: answer.statusCode,
      headers: headersOf(answer.headers),
      text: () => answer.body.text(),
      discard: () => answer.body.dump(),
    };
  };
}

/** An exchange over a host's `fetch`. */
export function exchangeViaFetch(fetchFunction: FetchFunction): HttpExchange {
  return async (url, init) => {
    const response = await fetchFunction(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: init.signal,
    });
    return {
      status: response.status,
      headers: response.headers,
      text: () => response.text(),
      discard: async () => {
        await response.body?.cancel().catch(() => {});
      },
    };
  };
}
