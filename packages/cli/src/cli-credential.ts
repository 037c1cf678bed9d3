/**
 * Where the command line gets Microsoft Graph tokens, the way Azure users have them: a pre-acquired
 * token from GRAPH_ACCESS_TOKEN (never from a flag: flags end up in shell history and process lists),
 * an app registration (client secret or certificate), a managed identity, a workload identity
 * (federated token file), the Azure CLI's sign-in, or @azure/identity's default chain, all signing in
 * against the chosen cloud's authority (docs/decisions/0024-credential-kinds.md).
 */
import {
  type AccessToken,
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { GRAPH_CLOUDS, type GraphCloud } from "@rotation-exclusion/graph-adapter";
import { createCliError } from "./cli-error.js";

/** The kinds `--credential` accepts. */
export const CLI_CREDENTIAL_KINDS = [
  "environment",
  "managed-identity",
  "workload-identity",
  "azure-cli",
  "default",
] as const;

/** A kind of {@link CLI_CREDENTIAL_KINDS}. */
export type CliCredentialKind = (typeof CLI_CREDENTIAL_KINDS)[number];

/** Which credential {@link createCliCredential} chose, for the log (never the secret itself). */
export type CliCredentialSource =
  | "GRAPH_ACCESS_TOKEN"
  | "client-secret"
  | "client-certificate"
  | "managed-identity"
  | "workload-identity"
  | "azure-cli"
  | "default-chain";

/** A credential and where it came from. */
export interface CliCredential {
  readonly credential: TokenCredential;
  readonly source: CliCredentialSource;
}

const ONE_HOUR_MS = 3_600_000;

// A one-shot command should answer quickly when sign-in cannot work (wrong authority, no network); the
// operator reruns it. The SDK's default (3 retries with growing delays) would hold a typo for seconds.
const retryOptions = { maxRetries: 1, retryDelayInMs: 200 };

const SIGN_IN_WITH: Record<CliCredentialSource, string> = {
  GRAPH_ACCESS_TOKEN: "with GRAPH_ACCESS_TOKEN",
  "client-secret": "with the client-secret of AZURE_CLIENT_ID",
  "client-certificate": "with the client-certificate of AZURE_CLIENT_ID",
  "managed-identity": "with the managed identity (IDENTITY_ENDPOINT, or the instance metadata service)",
  "workload-identity": "with the workload identity (AZURE_FEDERATED_TOKEN_FILE)",
  "azure-cli": 'with the Azure CLI ("az login")',
  "default-chain":
    "with the default chain (environment, workload identity, managed identity, Azure CLI, Azure PowerShell, Azure Developer CLI)",
};

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
    // The chain's message lists every credential's reason on its own line: keep them, on one line.
    const detail =
      error instanceof Error
        ? `${error.name}: ${error.message
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
            .join(" ")
            .slice(0, 1200)}`
        : "";
    // Unavailable means "not set up here" for a credential that finds its own configuration (az not
    // installed, no identity endpoint, nothing in the chain); an app registration or workload identity
    // is configured, so its failure is a sign-in failure (an authority that does not answer).
    const findsOwnConfiguration =
      source === "default-chain" || source === "azure-cli" || source === "managed-identity";
    if (findsOwnConfiguration && isUnavailable(error)) {
      throw createCliError(
        "usage",
        `No usable Microsoft Graph credentials ${SIGN_IN_WITH[source]}: ${detail} Set GRAPH_ACCESS_TOKEN, or choose one with --credential (see --help).`,
        { cause: error },
      );
    }
    throw createCliError(
      "unreadable",
      `Could not sign in to tenant ${tenantId} ${SIGN_IN_WITH[source]}${source === "azure-cli" || source === "managed-identity" ? "" : ` at ${authorityHost}`}: ${detail}`,
      { cause: error },
    );
  }
}

// "Not configured here" (no az, no identity endpoint, no variables), as opposed to a refused sign-in.
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "CredentialUnavailableError") return true;
  const errors = (error as { errors?: unknown }).errors;
  return (
    error.name === "AggregateAuthenticationError" &&
    Array.isArray(errors) &&
    errors.every((inner) => inner instanceof Error && inner.name === "CredentialUnavailableError")
  );
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

const present = (value: string | undefined): value is string => value !== undefined && value !== "";

