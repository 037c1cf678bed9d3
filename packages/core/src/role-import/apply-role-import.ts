/**
 * Applying a role import plan: add the accounts the store does not manage yet (compare-and-set `add`;
 * a conflict is reported, never overwritten), leave managed accounts as they are, except those parked
 * by us for verification, which are decided exactly as an exclusion run would decide them. Verdicts are
 * re-decided on the guard's current snapshot, so a plan that aged before being applied never turns
 * rotation on for an account that became protected meanwhile.
 */

import { isOurRecord, planAccount } from "../guard/exclusion-plan.js";
import { accountStoreFor, type GuardContext } from "../guard/guard-context.js";
import { listManagedAccounts } from "../guard/managed-accounts.js";
import { boundedMap } from "../internal/bounded-map.js";
import { summarizeError } from "../internal/error-summary.js";
import { describeValue, isGuid } from "../internal/input-checks.js";
import type { AccountWrite, ManagedAccount, NewManagedAccount } from "../ports/account-store.js";
import { createRotationExclusionError } from "../rotation-exclusion-error.js";
import { recordRoleImport } from "../telemetry/role-import-telemetry.js";
import { decideVerdicts } from "../verdict/decide-verdicts.js";
import type { Verdict } from "../verdict/verdict.js";
import {
  holderToDecide,
  importAsFor,
  type RoleImportAccount,
  type RoleImportPlan,
} from "./plan-role-import.js";
import type {
  RoleImportConflict,
  RoleImportEntry,
  RoleImportError,
  RoleImportReport,
  RoleImportUpdate,
} from "./role-import-report.js";

