/**
 * The posture report: every tenant's restricted management administrative units, protected accounts,
 * Global Administrators and findings, merged from live reads or saved JSON, with where each part came
 * from. Every renderer (HTML, Markdown, CSV, JSON) reads this one model, so the formats cannot disagree.
 *
 * `unknown` never looks green: only `protected` verdicts count as protected, and a tenant whose read was
 * incomplete is neither "no restricted unit" nor "fewer than two protected Global Administrators"
 * (those flags are `null`, "cannot tell").
 */

/** The `kind` of the report's JSON document (`--format json`). */
export const POSTURE_REPORT_KIND = "rotation-exclusion.posture-report";

/** The schema version of the report's JSON document. */
export const POSTURE_REPORT_SCHEMA_VERSION = 1;

/** A finding's severity, mildest first. */
export type Severity = "info" | "warning" | "error";

/** Severities in rank order (mildest first). */
export const SEVERITIES = ["info", "warning", "error"] as const satisfies readonly Severity[];

/** An account's verdict: only `protected` counts as protected. */
export type AccountStatus = "protected" | "not-protected" | "unknown";

/**
 * A part of a tenant's posture, or the fact that no input had it: renderers print "not available from
 * this input" for `available: false`, never a zero. `source` names the input it came from.
 */
export type Section<T> =
  | { readonly available: true; readonly source: string; readonly value: T }
  | { readonly available: false };

/** What kind of input a report was built from. */
export type ReportInputKind = "scan" | "audit" | "cycle" | "live";

/** One input of the report: a saved JSON file (with its SHA-256) or a live read. */
export interface ReportInputRecord {
  /** The file name as given (`--from`), or `live` for a live read. */
  readonly name: string;
  readonly kind: ReportInputKind;
  /** Hex SHA-256 of the file's bytes; `null` for a live read. */
  readonly sha256: string | null;
  /** When the input was produced (its `generatedAt`), if it says. */
  readonly generatedAt: string | null;
  /** The tenants the input holds (lower case), so a one-tenant export can drop the others' inputs. */
  readonly tenantIds: readonly string[];
}

/** A restricted management administrative unit of a tenant. */
export interface ReportUnit {
  readonly id: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly membershipType: "assigned" | "dynamic";
  readonly visibility: "public" | "hiddenMembership";
  /** False when its members could not be read (hidden membership without permission, a failed read). */
  readonly membersReadable: boolean;
  /** Object ids of its user members (lower case). */
  readonly memberIds: readonly string[];
}

/** One signal that an account is protected, with when it was seen (ISO 8601). */
export interface ReportEvidence {
  readonly kind: "restricted-flag" | "unit-member" | "rotation-denied";
  readonly observedAt: string;
  readonly unitId?: string;
  readonly unitDisplayName?: string | null;
  /** `rotation-denied`: Graph's error message and request id (Microsoft support asks for it). */
  readonly message?: string;
  readonly requestId?: string | null;
}

/** An account the report lists, with its verdict and why it is listed. */
export interface ReportAccount {
  /** Entra object id (lower case); `null` for an account known only by a UPN that did not resolve. */
  readonly id: string | null;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
  readonly status: AccountStatus;
  /** The verdict's reason code (`unit-member`, `throttled`, ...). */
  readonly reasonCode: string;
  readonly reason: string;
  readonly evidence: readonly ReportEvidence[];
  /** Restricted units whose member lists name the account. */
  readonly unitIds: readonly string[];
  /** The role paths it holds (`Global Administrator (active, direct)`); empty when none were read. */
  readonly roles: readonly string[];
  /** Whether it holds Global Administrator; `null` when the input did not read role holders. */
  readonly globalAdministrator: boolean | null;
  /** Why it is listed: `protected set`, a role path, `--user <value>`, `cycle: excluded`, ... */
  readonly listedBecause: readonly string[];
}

