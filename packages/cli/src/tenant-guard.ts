/**
 * Wires one command run against a real tenant: credential, Graph directory (the real adapter), and a
 * read-only rotation guard (no account store), so the commands read and decide but can never write.
 */
import { createRotationGuard, type RotationGuard } from "@rotation-exclusion/core";
import { createGraphDirectory, type GraphDirectory } from "@rotation-exclusion/graph-adapter";
import type { Logger } from "pino";
import { createCliCredential, signIn } from "./cli-credential.js";
import type { TenantCommandOptions } from "./tenant-command-options.js";

/** The guard of one run and the directory behind it (for request statistics). */
export interface TenantGuard {
  readonly guard: RotationGuard;
  readonly directory: GraphDirectory;
}

/**
 * Creates the read-only guard of one command run. TLS trust for a private Graph endpoint comes from
 * Node's NODE_EXTRA_CA_CERTS; verification is never turned off.
 *
 * @example
 * const { guard, directory } = await createTenantGuard(options, process.env, logger);
 */
export async function createTenantGuard(
  options: TenantCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<TenantGuard> {
  const chosen = createCliCredential(env, options.tenantId, options.cloud);
  const { credential, source } = chosen;
  logger.debug({ credential: source, cloud: options.cloud }, "credential chosen");
  await signIn(chosen, options.tenantId, options.cloud, env);
  const directory = createGraphDirectory({
    tenantId: options.tenantId,
    credential,
    cloud: options.cloud,
    ...(options.graphBaseUrl !== undefined ? { baseUrl: options.graphBaseUrl } : {}),
    logger,
  });
  const guard = createRotationGuard({ tenantId: options.tenantId, directory, logger });
  return { guard, directory };
}