/** Options of {@link applyRoleImport}. */
export interface ApplyRoleImportOptions {
  /** Report what would be written without writing anything. */
  readonly dryRun?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

type Bucket = keyof RoleImportReport["added"];

type Task =
  | { readonly type: "add"; readonly index: number; readonly entry: RoleImportEntry; readonly bucket: Bucket }
  | {
      readonly type: "update";
      readonly index: number;
      readonly entry: RoleImportUpdate;
      readonly key: string;
      readonly write: AccountWrite;
    };

function invalidPlan(message: string): never {
  throw createRotationExclusionError("invalid-input", `applyRoleImport: ${message}`);
}

/** Checks the plan is one of this tenant's, with usable object ids; drops repeated accounts. */
function accountsOf(ctx: GuardContext, plan: RoleImportPlan): RoleImportAccount[] {
  if (typeof plan !== "object" || plan === null) invalidPlan("the plan must be a planRoleImport() result");
  if (typeof plan.tenantId !== "string" || plan.tenantId.toLowerCase() !== ctx.tenantId) {
    invalidPlan(
      `the plan was made for tenant ${String(plan.tenantId)}, not for this guard's tenant ${ctx.tenantId}`,
    );
  }
  if (!Array.isArray(plan.accounts) || !Array.isArray(plan.others) || !Array.isArray(plan.findings)) {
    invalidPlan("the plan must have accounts, others and findings arrays");
  }
  const seen = new Set<string>();
  return plan.accounts.filter((account, index) => {
    if (!isGuid(account?.objectId)) invalidPlan(`accounts[${index}].objectId is not an Entra object id`);
    const id = account.objectId.toLowerCase();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function bucketOf(entry: RoleImportEntry): Bucket {
  if (entry.autoRotate) return "rotating";
  return entry.record?.kind === "exclusion" ? "excluded" : "pending";
}

/**
 * Applies a role import plan through the account store. Throws `invalid-input` for a plan of another
 * tenant, `unsupported` for a store without `add`, `store-failed` when the store cannot be listed.
 */
export async function applyRoleImport(
  ctx: GuardContext,
  plan: RoleImportPlan,
  options: ApplyRoleImportOptions = {},
): Promise<RoleImportReport> {
  const accounts = accountsOf(ctx, plan);
  const store = accountStoreFor(ctx, "applyRoleImport");
  const add = store.add;
  if (typeof add !== "function") {
    throw createRotationExclusionError(
      "unsupported",
      `The account store of tenant ${ctx.tenantId} cannot add accounts (it has no add); a role import needs it`,
      { tenantId: ctx.tenantId },
    );
  }
  const addAccount = (account: NewManagedAccount) => add.call(store, account);
  const { signal } = options;
  const dryRun = options.dryRun === true;
  signal?.throwIfAborted();
  const managed = [
    ...(await listManagedAccounts(ctx, store, signal, "nothing was imported, retry the import")),
  ];
  // What is written must rest on a fresh read (found by the fault soak: a holder who had just left
  // every restricted unit was imported as excluded on the previous cycle's snapshot).
  const snapshot = await ctx.refresher.get({ force: true, signal });
  const verdicts = await decideVerdicts(ctx, snapshot, accounts.map(holderToDecide), {
    secondLook: true,
    signal,
  });
  const now = new Date(ctx.clock()).toISOString();

  const byId = new Map<string, ManagedAccount>();
  const byUpn = new Map<string, ManagedAccount>();
  for (const account of managed) {
    const id = account.objectId?.toLowerCase();
    const upn = account.userPrincipalName?.toLowerCase();
    if (id && !byId.has(id)) byId.set(id, account);
    if (upn && !byUpn.has(upn)) byUpn.set(upn, account);
  }

  const alreadyManaged: (RoleImportEntry & { index: number })[] = [];
  const conflicts: (RoleImportConflict & { index: number })[] = [];
  const tasks: Task[] = [];
  accounts.forEach((account, index) => {
    const verdict = verdicts[index] as Verdict;
    const { objectId, userPrincipalName, displayName } = account;
    const base = { objectId, userPrincipalName, displayName, verdict };
    const sameId = byId.get(objectId.toLowerCase());
    const match = sameId ?? (userPrincipalName ? byUpn.get(userPrincipalName.toLowerCase()) : undefined);
    if (match === undefined) {
      const entry = { ...base, key: null, ...importAsFor(verdict, now) };
      tasks.push({ type: "add", index, entry, bucket: bucketOf(entry) });
      return;
    }
    // A UPN match whose object id is another user's (a UPN reused after its first owner was deleted)
    // is not this holder: report it, never mix the two users as alreadyManaged (0012, rule 9).
    if (
      sameId === undefined &&
      match.objectId !== undefined &&
      match.objectId.toLowerCase() !== objectId.toLowerCase()
    ) {
      conflicts.push({
        ...base,
        index,
        key: null,
        ...importAsFor(verdict, now),
        current: match,
        reason: `The store's account ${describeValue(match.key)} holds this UPN for another object, ${describeValue(match.objectId)}; nothing was imported`,
      });
      ctx.log.warn(
        { objectId, key: match.key, storedObjectId: match.objectId },
        "the store gives this holder's UPN to another object id; not imported",
      );
      return;
    }
    // Our own parked record is the one thing an import may change on a managed account, and only when
    // the store's account is this very user (same object id, or no object id to contradict the UPN).
    const sameUser = sameId !== undefined || match.objectId === undefined;
    if (sameUser && isOurRecord(match.record, "pendingVerification")) {
      const action = planAccount(match, verdict, { restoreReleased: ctx.restoreReleased, now });
      if (action.outcome === "excluded" || action.outcome === "activated") {
        const { write } = action;
        const entry = { ...base, key: match.key, autoRotate: write.autoRotate, record: write.record };
        tasks.push({
          type: "update",
          index,
          key: match.key,
          write,
          entry: { ...entry, outcome: action.outcome },
        });
        return;
      }
    }
    alreadyManaged.push({
      ...base,
      index,
      key: match.key,
      autoRotate: match.autoRotate,
      record: match.record ?? null,
    });
  });

  const added: Record<Bucket, (RoleImportEntry & { index: number })[]> = {
    rotating: [],
    excluded: [],
    pending: [],
  };
  const updated: (RoleImportUpdate & { index: number })[] = [];
  const errors: (RoleImportError & { index: number })[] = [];
  const deferred: (RoleImportEntry & { index: number })[] = [];

  async function run(task: Task): Promise<void> {
    const { index, entry } = task;
    try {
      // The caller's signal is not passed on: a half-cancelled compare-and-set leaves us unsure whether
      // it landed. Writes are short; an abort only stops new ones.
      const newAccount: NewManagedAccount = {
        objectId: entry.objectId,
        ...(entry.userPrincipalName === null ? {} : { userPrincipalName: entry.userPrincipalName }),
        autoRotate: entry.autoRotate,
        record: entry.record,
      };
      const result =
        task.type === "add" ? await addAccount(newAccount) : await store.update(task.key, task.write);
      if (result.status === "conflict") {
        conflicts.push({ ...entry, index, current: result.current });
        ctx.log.warn(
          { objectId: entry.objectId, write: task.type },
          "account exists or changed; not overwritten",
        );
        return;
      }
      const written = { ...entry, index, key: result.account.key };
      if (task.type === "add") added[task.bucket].push(written);
      else updated.push({ ...task.entry, ...written });
      ctx.log.info(
        { key: written.key, objectId: entry.objectId, write: task.type, autoRotate: entry.autoRotate },
        "role import wrote an account",
      );
    } catch (error) {
      const summary = summarizeError(error);
      errors.push({ ...entry, index, message: `${summary.name}: ${summary.message}` });
      ctx.log.error(
        { objectId: entry.objectId, write: task.type, error: summary },
        "role import write failed; the import continues",
      );
    }
  }

  let started = tasks.length;
  if (dryRun) {
    for (const task of tasks) {
      if (task.type === "add") added[task.bucket].push({ ...task.entry, index: task.index });
      else updated.push({ ...task.entry, index: task.index });
    }
  } else {
    ({ started } = await boundedMap(tasks, run, { concurrency: ctx.writeConcurrency, signal }));
  }
  const aborted = started < tasks.length;
  for (const task of tasks.slice(started)) deferred.push({ ...task.entry, index: task.index });

  // Concurrent writes finish in any order; reports list accounts in the plan's order.
  const inOrder = <T extends { index: number }>(list: T[]): Omit<T, "index">[] =>
    list.sort((a, b) => a.index - b.index).map(({ index: _index, ...entry }) => entry);
  const report: RoleImportReport = {
    tenantId: ctx.tenantId,
    dryRun,
    aborted,
    complete: plan.complete === true && !aborted && errors.length === 0,
    added: {
      rotating: inOrder(added.rotating),
      excluded: inOrder(added.excluded),
      pending: inOrder(added.pending),
    },
    alreadyManaged: inOrder(alreadyManaged),
    updated: inOrder(updated),
    deferred: inOrder(deferred),
    conflicts: inOrder(conflicts),
    errors: inOrder(errors),
    skipped: plan.others,
    findings: plan.findings,
  };
  ctx.log.info(
    {
      dryRun,
      aborted,
      complete: report.complete,
      addedRotating: report.added.rotating.length,
      addedExcluded: report.added.excluded.length,
      addedPending: report.added.pending.length,
      alreadyManaged: report.alreadyManaged.length,
      updated: report.updated.length,
      conflicts: report.conflicts.length,
      errors: report.errors.length,
    },
    "role import applied",
  );
  recordRoleImport(plan, report);
  return report;
}
