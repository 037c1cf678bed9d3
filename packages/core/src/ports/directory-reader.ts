/**
 * The directory reader port: what core needs to know from Microsoft Entra ID. Implemented by the Graph
 * adapter (`@rotation-exclusion/graph-adapter`) and by the in-memory fake (`@rotation-exclusion/testing`).
 *
 * Infrastructure trouble (throttling, a missing permission, a bad page) is reported as data
 * (`complete: false` with a `failure`), never thrown, so that positive evidence read before the trouble
 * is kept. Methods reject only when the call's `AbortSignal` aborts (with the signal's reason).
 */

/** Options every directory call takes. */
export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
}

/** Why a directory read did not complete. */
export type DirectoryFailureKind =
  /** 429 (or 503/504) that outlasted the retries. */
  | "throttled"
  /** 403: the app lacks a permission (or the object is hidden from it). */
  | "permission-missing"
  /** 404: the object does not exist (or is not visible). */
  | "not-found"
  /** The directory does not support the query (for example a cloud where a property is not yet GA). */
  | "unsupported"
  /** A 2xx whose body is not what Graph documents (malformed JSON, missing fields, wrong types). */
  | "bad-response"
  /**
   * The credential was refused: Graph answered 401 after the one token refresh, or the authority refused
   * the token request (a bad or expired secret, an app not in the tenant, no consent, an unknown tenant).
   * Retrying will not help until the credential or the consent is fixed.
   */
  | "authentication-failed"
  /** Network error, 5xx, an unreachable token endpoint, or a per-call deadline. */
  | "unavailable";

/** A directory failure in core's words, with enough detail for a report. Never holds a token. */
export interface DirectoryFailure {
  readonly kind: DirectoryFailureKind;
  /** What failed, on which object, in plain words. */
  readonly message: string;
  readonly status?: number | undefined;
  /** Graph's `error.code`, when there was one. */
  readonly code?: string | undefined;
  /** Graph's `request-id` response header, for support cases. */
  readonly requestId?: string | undefined;
}

/** A user as the directory names it. */
export interface DirectoryUser {
  readonly id: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
}

/**
 * Whether the protected-set query (users whose `isManagementRestricted` is true) could be used:
 * `available`, `unsupported` (the directory answered 400 naming the property) or `forbidden` (403).
 * When it is not available, unit enumeration is the only signal.
 */
export type PrimarySignal = "available" | "unsupported" | "forbidden";

/** The result of reading the protected set. */
export interface ProtectedUsersRead {
  readonly primarySignal: PrimarySignal;
  /** Every user read with `isManagementRestricted: true`, from every page that was read. */
  readonly users: readonly DirectoryUser[];
  /** True only when every page was read without error (always false when the signal is unavailable). */
  readonly complete: boolean;
  readonly failure?: DirectoryFailure | undefined;
}

/**
 * The direct members of one restricted unit, by object type. Graph's declared subtypes count as their
 * base type: an `agentUser` is a user (Microsoft Graph v1.0 schema).
 */
export interface UnitMembers {
  readonly userIds: readonly string[];
  readonly groupIds: readonly string[];
  /**
   * Display names of member groups, by the id as listed in `groupIds`, where the directory named them.
   * Only for findings a person reads (a group in a restricted unit); never evidence. Optional: a reader
   * that does not name groups leaves them named by id.
   */
  readonly groupDisplayNames?: Readonly<Record<string, string>> | undefined;
  readonly deviceIds: readonly string[];
  /**
   * Members whose `@odata.type` is missing, or is not a user, group or device (nor a declared subtype of
   * one). Never treated as users, and never proof that an account is not protected: a managed account
   * with such an id is `unknown` (`bad-response`), since the unit may well protect it.
   */
  readonly otherIds: readonly string[];
  /** True when every page of members was read without error. */
  readonly complete: boolean;
  readonly failure?: DirectoryFailure | undefined;
  /**
   * For hidden-membership units: `true` only when the reader knows the app may see hidden members
   * (Member.Read.Hidden is granted). Without it Graph may answer 200 with a short or empty list
   * (docs/decisions/0002), so core never treats such a listing as proof that someone is not a member.
   * Ignored for public units.
   */
  readonly hiddenMembersVisible?: boolean | undefined;
}