/** True for an authority on this machine (a test stand-in): it has no Microsoft instance metadata. */
function isLoopbackAuthority(authorityHost: string): boolean {
  try {
    const host = new URL(authorityHost).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

function missing(label: string, names: readonly string[], hint: string): never {
  throw createCliError(
    "usage",
    `${label}: ${names.join(" and ")} ${names.length === 1 ? "is" : "are"} not set; ${hint}`,
  );
}

/** The app registration of the environment, or undefined when none is configured at all. */
function environmentCredential(
  env: Readonly<Record<string, string | undefined>>,
  tenantId: string,
  authorityHost: string,
  required: boolean,
): CliCredential | undefined {
  const clientId = env.AZURE_CLIENT_ID;
  const secret = env.AZURE_CLIENT_SECRET;
  const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH;
  const configured = present(secret) || present(certificatePath);
  if (!configured) {
    if (!required) return undefined;
    missing(
      "--credential environment",
      present(clientId)
        ? ["AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH"]
        : ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH"],
      "an app registration needs its client id and a secret or a certificate (AZURE_CLIENT_CERTIFICATE_PASSWORD if the PFX/PEM is encrypted).",
    );
  }
  if (!present(clientId)) {
    missing(
      required ? "--credential environment" : "Incomplete app registration credentials",
      ["AZURE_CLIENT_ID"],
      `${present(secret) ? "AZURE_CLIENT_SECRET" : "AZURE_CLIENT_CERTIFICATE_PATH"} is set, but not the app registration's client id.`,
    );
  }
  const options = {
    authorityHost,
    retryOptions,
    disableInstanceDiscovery: isLoopbackAuthority(authorityHost),
  };
  if (present(secret)) {
    return {
      credential: new ClientSecretCredential(tenantId, clientId, secret, options),
      source: "client-secret",
    };
  }
  const certificatePassword = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
  return {
    credential: new ClientCertificateCredential(
      tenantId,
      clientId,
      present(certificatePassword)
        ? { certificatePath: certificatePath as string, certificatePassword }
        : { certificatePath: certificatePath as string },
      options,
    ),
    source: "client-certificate",
  };
}

/**
 * Chooses the credential. Without `kind` (or with `default`): GRAPH_ACCESS_TOKEN when set; else a
 * complete app registration in the environment; else @azure/identity's DefaultAzureCredential chain.
 * With a kind, that credential only, and a usage CliError naming each missing variable.
 *
 * @example
 * const { credential } = createCliCredential(process.env, tenantId, "usgov", "azure-cli");
 */
export function createCliCredential(
  env: Readonly<Record<string, string | undefined>>,
  tenantId: string,
  cloud: GraphCloud,
  kind: CliCredentialKind = "default",
): CliCredential {
  const authorityHost = env.AZURE_AUTHORITY_HOST || GRAPH_CLOUDS[cloud].authorityHost;
  const disableInstanceDiscovery = isLoopbackAuthority(authorityHost);
  const clientId = present(env.AZURE_CLIENT_ID) ? env.AZURE_CLIENT_ID : undefined;
  switch (kind) {
    case "environment":
      return environmentCredential(env, tenantId, authorityHost, true) as CliCredential;
    case "managed-identity":
      // A user-assigned identity is chosen by its client id; without one, the system-assigned identity.
      return {
        credential: new ManagedIdentityCredential(clientId === undefined ? {} : { clientId }),
        source: "managed-identity",
      };
    case "workload-identity": {
      const names = ["AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"].filter((name) => !present(env[name]));
      if (names.length > 0) {
        missing(
          "--credential workload-identity",
          names,
          "a workload identity (AKS, or any federated credential) needs the app's client id and the path of the federated token file.",
        );
      }
      return {
        credential: new WorkloadIdentityCredential({
          tenantId,
          clientId: clientId as string,
          tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE as string,
          authorityHost,
          disableInstanceDiscovery,
          retryOptions,
        }),
        source: "workload-identity",
      };
    }
    case "azure-cli":
      return { credential: new AzureCliCredential({ tenantId }), source: "azure-cli" };
    case "default": {
      const token = env.GRAPH_ACCESS_TOKEN;
      if (present(token)) {
        return { credential: staticTokenCredential(token.trim()), source: "GRAPH_ACCESS_TOKEN" };
      }
      const app = environmentCredential(env, tenantId, authorityHost, false);
      if (app !== undefined) return app;
      return {
        credential: new DefaultAzureCredential({
          tenantId,
          authorityHost,
          disableInstanceDiscovery,
          retryOptions,
          ...(clientId === undefined
            ? {}
            : { managedIdentityClientId: clientId, workloadIdentityClientId: clientId }),
        }),
        source: "default-chain",
      };
    }
  }
}
