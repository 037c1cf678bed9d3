/**
 * Builders for hand-written posture reports: tenants, units, accounts and findings with the counts, flags
 * and summary derived the way the report builder derives them.
 */
import {
  POSTURE_REPORT_KIND,
  POSTURE_REPORT_SCHEMA_VERSION,
  type PostureReport,
  type PostureSummary,
  type ReportAccount,
  type ReportFinding,
  type ReportUnit,
  SEVERITIES,
  type Severity,
  type StatusCounts,
  type TenantPosture,
} from "@rotation-exclusion/report";

export const GENERATED_AT = "2026-12-01T08:00:00.000Z";
export const FRESH = "2026-12-01T07:40:00.000Z";
export const OLD = "2026-11-20T07:40:00.000Z";
export const SCAN = "scan-2026-12-01.json";
export const AUDIT = "audit-2026-12-01.json";

/** A section some input had. */
export function available<T>(value: T, source = SCAN) {
  return { available: true as const, source, value };
}

/** Verdict counts of the accounts (only Global Administrators with `globalOnly`). */
export function counts(accounts: readonly ReportAccount[], globalOnly: boolean): StatusCounts {
  const chosen = globalOnly ? accounts.filter((account) => account.globalAdministrator === true) : accounts;
  return {
    protected: chosen.filter((account) => account.status === "protected").length,
    notProtected: chosen.filter((account) => account.status === "not-protected").length,
    unknown: chosen.filter((account) => account.status === "unknown").length,
  };
}

/** A public, assigned restricted unit whose members could be read, unless `more` says otherwise. */
export function unit(
  id: string,
  displayName: string | null,
  memberIds: string[],
  more: Partial<ReportUnit> = {},
) {
  return {
    id,
    displayName,
    description: null,
    membershipType: "assigned",
    visibility: "public",
    membersReadable: true,
    memberIds,
    ...more,
  } satisfies ReportUnit;
}

/** A protected Global Administrator, unless `more` says otherwise. */
export function account(
  id: string,
  upn: string,
  displayName: string | null,
  more: Partial<ReportAccount> = {},
) {
  return {
    id,
    userPrincipalName: upn,
    displayName,
    status: "protected",
    reasonCode: "unit-member",
    reason: "Member of a restricted management administrative unit.",
    evidence: [],
    unitIds: [],
    roles: ["Global Administrator (active, direct)"],
    globalAdministrator: true,
    listedBecause: ["Global Administrator (active, direct)"],
    ...more,
  } satisfies ReportAccount;
}

/** Evidence that an account is a member of a restricted unit. */
export function memberEvidence(unitId: string, unitDisplayName: string | null, observedAt = FRESH) {
  return [{ kind: "unit-member" as const, observedAt, unitId, unitDisplayName }];
}

/** A finding about a tenant. */
export function finding(
  code: string,
  severity: Severity,
  message: string,
  action: string | null,
): ReportFinding {
  return { code, severity, message, action };
}

/** Builds a tenant from its parts, deriving counts and flags the way the report builder would. */
export function tenant(
  base: Pick<TenantPosture, "tenantId" | "displayName"> & Partial<TenantPosture>,
  units: readonly ReportUnit[] | null,
  accounts: readonly ReportAccount[] | null,
  findings: readonly ReportFinding[] | null,
): TenantPosture {
  const complete = base.complete ?? true;
  const protectedGlobal = accounts ? counts(accounts, true).protected : 0;
  const worst = findings?.reduce<Severity | null>(
    (worstSoFar, item) =>
      worstSoFar === null || SEVERITIES.indexOf(item.severity) > SEVERITIES.indexOf(worstSoFar)
        ? item.severity
        : worstSoFar,
    null,
  );
  return {
    cloud: "global",
    readAt: FRESH,
    stale: false,
    complete,
    incompleteReason: null,
    error: null,
    sources: [SCAN],
    restrictedUnits: units ? available(units) : { available: false },
    accounts: accounts ? available(accounts) : { available: false },
    accountCounts: accounts ? available(counts(accounts, false)) : { available: false },
    globalAdministrators: accounts ? available(counts(accounts, true), AUDIT) : { available: false },
    findings: findings ? available(findings, AUDIT) : { available: false },
    worstSeverity: worst ?? null,
    noRestrictedUnit: complete && units ? units.length === 0 : null,
    fewerThanTwoProtectedGlobalAdministrators: complete && accounts ? protectedGlobal < 2 : null,
    ...base,
  };
}

/** Sums a report's tenants into its summary, as the report builder does. */
export function summarize(tenants: readonly TenantPosture[]): PostureSummary {
  const bySeverity: Record<Severity, number> = { info: 0, warning: 0, error: 0 };
  const byCode: Record<string, number> = {};
  let accountsProtected = 0;
  for (const item of tenants) {
    if (item.accountCounts.available) accountsProtected += item.accountCounts.value.protected;
    for (const found of item.findings.available ? item.findings.value : []) {
      bySeverity[found.severity] += 1;
      byCode[found.code] = (byCode[found.code] ?? 0) + 1;
    }
  }
  return {
    tenantsRead: tenants.length,
    tenantsComplete: tenants.filter((item) => item.complete).length,
    tenantsIncomplete: tenants.filter((item) => !item.complete).length,
    accountsProtected,
    tenantsWithoutRestrictedUnit: tenants.filter((item) => item.noRestrictedUnit === true).length,
    tenantsWithFewerThanTwoProtectedGlobalAdministrators: tenants.filter(
      (item) => item.fewerThanTwoProtectedGlobalAdministrators === true,
    ).length,
    findingsBySeverity: bySeverity,
    findingsByCode: byCode,
  };
}

/** A report of the tenants, read from a scan and an audit with fixed hashes. */
export function report(tenants: readonly TenantPosture[]): PostureReport {
  return {
    kind: POSTURE_REPORT_KIND,
    schemaVersion: POSTURE_REPORT_SCHEMA_VERSION,
    generator: { name: "@rotation-exclusion/report", version: "0.4.0" },
    generatedAt: GENERATED_AT,
    staleAfterHours: 24,
    upnsRedacted: false,
    inputs: [
      {
        name: SCAN,
        kind: "scan",
        sha256: "9f2c1c0d4e1b7a8e5f3d2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f10",
        generatedAt: FRESH,
        tenantIds: tenants.map((item) => item.tenantId),
      },
      {
        name: AUDIT,
        kind: "audit",
        sha256: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        generatedAt: FRESH,
        tenantIds: tenants.map((item) => item.tenantId),
      },
    ],
    summary: summarize(tenants),
    tenants,
  };
}