/** A restricted management administrative unit (`isMemberManagementRestricted: true`). */
export interface RestrictedUnit {
  readonly id: string;
  readonly displayName: string | null;
  /** `dynamic` membership follows a rule, which can drop an account without anyone noticing. */
  readonly membershipType: "assigned" | "dynamic";
  /** `hiddenMembership` units list members only to apps with Member.Read.Hidden. */
  readonly visibility: "public" | "hiddenMembership";
  readonly members: UnitMembers;
}

/** The result of enumerating restricted units and their members. */
export interface RestrictedUnitsRead {
  /** Only units with `isMemberManagementRestricted: true`. */
  readonly units: readonly RestrictedUnit[];
  /** True when every page of the unit list was read (member reads are judged per unit). */
  readonly complete: boolean;
  readonly failure?: DirectoryFailure | undefined;
}

/**
 * One administrative unit as a round of change tracking reports it (Graph's `administrativeUnit: delta`,
 * docs/decisions/0016). Graph names any changed unit, restricted or not: an updated unit carries its id
 * and at least what changed, so a property the entry did not carry is `undefined`, never a default.
 */
export interface UnitChange {
  readonly id: string;
  /** The unit was deleted (`@removed`, reason `changed` or `deleted`). */
  readonly removed: boolean;
  /** `isMemberManagementRestricted` when the entry carried it (it cannot change once set, decision 0002). */
  readonly isMemberManagementRestricted?: boolean | undefined;
  readonly displayName?: string | null | undefined;
  readonly membershipType?: "assigned" | "dynamic" | undefined;
  readonly visibility?: "public" | "hiddenMembership" | undefined;
  /** Direct members added (`members@delta` entries without `@removed`), by object type as in {@link UnitMembers}. */
  readonly membersAdded: {
    readonly userIds: readonly string[];
    readonly groupIds: readonly string[];
    readonly deviceIds: readonly string[];
    readonly otherIds: readonly string[];
  };
  /** Ids of direct members removed (`members@delta` entries with `@removed`), of any type. */
  readonly membersRemoved: readonly string[];
}

/**
 * The result of one round of unit change tracking:
 * - `complete`: every page was read up to the new `deltaLink` (opaque; keep it for the next round).
 * - `incomplete`: the round broke part way; what it read is dropped and the old link stays valid.
 * - `resync-required`: the link expired or Graph asked for a full synchronization (410, `syncStateNotFound`);
 *   read the units in full and start tracking again.
 * - `unsupported`: this directory cannot track unit changes (a cloud without the function); read in full.
 */
export type UnitChangesRead =
  | { readonly outcome: "complete"; readonly changes: readonly UnitChange[]; readonly deltaLink: string }
  | {
      readonly outcome: "incomplete" | "resync-required" | "unsupported";
      readonly failure: DirectoryFailure;
    };

/** How the caller names an account: an Entra object id, a UPN, or both. */
export type AccountRef =
  | { readonly id: string; readonly userPrincipalName?: string | undefined }
  | { readonly id?: undefined; readonly userPrincipalName: string };

/** The answer of a per-user check. */
export type UserCheck =
  | {
      readonly outcome: "found";
      readonly user: DirectoryUser;
      /**
       * `true`/`false` from the user's `isManagementRestricted` (Graph's `null` reads as `false`), or
       * `unavailable` when the directory cannot report the property (fallback mode).
       */
      readonly isManagementRestricted: boolean | "unavailable";
    }
  | { readonly outcome: "failed"; readonly failure: DirectoryFailure };

