/**
 * A minimal HTTPS client for the fake server's own tests: trusts the server's CA explicitly (Node 20's
 * global fetch cannot take a CA), opens a fresh connection per request, and returns the raw answer.
 * Not exported from the package.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

/** A raw answer. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed JSON body (throws on malformed JSON, as a client would). */
  readonly json: () => Record<string, unknown>;
}

/** Options of {@link send}. */
export interface SendOptions {
  /** Bearer token; `null` sends no Authorization header. Default "test-token". */
  readonly token?: string | null;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Trust this CA; `null` trusts only the system store. Default: the server's CA. */
  readonly ca?: string | null;
}

/** Sends one request to a path (`/v1.0/users`) or absolute URL of the fake server. */
export function send(
  server: { readonly url: string; readonly ca: string },
  method: string,
  pathOrUrl: string,
  options: SendOptions = {},
): Promise<RawAnswer> {
  const url = new URL(pathOrUrl.startsWith("https://") ? pathOrUrl : `${server.url}${pathOrUrl}`);
  const token = options.token === undefined ? "test-token" : options.token;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) headers["content-type"] ??= "application/json";
  const ca = options.ca === undefined ? server.ca : options.ca;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        agent: false,
        ...(ca === null ? {} : { ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
