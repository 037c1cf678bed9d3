/**
 * Planning a role import: read the holders of the named directory roles, merge them per user, decide
 * each user's verdict with the same rules as every other check, and say how each would be imported
 * (rotation off with our exclusion record when protected, on when not, off and pending when unknown).
 * Nothing is written here; `applyRoleImport` writes a plan.
 */

import { exclusionRecordFor, pendingRecordFor } from "../guard/exclusion-plan.js";
import type { GuardContext } from "../guard/guard-context.js";
import { summarizeError } from "../internal/error-summary.js";
import type { AutoRotateRecord } from "../ports/account-store.js";
import type { RoleHoldersRead, RoleReadFailure } from "../ports/directory-reader.js";
import { createRotationExclusionError } from "../rotation-exclusion-error.js";
import type { Finding } from "../snapshot/finding.js";
import type { AccountToDecide } from "../verdict/account-to-decide.js";
import { decideVerdicts } from "../verdict/decide-verdicts.js";
import type { Verdict } from "../verdict/verdict.js";
import { mergeRoleHolders } from "./role-holder-merge.js";
import { collectRoleFindings } from "./role-import-findings.js";
import { parseRoleNames } from "./role-input.js";

/** One way a principal holds a role. */
export interface RoleImportPath {
  readonly roleId: string;
  readonly roleDisplayName: string | null;
  /** `active` (a role assignment) or `eligible` (PIM eligibility). */
  readonly kind: "active" | "eligible";
  /** The role-assignable group the role is held through, or `null` for a direct assignment. */
  readonly via: { readonly groupId: string; readonly groupDisplayName: string | null } | null;
  /** As the directory reports it: `/`, `/administrativeUnits/{id}`, or another object's scope. */
  readonly directoryScopeId: string;
  /** `tenant` for `/`, `administrativeUnit` for a unit-scoped assignment, `other` for anything else. */
  readonly scope: "tenant" | "administrativeUnit" | "other";
  /** The unit of a unit-scoped assignment (lower case), else `null`. */
  readonly unitId: string | null;
  readonly assignmentId: string;
}

/** How an account would be imported: its toggle and the record that explains it. */
export interface RoleImportAs {
  readonly autoRotate: boolean;
  /** Our exclusion record (protected), our `pendingVerification` record (unknown), or `null`. */
  readonly record: AutoRotateRecord | null;
}

/** A user holding one or more of the roles, with its verdict and how it would be imported. */
export interface RoleImportAccount {
  readonly objectId: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
  /** Every path through which the user holds a role (never empty). */
  readonly paths: readonly RoleImportPath[];
  readonly verdict: Verdict;
  readonly importAs: RoleImportAs;
}

/** A role holder that is never imported: a service principal, an agent user (no password), or a principal of unknown type. */
export interface RoleImportOther {
  readonly principalId: string;
  readonly principalType: "servicePrincipal" | "agentUser" | "other";
  readonly displayName: string | null;
  /** Every path through which it holds a role (`via` is always `null`). */
  readonly paths: readonly RoleImportPath[];
}

/** One requested role and how well it could be read. */
export interface RoleImportRole {
  /** The role as the caller named it. */
  readonly requested: string;
  /** The role definition found, or `null` when none matched (or its definition could not be read). */
  readonly role: { readonly id: string; readonly displayName: string | null } | null;
  /** True when the definition, both assignment lists and every group's members were read. */
  readonly complete: boolean;
  readonly failures: readonly RoleReadFailure[];
}

/** What a role import would do, per account; nothing written yet. */
export interface RoleImportPlan {
  readonly tenantId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** False when any role read is incomplete: some holders may be missing from `accounts`. */
  readonly complete: boolean;
  readonly roles: readonly RoleImportRole[];
  /** One entry per user, in order of first appearance. */
  readonly accounts: readonly RoleImportAccount[];
  /** Service principals and other non-user holders: reported, never imported. */
  readonly others: readonly RoleImportOther[];
  /** Role findings first, then the findings of the snapshot the verdicts were decided on. */
  readonly findings: readonly Finding[];
}

