/** Narrowing a report before it is shared: some tenants only, UPNs replaced, secrets removed. */
import { mapStrings } from "./map-strings.js";
import type { PostureReport, ReportAccount, TenantPosture } from "./posture-report.js";
import { summarizePosture } from "./posture-summary.js";
import { createReportError } from "./report-error.js";

/**
 * The report of the given tenants only (ids, any case): summary recomputed, inputs narrowed to theirs
 * (and each input's tenant list trimmed to them), so a one-tenant export holds no other tenant's id,
 * name, UPN or unit. An id the report does not hold is a ReportError `invalid-options`.
 *
 * @example
 * const acme = selectTenants(report, ["0b6a3c5e-4f1d-4e2a-9c7b-1d2e3f4a5b6c"]);
 */
export function selectTenants(report: PostureReport, tenantIds: readonly string[]): PostureReport {
  const wanted = new Set(tenantIds.map((id) => id.trim().toLowerCase()));
  const held = new Set(report.tenants.map((tenant) => tenant.tenantId));
  const unknown = [...wanted].filter((id) => !held.has(id));
  if (unknown.length > 0) {
    throw createReportError(
      "invalid-options",
      `The report holds no tenant ${unknown.join(", ")}; pass ids of tenants its inputs hold (${report.tenants.length} tenant(s)).`,
    );
  }
  const tenants = report.tenants.filter((tenant) => wanted.has(tenant.tenantId));
  const inputs = report.inputs
    .map((input) => ({ ...input, tenantIds: input.tenantIds.filter((id) => wanted.has(id)) }))
    .filter((input) => input.tenantIds.length > 0);
  return { ...report, inputs, tenants, summary: summarizePosture(tenants) };
}

// Mail- and UPN-shaped text (guest UPNs carry `#EXT#` in the local part).
const UPN_SHAPED = /[A-Za-z0-9._%+'#!$&*=?^`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

function redactTenant(tenant: TenantPosture): TenantPosture {
  const pseudonyms = new Map<string, string>();
  const pseudonym = (upn: string) => {
    const key = upn.toLowerCase();
    let name = pseudonyms.get(key);
    if (name === undefined) {
      name = `user-${pseudonyms.size + 1}@redacted`;
      pseudonyms.set(key, name);
    }
    return name;
  };
  // Number the accounts in report order first, so pseudonyms are stable for the same input.
  const accounts = tenant.accounts.available ? tenant.accounts.value : [];
  for (const account of accounts)
    if (account.userPrincipalName !== null) pseudonym(account.userPrincipalName);
  const redactAccount = (account: ReportAccount): ReportAccount => ({
    ...account,
    userPrincipalName: account.userPrincipalName === null ? null : pseudonym(account.userPrincipalName),
  });
  const withAccounts: TenantPosture = tenant.accounts.available
    ? { ...tenant, accounts: { ...tenant.accounts, value: tenant.accounts.value.map(redactAccount) } }
    : tenant;
  // Pseudonyms (`user-1@redacted`) have no dot after the `@`, so a second pass leaves them alone.
  return mapStrings(withAccounts, (text) => text.replace(UPN_SHAPED, pseudonym));
}

/**
 * The report with every user principal name replaced by a pseudonym that is stable within a tenant
 * (`user-1@redacted`): account UPNs, and UPN- or mail-shaped text inside reasons, messages, actions,
 * role paths and why-listed entries. Sets `upnsRedacted`.
 *
 * @example
 * const shareable = redactUserPrincipalNames(selectTenants(report, [tenantId]));
 */
export function redactUserPrincipalNames(report: PostureReport): PostureReport {
  return { ...report, upnsRedacted: true, tenants: report.tenants.map(redactTenant) };
}

/**
 * The report with every string value (deeply: tenants, accounts, findings, input names) passed through
 * `redact`, the CLI's secret and token redaction; the summary is recomputed from the redacted tenants.
 *
 * @example
 * const safe = redactReportStrings(report, createSecretRedactor([token]).redact);
 */
export function redactReportStrings(report: PostureReport, redact: (text: string) => string): PostureReport {
  const mapped = mapStrings(report, redact);
  return { ...mapped, kind: report.kind, summary: summarizePosture(mapped.tenants) };
}