/** How a user came to hold a directory role: directly, or through a role-assignable group. */
export interface RoleUserHolder {
  readonly user: DirectoryUser;
  /** `active` (roleAssignments) or `eligible` (PIM roleEligibilityScheduleInstances). */
  readonly kind: "active" | "eligible";
  /** The role-assignable group the user holds the role through, or `null` for a direct assignment. */
  readonly via: { readonly groupId: string; readonly groupDisplayName: string | null } | null;
  /** `/` for tenant-wide assignments, `/administrativeUnits/{id}` for unit-scoped ones. */
  readonly directoryScopeId: string;
  readonly assignmentId: string;
}

/**
 * A role holder that is not imported as an account: a service principal (or one of its declared subtypes,
 * `agentIdentity`, `agentIdentityBlueprintPrincipal`), an agent user (no password to rotate), or a
 * principal of unknown type.
 */
export interface RoleOtherHolder {
  readonly principalId: string;
  readonly principalType: "servicePrincipal" | "agentUser" | "other";
  readonly displayName: string | null;
  readonly kind: "active" | "eligible";
  readonly directoryScopeId: string;
  readonly assignmentId: string;
}

/** One step of a role read that failed. */
export interface RoleReadFailure {
  readonly step: "role-definition" | "active-assignments" | "eligible-assignments" | "group-members";
  /** For `group-members`: the role-assignable group whose members could not be read. */
  readonly groupId?: string | undefined;
  readonly groupDisplayName?: string | null | undefined;
  readonly failure: DirectoryFailure;
}

/** The holders of one directory role, role-assignable groups expanded to their direct user members. */
export interface RoleHoldersRead {
  /** The role asked for, or `null` when no role definition matched (not a failure: a finding). */
  readonly role: { readonly id: string; readonly displayName: string | null } | null;
  /** One entry per (user, assignment path); the same user may appear through several paths. */
  readonly users: readonly RoleUserHolder[];
  readonly others: readonly RoleOtherHolder[];
  /** True when the role definition, both assignment lists and every group's members were read. */
  readonly complete: boolean;
  readonly failures: readonly RoleReadFailure[];
}

/** Request statistics of one directory reader. */
export interface DirectoryStats {
  readonly requests: number;
  readonly retries: number;
  readonly throttled: number;
  readonly byEndpoint: Readonly<
    Record<string, { readonly requests: number; readonly retries: number; readonly throttled: number }>
  >;
}

/**
 * A rotation failure in neutral terms (core knows no Graph types): the HTTP status, Graph's error code
 * and message of a failed password change.
 */
export interface RotationFailure {
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  readonly requestId?: string | undefined;
}

/** The directory reader port. */
export interface DirectoryReader {
  /** Users whose `isManagementRestricted` is true, following every page. */
  readProtectedUsers(options?: ReadOptions): Promise<ProtectedUsersRead>;
  /** Restricted units (filtered on `isMemberManagementRestricted === true`) with their direct members. */
  readRestrictedUnits(options?: ReadOptions): Promise<RestrictedUnitsRead>;
  /**
   * Changes to administrative units since `deltaLink` (a link from an earlier complete round), or, without
   * one, a link that tracks changes from now on (`complete` with no changes). Optional: a reader without
   * it, or one that answers `unsupported`, leaves the guard on full reads (docs/decisions/0016).
   */
  readRestrictedUnitChanges?(deltaLink: string | undefined, options?: ReadOptions): Promise<UnitChangesRead>;
  /** One fresh check per account, in the order given. UPN-only refs are resolved to object ids. */
  checkUsers(refs: readonly AccountRef[], options?: ReadOptions): Promise<readonly UserCheck[]>;
  /**
   * Holders of a directory role, named by display name or role template id (a GUID): active and
   * PIM-eligible assignments, role-assignable groups expanded to their user members.
   */
  readRoleHolders?(role: string, options?: ReadOptions): Promise<RoleHoldersRead>;
  /** Normalizes an error thrown by the host's rotation call (for example an SDK error) into core's terms. */
  classifyFailure?(error: unknown): RotationFailure | undefined;
  /** Request statistics so far. */
  stats?(): DirectoryStats;
}