/** Options of {@link planRoleImport}. */
export interface PlanRoleImportOptions {
  /** Role display names (`Global Administrator`) or role template ids (GUIDs). */
  readonly roles: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/** A role holder as an account to decide: its object id and, when the directory names it, its UPN. */
export function holderToDecide(holder: {
  readonly objectId: string;
  readonly userPrincipalName: string | null;
}): AccountToDecide {
  const id = holder.objectId.toLowerCase();
  return holder.userPrincipalName === null ? { id } : { id, userPrincipalName: holder.userPrincipalName };
}

/** How a verdict is imported: the safety rules of rotation, applied to a new account. */
export function importAsFor(verdict: Verdict, now: string): RoleImportAs {
  switch (verdict.status) {
    case "protected":
      return { autoRotate: false, record: exclusionRecordFor(verdict, now) };
    case "not-protected":
      return { autoRotate: true, record: null };
    case "unknown":
      // We could not tell: the account arrives with rotation off, parked for the next exclusion run.
      return { autoRotate: false, record: pendingRecordFor(verdict, now) };
  }
}

function failedRead(requested: string, kind: "unavailable" | "bad-response", message: string) {
  const failure = { kind, message: `Reading the holders of role "${requested}": ${message}` };
  return {
    role: null,
    users: [],
    others: [],
    complete: false,
    failures: [{ step: "role-definition" as const, failure }],
  } satisfies RoleHoldersRead;
}

function isRoleHoldersRead(value: unknown): value is RoleHoldersRead {
  const read = value as Partial<RoleHoldersRead> | null;
  return (
    typeof read === "object" &&
    read !== null &&
    Array.isArray(read.users) &&
    Array.isArray(read.others) &&
    Array.isArray(read.failures) &&
    typeof read.complete === "boolean"
  );
}

// The port promises never to throw except on abort; a reader that throws anyway (or answers garbage)
// makes that role's read incomplete, never silently empty.
async function readRole(
  ctx: GuardContext,
  requested: string,
  signal: AbortSignal | undefined,
): Promise<RoleHoldersRead> {
  try {
    const read: unknown = await ctx.directory.readRoleHolders?.(requested, signal ? { signal } : {});
    if (isRoleHoldersRead(read)) return read;
    ctx.log.error({ role: requested }, "readRoleHolders answered an unexpected shape");
    return failedRead(requested, "bad-response", "the reader answered an unexpected shape");
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const summary = summarizeError(error);
    ctx.log.error({ role: requested, error: summary }, "readRoleHolders threw; the role read is incomplete");
    return failedRead(requested, "unavailable", `readRoleHolders threw ${summary.name}`);
  }
}

/**
 * Plans a role import for the guard's tenant. Throws `invalid-input` for bad role names, `unsupported`
 * when the directory reader cannot read role holders, and rejects with `signal.reason` on abort.
 */
export async function planRoleImport(
  ctx: GuardContext,
  options: PlanRoleImportOptions,
): Promise<RoleImportPlan> {
  if (typeof options !== "object" || options === null) {
    throw createRotationExclusionError("invalid-input", "planRoleImport needs { roles }");
  }
  const requested = parseRoleNames(options.roles);
  const { signal } = options;
  if (typeof ctx.directory.readRoleHolders !== "function") {
    throw createRotationExclusionError(
      "unsupported",
      `The directory reader of tenant ${ctx.tenantId} cannot read role holders (it has no readRoleHolders); use a reader that implements it, such as @rotation-exclusion/graph-adapter's`,
      { tenantId: ctx.tenantId },
    );
  }
  signal?.throwIfAborted();
  const createdAt = new Date(ctx.clock()).toISOString();

  // One role at a time: role reads are several paged listings each, and throttling is per tenant.
  const reads: RoleHoldersRead[] = [];
  for (const role of requested) reads.push(await readRole(ctx, role, signal));
  const merged = mergeRoleHolders(reads);
  const snapshot = await ctx.refresher.get({ signal });
  const verdicts = await decideVerdicts(ctx, snapshot, merged.users.map(holderToDecide), {
    secondLook: true,
    signal,
  });
  const now = new Date(ctx.clock()).toISOString();
  const accounts = merged.users.map((user, index): RoleImportAccount => {
    const verdict = verdicts[index] as Verdict;
    return { ...user, verdict, importAs: importAsFor(verdict, now) };
  });
  const roles = reads.map(
    (read, index): RoleImportRole => ({
      requested: requested[index] as string,
      role: read.role,
      complete: read.complete && read.failures.length === 0,
      failures: read.failures,
    }),
  );
  const plan: RoleImportPlan = {
    tenantId: ctx.tenantId,
    createdAt,
    complete: roles.every((role) => role.complete),
    roles,
    accounts,
    others: merged.others,
    findings: [...collectRoleFindings(roles, merged.others), ...snapshot.findings],
  };
  const count = (status: Verdict["status"]) => verdicts.filter((v) => v.status === status).length;
  ctx.log.info(
    {
      roles: requested.length,
      complete: plan.complete,
      accounts: accounts.length,
      protected: count("protected"),
      notProtected: count("not-protected"),
      unknown: count("unknown"),
      others: plan.others.length,
    },
    "role import planned",
  );
  return plan;
}
