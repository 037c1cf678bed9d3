/**
 * A loopback stand-in for the places Azure credentials get tokens from, so a credential chain can be
 * tested end to end without ever leaving the machine: a Microsoft Entra authority (OpenID metadata and
 * the v2.0 token endpoint, for client secrets, certificates and federated workload-identity assertions)
 * and the App Service managed identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, api-version
 * 2019-08-01). HTTPS on 127.0.0.1 with the same throwaway CA as the fake Graph server.
 * See https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow and
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference.
 */
import { randomUUID } from "node:crypto";
import { unlink, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCertificates } from "./fake-graph/test-certificates.js";

/** One token request the service answered. */
export interface FakeTokenRequest {
  readonly kind: "authority" | "managed-identity";
  readonly tenantId: string | undefined;
  /** Form fields (authority) or query parameters (managed identity). */
  readonly fields: Readonly<Record<string, string>>;
  /** The `X-IDENTITY-HEADER` sent to the managed identity endpoint. */
  readonly identityHeader: string | undefined;
}

/** Options of {@link startFakeTokenService}. */
export interface FakeTokenServiceOptions {
  /** The token every request gets. Default: an opaque random string. */
  readonly accessToken?: string;
  /**
   * The token a client-credentials request for `tenantId` gets at the authority, instead of
   * `accessToken`: a multi-tenant app signs in per tenant (a token names one tenant, decision 0017), and
   * the fake Graph server routes by the token's `tid` (`fakeGraphToken`).
   */
  readonly accessTokenFor?: (tenantId: string) => string;
  /** The managed identity endpoint's expected `X-IDENTITY-HEADER`. Default: a random value. */
  readonly identityHeader?: string;
}

/** A running fake token service. */
export interface FakeTokenService extends AsyncDisposable {
  /** `https://127.0.0.1:<port>`: give it as `AZURE_AUTHORITY_HOST`. */
  readonly url: string;
  /** The managed identity endpoint, for `IDENTITY_ENDPOINT`. */
  readonly identityEndpoint: string;
  /** The header value for `IDENTITY_HEADER`. */
  readonly identityHeader: string;
  /** PEM file of the CA that signed the server certificate, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly accessToken: string;
  readonly requests: readonly FakeTokenRequest[];
  close(): Promise<void>;
}

const HOUR_SECONDS = 3600;

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the fake token service on 127.0.0.1.
 *
 * @example
 * await using tokens = await startFakeTokenService();
 * // AZURE_AUTHORITY_HOST=tokens.url, IDENTITY_ENDPOINT=tokens.identityEndpoint, ...
 */
export async function startFakeTokenService(
  options: FakeTokenServiceOptions = {},
): Promise<FakeTokenService> {
  const certificates = await testCertificates();
  const accessToken = options.accessToken ?? `fake-access-token-${randomUUID()}`;
  const identityHeader = options.identityHeader ?? `identity-header-${randomUUID()}`;
  const requests: FakeTokenRequest[] = [];
  let url = "";

  const server = createServer({ cert: certificates.cert, key: certificates.key }, (request, response) => {
    void (async () => {
      const address = new URL(request.url ?? "/", url);
      const segments = address.pathname.split("/").filter(Boolean);
      if (request.method === "GET" && address.pathname === "/msi/token") {
        const sent = request.headers["x-identity-header"];
        const header = typeof sent === "string" ? sent : undefined;
        requests.push({
          kind: "managed-identity",
          tenantId: undefined,
          fields: Object.fromEntries(address.searchParams),
          identityHeader: header,
        });
        if (header !== identityHeader) return send(response, 401, { error: "invalid identity header" });
        return send(response, 200, {
          access_token: accessToken,
          expires_on: String(Math.floor(Date.now() / 1000) + HOUR_SECONDS),
          resource: address.searchParams.get("resource"),
          token_type: "Bearer",
        });
      }
      const tenantId = segments[0];
      if (request.method === "GET" && address.pathname.endsWith("/v2.0/.well-known/openid-configuration")) {
        const base = `${url}/${tenantId}`;
        return send(response, 200, {
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_types_supported: ["code", "id_token", "token"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
        });
      }
      if (request.method === "POST" && address.pathname.endsWith("/oauth2/v2.0/token")) {
        const fields = Object.fromEntries(new URLSearchParams(await readBody(request)));
        requests.push({ kind: "authority", tenantId, fields, identityHeader: undefined });
        return send(response, 200, {
          token_type: "Bearer",
          expires_in: HOUR_SECONDS,
          ext_expires_in: HOUR_SECONDS,
          access_token: options.accessTokenFor?.(tenantId ?? "") ?? accessToken,
        });
      }
      return send(response, 404, { error: "not_found", error_description: `no route ${address.pathname}` });
    })().catch(() => {
      if (!response.headersSent) send(response, 500, { error: "server_error" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const caFile = join(tmpdir(), `fake-token-ca-${randomUUID()}.pem`);
  await writeFile(caFile, certificates.caCert, { mode: 0o600 });
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlink(caFile).catch(() => {});
    })();
    return closed;
  };
  return {
    url,
    identityEndpoint: `${url}/msi/token`,
    identityHeader,
    caFile,
    accessToken,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
