/**
 * One tenant's job in a cycle: what the producer puts in it, and what the worker answers. The job id is
 * derived from the cycle and the tenant, so enqueuing a cycle twice adds nothing the second time.
 */
import type { TenantCycleResult } from "@rotation-exclusion/core";
import { isGuid, isRecord } from "@rotation-exclusion/core/internal";
import { createFleetError, invalidOptions } from "./fleet-error.js";

/** The queue every fleet uses unless told otherwise. */
export const DEFAULT_QUEUE_NAME = "rotation-exclusion";

/** The name of every tenant job. */
export const TENANT_JOB_NAME = "exclusion-run";

/** What a tenant's job carries. */
export interface TenantJobData {
  readonly cycleId: string;
  /** Lower-case tenant id. */
  readonly tenantId: string;
  readonly dryRun: boolean;
  /** After this (ms since epoch) the tenant is not started and a running one stops writing. */
  readonly deadlineAtMs?: number | undefined;
}

/** A tenant's part of a fleet cycle: core's tenant result, plus which worker ran it and how often. */
export interface FleetTenantResult extends TenantCycleResult {
  /** The worker that finished the job (its `name`). */
  readonly worker?: string | undefined;
  /** How many times a worker started the job (more than 1 after a stalled worker's job was run again). */
  readonly attempts?: number | undefined;
  /**
   * Why the tenant was stopped by the fleet itself, when it was: `redis-unavailable` (the shared budget
   * could not be read, so no request was sent on it) or `shutdown` (the worker was closing).
   */
  readonly stoppedByFleet?: "redis-unavailable" | "shutdown" | undefined;
  /** With `stoppedByFleet`: what happened, redacted. */
  readonly fleetReason?: string | undefined;
}

const CYCLE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a cycle id (it is part of job ids and keys). */
export function checkCycleId(where: string, cycleId: unknown): string {
  if (typeof cycleId !== "string" || !CYCLE_ID.test(cycleId))
    invalidOptions(where, "cycleId must be 1 to 64 letters, digits, '_' or '-'");
  return cycleId;
}

/** The job id of a tenant in a cycle. */
export function tenantJobId(cycleId: string, tenantId: string): string {
  return `${cycleId}.${tenantId.toLowerCase()}`;
}

/** The job's data, checked: a job in the queue is input like any other. */
export function parseTenantJobData(data: unknown, jobId: string | undefined): TenantJobData {
  const bad = (what: string) =>
    createFleetError("malformed-record", `Job ${jobId ?? "(no id)"} carries ${what}; it is not run`);
  if (!isRecord(data)) throw bad("no data object");
  const { cycleId, tenantId, dryRun, deadlineAtMs } = data;
  if (typeof cycleId !== "string" || !CYCLE_ID.test(cycleId)) throw bad("no valid cycleId");
  if (!isGuid(tenantId)) throw bad("no tenant id (a GUID)");
  if (typeof dryRun !== "boolean") throw bad("no dryRun flag");
  if (deadlineAtMs !== undefined && !(typeof deadlineAtMs === "number" && Number.isFinite(deadlineAtMs)))
    throw bad("a deadline that is not a time");
  return {
    cycleId,
    tenantId: tenantId.toLowerCase(),
    dryRun,
    ...(deadlineAtMs === undefined ? {} : { deadlineAtMs }),
  };
}