/** A finding about a tenant. */
export interface ReportFinding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** What to do about it, when the input says. */
  readonly action: string | null;
  readonly unitId?: string;
  readonly objectId?: string;
}

/** Verdict counts of a set of accounts. */
export interface StatusCounts {
  readonly protected: number;
  readonly notProtected: number;
  readonly unknown: number;
}

/** One tenant's posture. */
export interface TenantPosture {
  /** Lower-case tenant id (GUID). */
  readonly tenantId: string;
  /** From the tenant list file, when it gave one. */
  readonly displayName: string | null;
  /** The national cloud, when the tenant list gave one (`global`, `usGovHigh`, `china`, ...). */
  readonly cloud: string | null;
  /** When the oldest data shown for this tenant was read (ISO 8601; the oldest input a section came from), if known. */
  readonly readAt: string | null;
  /** True when `readAt` is older than the report's `staleAfterHours` (or unknown). */
  readonly stale: boolean;
  /** False when any read was incomplete; incomplete tenants leave undecided accounts `unknown`. */
  readonly complete: boolean;
  /** Why it was incomplete (a reason code such as `throttled`), when known. */
  readonly incompleteReason: string | null;
  /** Set when the tenant could not be read at all (a failed live read): what failed, redacted. */
  readonly error: string | null;
  /** The inputs this tenant's data came from (input names). */
  readonly sources: readonly string[];
  readonly restrictedUnits: Section<readonly ReportUnit[]>;
  /**
   * The accounts listed in full. A renderer may embed only those that need attention (protected,
   * unknown, role holders); `accountCounts` counts them all. Ordered `unknown` first, then `protected`,
   * then `not-protected`, each by user principal name (case-insensitive, unnamed last), then id.
   */
  readonly accounts: Section<readonly ReportAccount[]>;
  readonly accountCounts: Section<StatusCounts>;
  /** Global Administrators by verdict. */
  readonly globalAdministrators: Section<StatusCounts>;
  readonly findings: Section<readonly ReportFinding[]>;
  /** The worst finding severity, `null` without findings (or without a findings section). */
  readonly worstSeverity: Severity | null;
  /** True when the tenant has no restricted unit; `null` when it cannot tell (incomplete, not read). */
  readonly noRestrictedUnit: boolean | null;
  /** True when fewer than two Global Administrators are `protected`; `null` when it cannot tell. */
  readonly fewerThanTwoProtectedGlobalAdministrators: boolean | null;
}

/** The numbers at the top of the report (over the tenants in it). */
export interface PostureSummary {
  readonly tenantsRead: number;
  readonly tenantsComplete: number;
  readonly tenantsIncomplete: number;
  /** Accounts with a `protected` verdict (never `unknown` ones). */
  readonly accountsProtected: number;
  /** Tenants known to have no restricted unit (incomplete tenants are not counted). */
  readonly tenantsWithoutRestrictedUnit: number;
  /** Tenants known to have fewer than two protected Global Administrators (incomplete ones are not). */
  readonly tenantsWithFewerThanTwoProtectedGlobalAdministrators: number;
  readonly findingsBySeverity: Readonly<Record<Severity, number>>;
  readonly findingsByCode: Readonly<Record<string, number>>;
}

/** The report: what `--format json` writes and every renderer reads. */
export interface PostureReport {
  readonly kind: typeof POSTURE_REPORT_KIND;
  readonly schemaVersion: typeof POSTURE_REPORT_SCHEMA_VERSION;
  readonly generator: { readonly name: string; readonly version: string };
  readonly generatedAt: string;
  /** A tenant read longer ago than this is flagged stale. */
  readonly staleAfterHours: number;
  /** True when `--redact-upn` replaced user principal names. */
  readonly upnsRedacted: boolean;
  readonly inputs: readonly ReportInputRecord[];
  readonly summary: PostureSummary;
  /** In tenant-list order for live reads, else by display name then id. */
  readonly tenants: readonly TenantPosture[];
}
