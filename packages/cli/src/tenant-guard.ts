/**
 * Wires one command run against a real tenant: credential, Graph directory (the real adapter), and a
 * read-only rotation guard (no account store), so the commands read and decide but can never write.
 */

import type { TokenCredential } from "@azure/identity";
import { createRotationGuard, type RotationGuard } from "@rotation-exclusion/core";
import {
  createGraphDirectory,
  type GraphDirectory,
  type RetryPolicy,
} from "@rotation-exclusion/graph-adapter";
import type { SecretRedactor } from "@rotation-exclusion/report";
import type { Logger } from "pino";
import { checkAccessToken } from "./access-token-check.js";
import { type CliCredentialSource, createCliCredential, signIn } from "./cli-credential.js";
import type { TenantCommandOptions } from "./tenant-command-options.js";
import type { UserNames } from "./tenant-scan.js";

/** The guard of one run and the directory behind it (for request statistics). */
export interface TenantGuard {
  readonly guard: RotationGuard;
  readonly directory: GraphDirectory;
  /** Which credential signs the requests, for advice on a refusal. */
  readonly credentialSource: CliCredentialSource;
}

/** What the run's guard needs besides the flags. */
export interface TenantGuardContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly secrets: SecretRedactor;
  /** Prints a warning for a person (or logs it, with JSON log lines). */
  readonly warn: (message: string) => void;
  /** Told as each restricted unit's members are read, for the progress line. */
  readonly onUnitMembersRead?: ((read: number, total: number) => void) | undefined;
}

/**
 * Creates the read-only guard of one command run. TLS trust for a private Graph endpoint comes from
 * Node's NODE_EXTRA_CA_CERTS; verification is never turned off.
 *
 * @example
 * const { guard, directory } = await createTenantGuard(options, { env, logger, secrets, warn });
 */
export async function createTenantGuard(
  options: TenantCommandOptions,
  { env, logger, secrets, warn, onUnitMembersRead }: TenantGuardContext,
): Promise<TenantGuard> {
  const chosen = redactedTokens(
    createCliCredential(env, options.tenantId, options.cloud, options.credential),
    secrets,
  );
  const { credential, source } = chosen;
  logger.debug({ credential: source, cloud: options.cloud }, "credential chosen");
  if (source === "GRAPH_ACCESS_TOKEN") {
    // Before the first request: a token for another tenant or resource must not produce a report.
    const check = checkAccessToken(env.GRAPH_ACCESS_TOKEN ?? "", {
      tenantId: options.tenantId,
      cloud: options.cloud,
    });
    if (!check.readable) warn(check.warning);
  }
  await signIn(chosen, options.tenantId, options.cloud, env);
  const directory = createGraphDirectory({
    tenantId: options.tenantId,
    credential,
    cloud: options.cloud,
    ...(options.graphBaseUrl !== undefined ? { baseUrl: options.graphBaseUrl } : {}),
    logger,
    retry: ONE_SHOT_RETRY,
    onUnitMembersRead,
  });
  const guard = createRotationGuard({ tenantId: options.tenantId, directory, logger });
  return { guard, directory, credentialSource: source };
}

// A token a credential hands out is a secret of the run from that moment: an echo of it is redacted even
// when it never was in the environment (client secret, managed identity, Azure CLI sign-ins).
function redactedTokens<T extends { readonly credential: TokenCredential }>(
  chosen: T,
  secrets: SecretRedactor,
): T {
  const { credential } = chosen;
  return {
    ...chosen,
    credential: {
      async getToken(scopes, options) {
        const token = await credential.getToken(scopes, options);
        if (token !== null) secrets.add(token.token);
        return token;
      },
    },
  };
}

/**
 * The retry policy of a one-shot run: a person is waiting, and the adapter's defaults (five attempts,
 * backoff up to 30 s, made for a service's cycle that tries again anyway) kept an unreachable host
 * silent for 15 s. Three attempts with backoff capped at 2 s give up on a dead host in about 3 s and
 * still ride out a blip; Retry-After is still honoured (up to the adapter's own cap).
 */
const ONE_SHOT_RETRY = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 2_000,
  deadlineMs: 60_000,
} as const satisfies Partial<RetryPolicy>;

/**
 * The UPNs and display names of accounts known by object id only, by lower-case id, from one per-user
 * read each (the adapter batches them). An id Graph does not answer for stays unnamed.
 */
export async function nameUsers(
  directory: Pick<GraphDirectory, "checkUsers">,
  ids: readonly string[],
): Promise<ReadonlyMap<string, UserNames>> {
  const checks = await directory.checkUsers(ids.map((id) => ({ id })));
  const names = new Map<string, UserNames>();
  for (const check of checks) {
    if (check.outcome === "found" && check.user.userPrincipalName !== null) {
      names.set(check.user.id.toLowerCase(), {
        userPrincipalName: check.user.userPrincipalName,
        displayName: check.user.displayName,
      });
    }
  }
  return names;
}
