/**
 * The agreed interface between the contract suite and each directory implementation's harness: faults
 * and permissions in contract terms, which each harness maps to its own mechanism (data for the
 * in-memory reader, HTTP behaviour for the Graph adapter over the fake server).
 */
import type { DirectoryReader } from "@rotation-exclusion/core";
import type { TenantModel } from "../tenant-model.js";

/**
 * A fault in contract terms, and the failure kind each maps to:
 * `throttled` (429 outlasting retries) -> `throttled`; `forbidden` (403) -> `permission-missing`;
 * `unsupported` (400 naming isManagementRestricted, protected-users only) -> `unsupported`;
 * `server-error` (503/504) -> `unavailable` (or `throttled`); `network` (connection reset) -> `unavailable`;
 * `bad-response` (200 with malformed JSON) -> `bad-response`; `not-found` (404) -> `not-found`;
 * `unauthorized` (401 that outlasts the one token refresh) -> `authentication-failed`.
 */
export type ContractFaultKind =
  | "throttled"
  | "forbidden"
  | "unsupported"
  | "server-error"
  | "network"
  | "bad-response"
  | "not-found"
  | "unauthorized";

/**
 * Where a fault strikes. Contract faults are persistent (every attempt fails), so readers with and
 * without a retry layer give the same results. `page` is 1-based (default 1). Role-read faults strike
 * every page of their listing.
 */
export type ContractFault =
  | { readonly operation: "protected-users"; readonly kind: ContractFaultKind; readonly page?: number }
  | { readonly operation: "restricted-units"; readonly kind: ContractFaultKind; readonly page?: number }
  | {
      readonly operation: "unit-members";
      readonly unitId: string;
      readonly kind: ContractFaultKind;
      readonly page?: number;
    }
  | { readonly operation: "user-check"; readonly userId: string; readonly kind: ContractFaultKind }
  /** A page of a round of unit change tracking (Graph: `administrativeUnits.delta`). */
  | { readonly operation: "unit-changes"; readonly kind: ContractFaultKind; readonly page?: number }
  /** Role definition lookup (Graph: `roleDefinitions.list`, or `roleDefinitions.get` for an id). */
  | { readonly operation: "role-definition"; readonly kind: ContractFaultKind }
  /** Active role assignments (Graph: `roleAssignments.list`; 403 = no RoleManagement.Read.Directory). */
  | { readonly operation: "role-assignments"; readonly kind: ContractFaultKind }
  /** PIM eligibility (Graph: `roleEligibility.list`; 403 = no RoleEligibilitySchedule.Read.Directory). */
  | { readonly operation: "role-eligibility"; readonly kind: ContractFaultKind }
  /** Members of one role-assignable group (Graph: `groups.members`; 403 = no GroupMember.Read.All). */
  | { readonly operation: "group-members"; readonly groupId: string; readonly kind: ContractFaultKind };

/** How a harness sets up the directory under test. */
export interface DirectoryHarnessOptions {
  readonly faults?: readonly ContractFault[];
  /** Page size for every listing (protected users, units, unit members). Default: the implementation's own. */
  readonly pageSize?: number;
  /**
   * `false`: the directory cannot track unit changes, as a cloud whose schema lacks
   * `administrativeUnit: delta` (docs/decisions/0016). Default true.
   */
  readonly unitChangeTracking?: boolean;
  /** App permission simulation. Defaults: everything granted. */
  readonly permissions?: {
    /** Member.Read.Hidden. Without it, hidden-membership units answer per `hiddenUnitBehavior`. Default true. */
    readonly memberReadHidden?: boolean;
    /**
     * What a hidden-membership unit's member listing does without Member.Read.Hidden. Default "forbidden"
     * (403). `empty`: 200 with no members. `omit-users`: 200 listing only the non-user members (the
     * silently short list of docs/decisions/0002).
     */
    readonly hiddenUnitBehavior?: "forbidden" | "empty" | "omit-users";
  };
}

/** A directory reader set up over a tenant, disposed after the test (`await using`). */
export interface DirectoryUnderTest extends AsyncDisposable {
  readonly directory: DirectoryReader;
}

/** What an implementation gives the contract suite: a way to set up its reader over a tenant. */
export interface DirectoryHarness {
  create(tenant: TenantModel, options?: DirectoryHarnessOptions): Promise<DirectoryUnderTest>;
}
