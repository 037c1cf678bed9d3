/**
 * Where the command line gets Microsoft Graph tokens: a pre-acquired token from GRAPH_ACCESS_TOKEN (never
 * from a flag: flags end up in shell history and process lists), else an app registration from the
 * standard @azure/identity environment variables, signing in against the chosen cloud's authority.
 */
import {
  type AccessToken,
  ClientCertificateCredential,
  ClientSecretCredential,
  type TokenCredential,
} from "@azure/identity";
import { GRAPH_CLOUDS, type GraphCloud } from "@rotation-exclusion/graph-adapter";
import { createCliError } from "./cli-error.js";

/** Which credential {@link createCliCredential} chose, for the log (never the secret itself). */
export type CliCredentialSource = "GRAPH_ACCESS_TOKEN" | "client-secret" | "client-certificate";

/** A credential and where it came from. */
export interface CliCredential {
  readonly credential: TokenCredential;
  readonly source: CliCredentialSource;
}

const ONE_HOUR_MS = 3_600_000;

// A one-shot command should answer quickly when sign-in cannot work (wrong authority, no network); the
// operator reruns it. The SDK's default (3 retries with growing delays) would hold a typo for seconds.
const retryOptions = { maxRetries: 1, retryDelayInMs: 200 };

/**
 * Gets one token before any directory read, so a sign-in failure is reported once, clearly, as
 * "nothing could be read" (exit 1), instead of as a failure of every read. The message never holds a
 * secret: it names the tenant, the authority and the SDK's error, first line only.
 */
export async function signIn(
  { credential, source }: CliCredential,
  tenantId: string,
  cloud: GraphCloud,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (source === "GRAPH_ACCESS_TOKEN") return;
  const authorityHost = env.AZURE_AUTHORITY_HOST || GRAPH_CLOUDS[cloud].authorityHost;
  try {
    const token = await credential.getToken(GRAPH_CLOUDS[cloud].scope, { tenantId });
    if (token === null) throw new Error("the credential returned no token");
  } catch (error) {
    const detail =
      error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]?.slice(0, 300)}` : "";
    throw createCliError(
      "unreadable",
      `Could not sign in to tenant ${tenantId} at ${authorityHost} with the ${source} of AZURE_CLIENT_ID: ${detail}`,
      { cause: error },
    );
  }
}

// The environment variables whose values are secrets.
const SECRET_VARIABLES = [
  "GRAPH_ACCESS_TOKEN",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  // The managed identity endpoint's header secret (App Service, Functions, Container Apps, Arc).
  "IDENTITY_HEADER",
];

/**
 * Every secret value the credential may send or hold, both as set and trimmed (the token is sent
 * trimmed, so an error quoting it would not contain the raw value), for redaction of whatever is printed.
 * Values shorter than 4 characters are left out: replacing them would garble every message.
 */
export function credentialSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = SECRET_VARIABLES.flatMap((name) => {
    const value = env[name];
    return value === undefined ? [] : [value, value.trim()];
  });
  // Longest first, so a value containing another is replaced whole.
  return [...new Set(values.filter((value) => value.length >= 4))].sort((a, b) => b.length - a.length);
}

/** A credential that hands out one fixed token (a pre-acquired token, or the demo's fake one). */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      // The real expiry is unknown; an hour is what Entra issues by default, and a 401 ends the run anyway.
      return { token, expiresOnTimestamp: Date.now() + ONE_HOUR_MS };
    },
  };
}

/**
 * Chooses the credential from the environment: GRAPH_ACCESS_TOKEN; else AZURE_CLIENT_ID with
 * AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (optional AZURE_CLIENT_CERTIFICATE_PASSWORD),
 * against AZURE_AUTHORITY_HOST or the cloud's authority. Throws a usage CliError when none is set.
 *
 * @example
 * const { credential } = createCliCredential(process.env, tenantId, "usgov");
 */
export function createCliCredential(
  env: Readonly<Record<string, string | undefined>>,
  tenantId: string,
  cloud: GraphCloud,
): CliCredential {
  const token = env.GRAPH_ACCESS_TOKEN;
  if (token !== undefined && token !== "") {
    return { credential: staticTokenCredential(token.trim()), source: "GRAPH_ACCESS_TOKEN" };
  }
  const clientId = env.AZURE_CLIENT_ID;
  const authorityHost = env.AZURE_AUTHORITY_HOST || GRAPH_CLOUDS[cloud].authorityHost;
  if (clientId !== undefined && clientId !== "") {
    const secret = env.AZURE_CLIENT_SECRET;
    if (secret !== undefined && secret !== "") {
      return {
        credential: new ClientSecretCredential(tenantId, clientId, secret, { authorityHost, retryOptions }),
        source: "client-secret",
      };
    }
    const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH;
    if (certificatePath !== undefined && certificatePath !== "") {
      const certificatePassword = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
      return {
        credential: new ClientCertificateCredential(
          tenantId,
          clientId,
          certificatePassword ? { certificatePath, certificatePassword } : { certificatePath },
          { authorityHost, retryOptions },
        ),
        source: "client-certificate",
      };
    }
  }
  throw createCliError(
    "usage",
    "No Microsoft Graph credentials: set GRAPH_ACCESS_TOKEN, or AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (tenant from --tenant-id or AZURE_TENANT_ID).",
  );
}
