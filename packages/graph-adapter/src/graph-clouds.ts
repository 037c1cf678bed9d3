/**
 * The Microsoft Graph national clouds this adapter knows: where Graph lives and where tokens come from.
 * See https://learn.microsoft.com/graph/deployments (national cloud deployments).
 */
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { createGraphDirectoryError } from "./errors/graph-directory-error.js";

/** A Microsoft Graph deployment: the worldwide service or a national cloud. */
export type GraphCloud = "global" | "usgov" | "usgov-dod" | "china";

/** Where one cloud's Graph root and Microsoft Entra authority live. */
export interface GraphCloudEndpoints {
  /** Graph root, without the version segment (`https://graph.microsoft.com`). */
  readonly graphRoot: string;
  /** Microsoft Entra authority host (`https://login.microsoftonline.com`). */
  readonly authorityHost: string;
  /** The token scope for app-only Graph access (`https://graph.microsoft.com/.default`). */
  readonly scope: string;
}

/** Graph and authority endpoints per cloud. The token scope always comes from here, never from a baseUrl. */
export const GRAPH_CLOUDS: Readonly<Record<GraphCloud, GraphCloudEndpoints>> = Object.freeze({
  global: {
    graphRoot: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
    scope: "https://graph.microsoft.com/.default",
  },
  usgov: {
    graphRoot: "https://graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://graph.microsoft.us/.default",
  },
  "usgov-dod": {
    graphRoot: "https://dod-graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://dod-graph.microsoft.us/.default",
  },
  china: {
    graphRoot: "https://microsoftgraph.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    scope: "https://microsoftgraph.chinacloudapi.cn/.default",
  },
});

/** True when `value` names a cloud of {@link GRAPH_CLOUDS}. */
export function isGraphCloud(value: unknown): value is GraphCloud {
  return typeof value === "string" && Object.hasOwn(GRAPH_CLOUDS, value);
}

/** How an app registration proves itself: a client secret, or a certificate (PEM text or file path). */
export type GraphAppSecret =
  | { readonly clientSecret: string }
  | { readonly certificate: string }
  | { readonly certificatePath: string };

/** Options of {@link createGraphCredential}. */
export interface GraphCredentialOptions {
  /** Default `global`. Picks the authority host the credential signs in against. */
  readonly cloud?: GraphCloud;
}

/**
 * Creates an app-only credential (client secret or certificate) that signs in against the right
 * authority host for `cloud`. A national-cloud tenant cannot get tokens from the global authority.
 *
 * @example
 * const credential = createGraphCredential(tenantId, clientId, { clientSecret }, { cloud: "usgov" });
 */
export function createGraphCredential(
  tenantId: string,
  clientId: string,
  secret: GraphAppSecret,
  options: GraphCredentialOptions = {},
): TokenCredential {
  const cloud = options.cloud ?? "global";
  // Without this, an unknown cloud is a bare TypeError from destructuring undefined.
  if (!isGraphCloud(cloud)) {
    throw createGraphDirectoryError(
      "invalid-options",
      `Invalid Graph credential options: cloud must be one of ${Object.keys(GRAPH_CLOUDS).join(", ")} (got ${JSON.stringify(cloud)})`,
    );
  }
  const { authorityHost } = GRAPH_CLOUDS[cloud];
  if ("clientSecret" in secret) {
    return new ClientSecretCredential(tenantId, clientId, secret.clientSecret, { authorityHost });
  }
  if ("certificatePath" in secret) {
    return new ClientCertificateCredential(
      tenantId,
      clientId,
      { certificatePath: secret.certificatePath },
      { authorityHost },
    );
  }
  return new ClientCertificateCredential(
    tenantId,
    clientId,
    { certificate: secret.certificate },
    { authorityHost },
  );
}
