/**
 * The options of `createRotationGuard`: what they mean, their defaults, and the check that refuses a bad
 * one with a `RotationExclusionError` of code `invalid-options` naming it.
 */
import { describeValue, isGuid } from "../internal/input-checks.js";
import type { AccountStore } from "../ports/account-store.js";
import type { DirectoryReader } from "../ports/directory-reader.js";
import { type Logger, silentLogger } from "../ports/logger.js";
import type { SnapshotStore } from "../ports/snapshot-store.js";
import { createRotationExclusionError } from "../rotation-exclusion-error.js";
import type { ReleasedEvent } from "./exclusion-report.js";

/** Options of {@link createRotationGuard}. Durations are in milliseconds. */
export interface RotationGuardOptions {
  /** The Entra tenant id (a GUID). */
  tenantId: string;
  directory: DirectoryReader;
  /**
   * The rotation service's managed accounts. Needed by the operations that write
   * (`excludeFromAutoRotation`, `recordRotationFailure`, `applyRoleImport`); a guard without one is
   * read-only (`checkProtection`, `isRotationProtected`, `planRoleImport`).
   */
  accounts?: AccountStore | undefined;
  /** Default: a silent logger. Every line carries `tenantId`. */
  logger?: Logger;
  /** Milliseconds since the epoch. Default: `Date.now`. */
  clock?: () => number;
  /** How old a snapshot may be before a check re-reads the protected set. Default 300 000 (5 min). */
  snapshotMaxAgeMs?: number;
  /** How old unit evidence may be before it is re-read. Default 3 600 000 (1 h). */
  unitEvidenceMaxAgeMs?: number;
  /** Turn released accounts (excluded by us, now unprotected) back on. Default false: report them. */
  restoreReleased?: boolean;
  /**
   * Called for each account we excluded that a complete snapshot shows unprotected: once it is marked
   * released, and when `restoreReleased` turns it back on (`event.restored`). Must be idempotent: a
   * release is alerted until one call resolved (the record keeps `releaseAlertPending` until then), so
   * a later run, or another process, may send the same release again, always with the same
   * `event.eventKey`. A restore is alerted at most once. A throwing hook is logged and never breaks the
   * run; a dry run never calls it.
   */
  onReleased?: (event: ReleasedEvent) => void | Promise<void>;
  /** Store writes in flight at once. Default 8. */
  writeConcurrency?: number;
  /**
   * Keeps the reads behind the last snapshot across restarts (loaded on the first refresh, saved after
   * each). Default: none, so a new guard starts cold. A failing store is logged and ignored.
   */
  snapshotStore?: SnapshotStore;
}

export const GUARD_DEFAULTS = {
  logger: silentLogger,
  clock: Date.now,
  snapshotMaxAgeMs: 300_000,
  unitEvidenceMaxAgeMs: 3_600_000,
  restoreReleased: false,
  writeConcurrency: 8,
} satisfies Required<
  Omit<RotationGuardOptions, "tenantId" | "directory" | "accounts" | "onReleased" | "snapshotStore">
>;

// Names the bad value (a string quoted and cut, a number as is, anything else by its type).
function invalidOption(message: string, ...got: [unknown] | []): never {
  const shown =
    got.length === 0 ? "" : ` (got ${typeof got[0] === "number" ? String(got[0]) : describeValue(got[0])})`;
  throw createRotationExclusionError("invalid-options", `createRotationGuard: ${message}${shown}`);
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === "function")
  );
}

export function validateGuardOptions(options: RotationGuardOptions): void {
  if (typeof options !== "object" || options === null) invalidOption("options must be an object", options);
  if (!isGuid(options.tenantId)) invalidOption("tenantId must be the tenant's id (a GUID)", options.tenantId);
  if (!hasMethods(options.directory, ["readProtectedUsers", "readRestrictedUnits", "checkUsers"])) {
    invalidOption("directory must implement readProtectedUsers, readRestrictedUnits and checkUsers");
  }
  if (options.accounts !== undefined && !hasMethods(options.accounts, ["list", "update"]))
    invalidOption("accounts must implement list and update");
  if (options.logger !== undefined && !hasMethods(options.logger, ["debug", "info", "warn", "error"])) {
    invalidOption("logger must have debug, info, warn and error");
  }
  if (options.clock !== undefined && typeof options.clock !== "function")
    invalidOption("clock must be a function");
  for (const name of ["snapshotMaxAgeMs", "unitEvidenceMaxAgeMs"] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      invalidOption(`${name} must be a finite number of milliseconds >= 0`, value);
    }
  }
  const concurrency = options.writeConcurrency;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    invalidOption("writeConcurrency must be an integer >= 1", concurrency);
  }
  if (options.restoreReleased !== undefined && typeof options.restoreReleased !== "boolean") {
    invalidOption("restoreReleased must be a boolean", options.restoreReleased);
  }
  if (options.onReleased !== undefined && typeof options.onReleased !== "function")
    invalidOption("onReleased must be a function");
  if (options.snapshotStore !== undefined && !hasMethods(options.snapshotStore, ["load", "save"]))
    invalidOption("snapshotStore must implement load and save");
}
