/**
 * The rotation guard: the entry point a password-rotation service embeds to skip, and exclude from
 * automatic rotation, Entra accounts in restricted management administrative units.
 */

import { type AccountInput, describeValue, isGuid, parseAccountInput } from "./account-input.js";
import type { AccountStore } from "./account-store.js";
import { type ApplyRoleImportOptions, applyRoleImport } from "./apply-role-import.js";
import { checkUsersSafely, classifyAccounts } from "./classify-accounts.js";
import { decideVerdict } from "./decide-verdict.js";
import type { DirectoryReader, RotationFailure } from "./directory-reader.js";
import { summarizeError } from "./error-summary.js";
import { excludeFromAutoRotation } from "./exclude-from-auto-rotation.js";
import type { ExclusionReport, ReleasedEvent } from "./exclusion-report.js";
import { createDenialMemory, type GuardContext } from "./guard-context.js";
import { type Logger, silentLogger } from "./logger.js";
import { recordRotationFailure } from "./record-rotation-failure.js";
import { type PlanRoleImportOptions, planRoleImport, type RoleImportPlan } from "./role-import-plan.js";
import type { RoleImportReport } from "./role-import-report.js";
import { createRotationExclusionError, isRotationExclusionError } from "./rotation-exclusion-error.js";
import { createSnapshotRefresher } from "./snapshot-refresher.js";
import type { SnapshotStore } from "./snapshot-store.js";
import type { TenantSnapshot } from "./tenant-snapshot.js";
import type { Verdict } from "./verdict.js";

/** Options of {@link createRotationGuard}. Durations are in milliseconds. */
export interface RotationGuardOptions {
  /** The Entra tenant id (a GUID). */
  tenantId: string;
  directory: DirectoryReader;
  accounts: AccountStore;
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
  /** Called once per newly released account; a throwing hook is logged and never breaks the run. */
  onReleased?: (event: ReleasedEvent) => void | Promise<void>;
  /** Store writes in flight at once. Default 8. */
  writeConcurrency?: number;
  /**
   * Keeps the reads behind the last snapshot across restarts (loaded on the first refresh, saved after
   * each). Default: none, so a new guard starts cold. A failing store is logged and ignored.
   */
  snapshotStore?: SnapshotStore;
}

