/** The numbers at the top of a report, computed from its tenants (again after a selection). */
import {
  type PostureSummary,
  type ReportAccount,
  type ReportFinding,
  SEVERITIES,
  type Severity,
  type TenantPosture,
} from "./posture-report.js";

/** The summary of the given tenants. */
export function summarizePosture(tenants: readonly TenantPosture[]): PostureSummary {
  const findingsBySeverity: Record<Severity, number> = { info: 0, warning: 0, error: 0 };
  // Codes come from untrusted input: a Map, so `constructor` or `__proto__` count like any code.
  const findingsByCode = new Map<string, number>();
  let accountsProtected = 0;
  for (const tenant of tenants) {
    if (tenant.accountCounts.available) accountsProtected += tenant.accountCounts.value.protected;
    for (const finding of tenant.findings.available ? tenant.findings.value : []) {
      findingsBySeverity[finding.severity] += 1;
      findingsByCode.set(finding.code, (findingsByCode.get(finding.code) ?? 0) + 1);
    }
  }
  // A prototype-free object: JSON.parse of the report gives an own `__proto__` key back just the same.
  const sortedCodes: Record<string, number> = Object.create(null);
  for (const [code, count] of [...findingsByCode].sort(([a], [b]) => compareText(a, b))) {
    Object.defineProperty(sortedCodes, code, {
      value: count,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    tenantsRead: tenants.length,
    tenantsComplete: tenants.filter((tenant) => tenant.complete).length,
    tenantsIncomplete: tenants.filter((tenant) => !tenant.complete).length,
    accountsProtected,
    tenantsWithoutRestrictedUnit: tenants.filter((tenant) => tenant.noRestrictedUnit === true).length,
    tenantsWithFewerThanTwoProtectedGlobalAdministrators: tenants.filter(
      (tenant) => tenant.fewerThanTwoProtectedGlobalAdministrators === true,
    ).length,
    findingsBySeverity,
    findingsByCode: sortedCodes,
  };
}

/** The worst severity of the findings, `null` without any. */
export function worstSeverityOf(findings: readonly ReportFinding[]): Severity | null {
  let worst = -1;
  for (const finding of findings) worst = Math.max(worst, SEVERITIES.indexOf(finding.severity));
  return SEVERITIES[worst] ?? null;
}

/** Code-point order, independent of the machine's locale (so output is the same everywhere). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `null` after any text. */
export function compareNullableText(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compareText(a.toLowerCase(), b.toLowerCase()) || compareText(a, b);
}

// Those that need a look first: undecided accounts, then the protected ones, then the rest.
const STATUS_ORDER = { unknown: 0, protected: 1, "not-protected": 2 } as const;

/** Accounts in report order: `unknown`, then `protected`, then `not-protected`; each by UPN, then id. */
export function compareAccounts(a: ReportAccount, b: ReportAccount): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    compareNullableText(a.userPrincipalName, b.userPrincipalName) ||
    compareNullableText(a.id, b.id)
  );
}

/** Findings in report order: worst first, then by code and message. */
export function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}
