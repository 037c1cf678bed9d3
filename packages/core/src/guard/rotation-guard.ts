/**
 * The rotation guard: the entry point a password-rotation service embeds to skip, and exclude from
 * automatic rotation, Entra accounts in restricted management administrative units.
 */
import { bindLogger } from "../internal/bound-logger.js";
import { summarizeError } from "../internal/error-summary.js";
import type { RotationFailure } from "../ports/directory-reader.js";
import { type ApplyRoleImportOptions, applyRoleImport } from "../role-import/apply-role-import.js";
import {
  type PlanRoleImportOptions,
  planRoleImport,
  type RoleImportPlan,
} from "../role-import/plan-role-import.js";
import type { RoleImportReport } from "../role-import/role-import-report.js";
import { isRotationExclusionError } from "../rotation-exclusion-error.js";
import { createSnapshotRefresher } from "../snapshot/snapshot-refresher.js";
import type { TenantSnapshot } from "../snapshot/tenant-snapshot.js";
import { decideVerdicts } from "../verdict/decide-verdicts.js";
import { createDenialMemory } from "../verdict/denial-memory.js";
import type { Verdict } from "../verdict/verdict.js";
import { type AccountInput, parseAccountInput } from "./account-input.js";
import { excludeFromAutoRotation } from "./exclude-from-auto-rotation.js";
import type { ExclusionReport } from "./exclusion-report.js";
import type { GuardContext } from "./guard-context.js";
import { GUARD_DEFAULTS, type RotationGuardOptions, validateGuardOptions } from "./guard-options.js";
import { recordRotationFailure } from "./record-rotation-failure.js";

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
  /**
   * One exclusion run over every managed account: turns automatic rotation off on positive evidence,
   * reports what it could not decide. Throws `unsupported` on a guard without an account store.
   */
  excludeFromAutoRotation(options?: ExcludeFromAutoRotationOptions): Promise<ExclusionReport>;
  /**
   * Learns from a failed password change: Graph's 403 `Authorization_RequestDenied` naming a restricted
   * management administrative unit excludes the account; another 403 earns one fresh check of the user.
   *
   * Throws `unsupported` on a guard without an account store.
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
   * `unsupported` on a guard without an account store, or when the store has no `add`.
   */
  applyRoleImport(plan: RoleImportPlan, options?: ApplyRoleImportOptions): Promise<RoleImportReport>;
  /**
   * Reads the tenant snapshot now, as an exclusion run does before deciding (the protected set, and the
   * unit evidence when it is due), and returns it: what a read-only guard shows in a scan or an audit.
   * Directory trouble makes the snapshot incomplete, never an error; rejects only on abort.
   */
  refreshSnapshot(options?: CheckOptions): Promise<TenantSnapshot>;
  /** The last snapshot taken (read-only view), or undefined before the first read. */
  lastSnapshot(): TenantSnapshot | undefined;
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
  validateGuardOptions(options);
  const tenantId = options.tenantId.toLowerCase();
  const log = bindLogger(options.logger ?? GUARD_DEFAULTS.logger, { tenantId });
  const clock = options.clock ?? GUARD_DEFAULTS.clock;
  const refresher = createSnapshotRefresher({
    tenantId,
    directory: options.directory,
    clock,
    snapshotMaxAgeMs: options.snapshotMaxAgeMs ?? GUARD_DEFAULTS.snapshotMaxAgeMs,
    unitEvidenceMaxAgeMs: options.unitEvidenceMaxAgeMs ?? GUARD_DEFAULTS.unitEvidenceMaxAgeMs,
    log,
    snapshotStore: options.snapshotStore,
  });
  const ctx: GuardContext = {
    tenantId,
    directory: options.directory,
    accounts: options.accounts,
    log,
    clock,
    restoreReleased: options.restoreReleased ?? GUARD_DEFAULTS.restoreReleased,
    writeConcurrency: options.writeConcurrency ?? GUARD_DEFAULTS.writeConcurrency,
    onReleased: options.onReleased,
    refresher,
    denials: createDenialMemory(),
    notices: { releaseAlertFlagDropped: false },
    lastCompleteAtMs: () => refresher.lastCompleteAtMs(),
    resolvedUpns: new WeakMap(),
  };

  async function checkProtection(account: AccountInput, checkOptions: CheckOptions = {}): Promise<Verdict> {
    const ref = parseAccountInput(account);
    const { signal } = checkOptions;
    const snapshot = await refresher.get({ signal });
    const [verdict] = await decideVerdicts(ctx, snapshot, [ref], { secondLook: true, signal });
    return verdict as Verdict;
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
    refreshSnapshot: (snapshotOptions = {}) => refresher.get({ force: true, signal: snapshotOptions.signal }),
    lastSnapshot: () => refresher.current(),
  };
}
