/** The report as CSV: one row per account, for a spreadsheet (RFC 4180, formula cells neutralised). */
import { stringify } from "csv-stringify/sync";
import type { PostureReport, ReportAccount, TenantPosture } from "./posture-report.js";
import { describeEvidence, NOT_AVAILABLE, unitName } from "./report-text.js";
import { escapeBidi } from "./visible-text.js";

/** The CSV's columns, in order. */
export const CSV_COLUMNS = [
  "tenant id",
  "tenant name",
  "read at",
  "complete",
  "account id",
  "user principal name",
  "display name",
  "status",
  "reason code",
  "units",
  "roles",
  "global administrator",
  "evidence",
  "listed because",
  "note",
] as const;

// A spreadsheet runs a cell starting with these as a formula (CSV injection); a leading `'` makes it text.
// Spreadsheets also read a formula after leading spaces, and from the full-width signs (＝ ＋ － ＠).
const FORMULA_START = /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

/** A text cell made safe for a spreadsheet: bidi controls visible, formulas neutralised. */
export function csvTextCell(text: string): string {
  const visible = escapeBidi(text);
  return FORMULA_START.test(visible) ? `'${visible}` : visible;
}

function accountRow(tenant: TenantPosture, account: ReportAccount): string[] {
  return [
    account.id ?? "",
    account.userPrincipalName ?? "",
    account.displayName ?? "",
    account.status,
    account.reasonCode,
    account.unitIds.map((id) => unitName(tenant, account, id)).join("; "),
    account.roles.join("; "),
    account.globalAdministrator === null ? "" : account.globalAdministrator ? "yes" : "no",
    account.evidence.map(describeEvidence).join("; "),
    account.listedBecause.join("; "),
    "",
  ];
}

function tenantRows(tenant: TenantPosture): string[][] {
  const lead = [
    tenant.tenantId,
    tenant.displayName ?? "",
    tenant.readAt ?? "",
    tenant.complete ? "yes" : "no",
  ];
  const empty = ["", "", "", "", "", "", "", "", "", ""];
  if (!tenant.accounts.available) {
    const note = tenant.error === null ? `accounts ${NOT_AVAILABLE}` : `not read: ${tenant.error}`;
    return [[...lead, ...empty, note]];
  }
  if (tenant.accounts.value.length === 0) return [[...lead, ...empty, "no accounts listed"]];
  return tenant.accounts.value.map((account) => [...lead, ...accountRow(tenant, account)]);
}

/**
 * Renders the report as CSV: a header row, then one row per account (a tenant without an accounts
 * section, or without accounts, gets one row that says so in `note`). CRLF between records, fields
 * quoted where RFC 4180 needs it, every text cell bidi-escaped and formula-neutralised.
 *
 * @example
 * await writeFile("posture.csv", renderPostureCsv(selectTenants(report, [tenantId])));
 */
export function renderPostureCsv(report: PostureReport): string {
  const rows = report.tenants.flatMap(tenantRows).map((row) => row.map(csvTextCell));
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: "\r\n", quoted_match: /^\s|\s$/ });
}