/** The per-call options of the guard's checks. */
export interface CheckOptions {
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link RotationGuard.excludeFromAutoRotation}. */
export interface ExcludeFromAutoRotationOptions {
  /** Report what would change without writing anything or calling `onReleased`. */
  readonly dryRun?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Decides, per account, whether rotation must be skipped, and keeps the store's toggles in line. */
export interface RotationGuard {
  readonly tenantId: string;
  /**
   * True unless a complete read shows the account unprotected. Rejects only for invalid input
   * (`invalid-input`) or an abort; any other trouble answers `true`, so a catch-and-continue rotation
   * loop never rotates on our failure.
   */
  isRotationProtected(account: AccountInput, options?: CheckOptions): Promise<boolean>;
  /** The verdict for one account, with reason code and evidence. */
  checkProtection(account: AccountInput, options?: CheckOptions): Promise<Verdict>;
  /** One exclusion run over every managed account. */
  excludeFromAutoRotation(options?: ExcludeFromAutoRotationOptions): Promise<ExclusionReport>;
  /**
   * Learns from a failed password change: Graph's 403 `Authorization_RequestDenied` naming a restricted
   * management administrative unit excludes the account; another 403 earns one fresh check of the user.
   *
   * Limits: each failure that excludes an account lists the whole account store once to find it (fine
   * for occasional failures, costly if every rotation in a large store fails).
   */
  recordRotationFailure(
    account: AccountInput,
    failure: RotationFailure | unknown,
    options?: CheckOptions,
  ): Promise<Verdict>;
  /**
   * Plans importing the holders of directory roles (active, PIM-eligible, through role-assignable
   * groups) as managed accounts, each with its verdict: protected accounts would arrive with rotation
   * off, unprotected ones with rotation on, undecided ones off and pending verification. Writes nothing.
   * Throws `unsupported` when the directory reader has no `readRoleHolders`.
   *
   * @example
   * const plan = await guard.planRoleImport({ roles: ["Global Administrator"] });
   * const report = await guard.applyRoleImport(plan);
   */
  planRoleImport(options: PlanRoleImportOptions): Promise<RoleImportPlan>;
  /**
   * Applies a role import plan: adds the accounts the store does not manage yet, never changes an
   * operator's choice, and decides accounts we parked for verification. Idempotent. Throws
   * `unsupported` when the account store has no `add`.
   */
  applyRoleImport(plan: RoleImportPlan, options?: ApplyRoleImportOptions): Promise<RoleImportReport>;
  /** The last snapshot taken (read-only view), or undefined before the first read. */
  lastSnapshot(): TenantSnapshot | undefined;
}

const DEFAULTS = {
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

function validate(options: RotationGuardOptions): void {
  if (typeof options !== "object" || options === null) invalidOption("options must be an object", options);
  if (!isGuid(options.tenantId)) invalidOption("tenantId must be the tenant's id (a GUID)", options.tenantId);
  if (!hasMethods(options.directory, ["readProtectedUsers", "readRestrictedUnits", "checkUsers"])) {
    invalidOption("directory must implement readProtectedUsers, readRestrictedUnits and checkUsers");
  }
  if (!hasMethods(options.accounts, ["list", "update"]))
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

// A host's logger that throws must not turn a verdict into a failure.
function bindLogger(logger: Logger, tenantId: string): Logger {
  const bind =
    (level: keyof Logger) =>
    (obj: object, msg?: string): void => {
      try {
        if (msg === undefined) logger[level]({ tenantId, ...obj });
        else logger[level]({ tenantId, ...obj }, msg);
      } catch {
        // Logging is best effort.
      }
    };
  return { debug: bind("debug"), info: bind("info"), warn: bind("warn"), error: bind("error") };
}

/**
 * Creates the rotation guard of one tenant.
 *
 * @example
 * const guard = createRotationGuard({ tenantId, directory: createGraphDirectory({ ... }), accounts });
 * if (!(await guard.isRotationProtected(account.objectId))) await rotate(account);
 * const report = await guard.excludeFromAutoRotation();
 */
export function createRotationGuard(options: RotationGuardOptions): RotationGuard {
  validate(options);
  const tenantId = options.tenantId.toLowerCase();
  const log = bindLogger(options.logger ?? DEFAULTS.logger, tenantId);
  const clock = options.clock ?? DEFAULTS.clock;
  const ctx: GuardContext = {
    tenantId,
    directory: options.directory,
    accounts: options.accounts,
    log,
    clock,
    restoreReleased: options.restoreReleased ?? DEFAULTS.restoreReleased,
    writeConcurrency: options.writeConcurrency ?? DEFAULTS.writeConcurrency,
    onReleased: options.onReleased,
    refresher: createSnapshotRefresher({
      tenantId,
      directory: options.directory,
      clock,
      snapshotMaxAgeMs: options.snapshotMaxAgeMs ?? DEFAULTS.snapshotMaxAgeMs,
      unitEvidenceMaxAgeMs: options.unitEvidenceMaxAgeMs ?? DEFAULTS.unitEvidenceMaxAgeMs,
      log,
      snapshotStore: options.snapshotStore,
    }),
    denials: createDenialMemory(),
  };

  async function checkProtection(account: AccountInput, checkOptions: CheckOptions = {}): Promise<Verdict> {
    const ref = parseAccountInput(account);
    const { signal } = checkOptions;
    const snapshot = await ctx.refresher.get({ signal });
    if (ref.id === undefined) {
      const [verdict] = await classifyAccounts(ctx, snapshot, [ref], signal);
      return verdict as Verdict;
    }
    const input = {
      snapshot,
      account: ref,
      denial: ctx.denials.find(ref),
      lastCompleteAtMs: ctx.refresher.lastCompleteAtMs(),
    };
    const verdict = decideVerdict(input);
    if (verdict.status !== "unknown" || snapshot.complete) return verdict;
    // The snapshot could not tell: one fresh look at this user's own flag may.
    const { checks, checkedAtMs } = await checkUsersSafely(ctx, [ref], signal);
    return decideVerdict({ ...input, check: checks[0], checkedAtMs });
  }

  return {
    tenantId,
    checkProtection,
    async isRotationProtected(account, checkOptions = {}) {
      parseAccountInput(account);
      try {
        return (await checkProtection(account, checkOptions)).status !== "not-protected";
      } catch (error) {
        if (checkOptions.signal?.aborted && error === checkOptions.signal.reason) throw error;
        if (isRotationExclusionError(error) && error.code === "invalid-input") throw error;
        log.error(
          { error: summarizeError(error) },
          "protection check failed; answering protected so the account is not rotated",
        );
        return true;
      }
    },
    excludeFromAutoRotation: (excludeOptions) => excludeFromAutoRotation(ctx, excludeOptions),
    async recordRotationFailure(account, failure, checkOptions = {}) {
      const ref = parseAccountInput(account);
      checkOptions.signal?.throwIfAborted();
      return recordRotationFailure(ctx, ref, failure, checkOptions.signal, () =>
        checkProtection(account, checkOptions),
      );
    },
    planRoleImport: (planOptions) => planRoleImport(ctx, planOptions),
    applyRoleImport: (plan, applyOptions) => applyRoleImport(ctx, plan, applyOptions),
    lastSnapshot: () => ctx.refresher.current(),
  };
}
