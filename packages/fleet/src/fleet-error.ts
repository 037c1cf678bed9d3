/**
 * The one error type of `@rotation-exclusion/fleet`: bad options, and the shared infrastructure (Redis,
 * PostgreSQL) failing or answering what it should not. Messages name the tenant, key or option and what
 * to do next; they never hold a password (connection URLs are described by host and port only).
 */
import { defineErrorType } from "@rotation-exclusion/core/internal";

/** Why a {@link FleetError} was raised. The list is fixed: hosts switch on it. */
export type FleetErrorCode =
  /** An option or argument is not what the function takes. */
  | "invalid-options"
  /** Redis did not answer in time, refused the connection, or answered an error. */
  | "redis-unavailable"
  /** The account store's database failed or answered something unusable. */
  | "store-failed"
  /** A record read back from Redis or the database is not one this package wrote. */
  | "malformed-record"
  /** The worker lost the job's lock (another worker may own the tenant now): nothing more is written. */
  | "lock-lost";

/** All error codes, in a stable order. */
export const FLEET_ERROR_CODES = [
  "invalid-options",
  "redis-unavailable",
  "store-failed",
  "malformed-record",
  "lock-lost",
] as const satisfies readonly FleetErrorCode[];

/** An error of the fleet package: a fixed `code`, the tenant it concerns when there is one. */
export interface FleetError extends Error {
  readonly name: "FleetError";
  readonly code: FleetErrorCode;
  /** The tenant the failure concerns, when it concerns one. */
  readonly tenantId: string | undefined;
}

const errorType = defineErrorType<FleetError, "tenantId">({
  name: "FleetError",
  brand: "@rotation-exclusion/fleet/FleetError",
  codes: FLEET_ERROR_CODES,
  fields: ["tenantId"],
});

/** Creates a {@link FleetError} (internal). The message must never contain a password or token. */
export function createFleetError(
  code: FleetErrorCode,
  message: string,
  options: { readonly cause?: unknown; readonly tenantId?: string | undefined } = {},
): FleetError {
  return errorType.create(code, message, options);
}

/** True for a {@link FleetError}, also one made by another copy of this package. */
export function isFleetError(value: unknown): value is FleetError {
  return errorType.is(value);
}

/** Throws `invalid-options` naming the function and what was wrong. */
export function invalidOptions(where: string, message: string): never {
  throw createFleetError("invalid-options", `${where}: ${message}`);
}
