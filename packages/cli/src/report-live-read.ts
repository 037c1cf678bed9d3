/**
 * The live read of `report --tenants`: every tenant of the list read like `audit` (the protected set,
 * the restricted units, Global Administrator and the password-resetting roles), at most `concurrency`
 * at once, under one deadline. One tenant's failure never stops another; a tenant the deadline cut
 * short, or one that could not be read at all, is a failed tenant with its (redacted) error. Tenants of
 * another national cloud are not read: each cloud needs its own app registration.
 */

import { boundedMap } from "@rotation-exclusion/core/internal";
import type { GraphCloud } from "@rotation-exclusion/graph-adapter";
import type { FailedTenantRead, ReportSource } from "@rotation-exclusion/report";
import type { Logger } from "pino";
import type { CommandIo } from "./cli-io.js";
import { cliGenerator } from "./cli-version.js";
import { AUDIT_ROLE_IDS, auditEmergencyAccess } from "./emergency-access-audit.js";
import type { ReportCommandOptions } from "./report-command-options.js";
import type { TenantCommandOptions } from "./tenant-command-options.js";
import { createTenantGuard, nameUsers } from "./tenant-guard.js";
import type { TenantListLine } from "./tenant-list.js";
import { scanTenant } from "./tenant-scan.js";

/** What the live read produced: two documents (scan, audit) per tenant read, and the failures. */
export interface LiveRead {
  readonly sources: readonly ReportSource[];
  readonly failedTenants: readonly FailedTenantRead[];
}

/** What the live read needs besides the tenants and flags. */
export interface LiveReadContext {
  readonly io: CommandIo;
  readonly logger: Logger;
  readonly warn: (message: string) => void;
}

/** The message of a tenant listed in another cloud than the run's. */
export function otherCloudMessage(cloud: GraphCloud): string {
  return `tenant is in cloud ${cloud}; run report with --cloud ${cloud} and that cloud's app registration, then merge with --from`;
}

const DEADLINE = Symbol("deadline");

/** How a tenant the deadline cut short is described (its failure message starts with it). */
const DEADLINE_PREFIX = "deadline:";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the tenants live. Never throws for one tenant's failure; usage errors (a credential that is not
 * configured at all) are checked by the caller before.
 *
 * @example
 * const { sources, failedTenants } = await readTenantsLive(tenants, options, { io, logger, warn });
 */
export async function readTenantsLive(
  tenants: readonly TenantListLine[],
  options: ReportCommandOptions,
  { io, logger, warn }: LiveReadContext,
): Promise<LiveRead> {
  const results = new Map<string, ReportSource[] | FailedTenantRead>();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(DEADLINE), options.deadlineMs);
  const deadlineReached = new Promise<typeof DEADLINE>((resolve) =>
    deadline.signal.addEventListener("abort", () => resolve(DEADLINE), { once: true }),
  );
  // A deadline is told apart from other failures (`reason: "deadline"`): a longer --deadline fixes it.
  const fail = (tenantId: string, error: string, reason?: "deadline"): void => {
    results.set(tenantId, { tenantId, error: io.secrets.redact(error), ...(reason ? { reason } : {}) });
  };

  // The tenant's two documents, or its failure message; it records nothing itself, so a read the
  // deadline already gave up on cannot overwrite the "deadline" entry when it ends late.
  const readOne = async (entry: TenantListLine): Promise<ReportSource[] | string> => {
    const tenantOptions: TenantCommandOptions = {
      tenantId: entry.tenantId,
      roles: [],
      users: [],
      format: "json",
      cloud: options.cloud,
      graphBaseUrl: options.graphBaseUrl,
      logLevel: options.logLevel,
      logFormat: options.logFormat,
      credential: options.credential,
      failOn: undefined,
      help: false,
    };
    const { guard, directory } = await createTenantGuard(tenantOptions, {
      env: io.env,
      logger: logger.child({ tenantId: entry.tenantId }),
      secrets: io.secrets,
      warn: (message) => warn(`tenant ${entry.tenantId}: ${message}`),
    });
    const scan = await scanTenant(guard, {
      roles: AUDIT_ROLE_IDS,
      users: [],
      generator: cliGenerator(),
      graphRequests: () => directory.stats().requests,
      nameUsers: (ids) => nameUsers(directory, ids),
      signal: deadline.signal,
    });
    if (scan.readNothing) {
      const failure = scan.snapshot.failures[0]?.failure;
      return `nothing could be read${failure ? `: ${failure.message}` : ""}`;
    }
    // Both documents come from one read and carry the same time, and on a tie the report keeps the
    // first input's section: the audit first, so its findings (the scan's warnings plus the posture
    // findings, each with what to do) are the ones shown; only the scan has the accounts.
    return [
      { name: "live", sha256: null, document: auditEmergencyAccess(scan) },
      { name: "live", sha256: null, document: scan.report },
    ];
  };

  const toRead = tenants.filter((entry) => {
    if (entry.cloud === null || entry.cloud === options.cloud) return true;
    fail(entry.tenantId, otherCloudMessage(entry.cloud));
    return false;
  });
  const seconds = options.deadlineMs / 1000;
  const deadlineMessage = `${DEADLINE_PREFIX} the read did not finish within --deadline ${seconds} s`;
  try {
    await boundedMap(
      toRead,
      async (entry) => {
        if (deadline.signal.aborted) {
          fail(entry.tenantId, deadlineMessage, "deadline");
          return;
        }
        try {
          const reading = readOne(entry);
          // A read the deadline gave up on may still fail later: that failure is not unhandled.
          reading.catch(() => {});
          const outcome = await Promise.race([reading, deadlineReached]);
          if (outcome === DEADLINE) fail(entry.tenantId, deadlineMessage, "deadline");
          else if (typeof outcome === "string") fail(entry.tenantId, outcome);
          else results.set(entry.tenantId, outcome);
        } catch (error) {
          if (deadline.signal.aborted) fail(entry.tenantId, deadlineMessage, "deadline");
          else fail(entry.tenantId, messageOf(error));
        }
      },
      { concurrency: options.concurrency },
    );
  } finally {
    clearTimeout(timer);
  }
  const sources: ReportSource[] = [];
  const failedTenants: FailedTenantRead[] = [];
  for (const entry of tenants) {
    const result = results.get(entry.tenantId);
    if (Array.isArray(result)) sources.push(...result);
    else if (result !== undefined) failedTenants.push(result);
  }
  return { sources, failedTenants };
}
