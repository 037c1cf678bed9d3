/** The report as Markdown, for a ticket or a customer email: one tenant unless `allTenants`. */
import { escapeMarkdown as md } from "./markdown-text.js";
import type { PostureReport, ReportAccount, Section, StatusCounts, TenantPosture } from "./posture-report.js";
import { createReportError } from "./report-error.js";
import { describeEvidence, NOT_AVAILABLE, unitName, yesNo } from "./report-text.js";

/** Options of {@link renderPostureMarkdown}. */
export interface RenderMarkdownOptions {
  /** Allow more than one tenant in one document. Default false (a ReportError `invalid-options`). */
  readonly allTenants?: boolean;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => " --- |").join("")}`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

function counts(value: StatusCounts): string {
  return `${value.protected} protected, ${value.notProtected} not protected, ${value.unknown} unknown (unknown never counts as protected)`;
}

function flag(value: boolean | null, yes: string): string {
  return value === null ? "cannot tell (incomplete or not read)" : value ? `**yes**: ${yes}` : "no";
}

function unavailable(section: Section<unknown>): string[] {
  return section.available ? [] : [`${NOT_AVAILABLE[0]?.toUpperCase()}${NOT_AVAILABLE.slice(1)}.`];
}

function unitsSection(tenant: TenantPosture): string[] {
  const { restrictedUnits: units } = tenant;
  if (!units.available) return ["### Restricted units", "", ...unavailable(units)];
  const rows = units.value.map((unit) => [
    md(unit.displayName ?? unit.id),
    md(unit.id),
    unit.membershipType,
    unit.visibility,
    unit.membersReadable ? "yes" : "**no** (never treated as empty)",
    String(unit.memberIds.length),
  ]);
  return [
    "### Restricted units",
    "",
    `From ${md(units.source)}. No restricted unit: ${flag(tenant.noRestrictedUnit, "nothing is protected by a unit")}.`,
    "",
    ...(rows.length === 0
      ? ["None."]
      : table(["Unit", "Id", "Membership", "Visibility", "Members readable", "User members"], rows)),
  ];
}

function accountRow(tenant: TenantPosture, account: ReportAccount): string[] {
  return [
    account.status === "protected" ? "protected" : `**${account.status}**`,
    md(account.userPrincipalName ?? account.id ?? "(unnamed)"),
    md(account.displayName ?? ""),
    md(account.unitIds.map((id) => unitName(tenant, account, id)).join("; ")),
    md(account.evidence.map(describeEvidence).join("; ") || account.reason),
    yesNo(account.globalAdministrator),
  ];
}

function accountsSection(tenant: TenantPosture): string[] {
  const { accounts, accountCounts } = tenant;
  if (!accounts.available) return ["### Accounts", "", ...unavailable(accounts)];
  return [
    "### Accounts",
    "",
    `From ${md(accounts.source)}.${accountCounts.available ? ` ${counts(accountCounts.value)}.` : ""}`,
    "",
    ...(accounts.value.length === 0
      ? ["No accounts listed."]
      : table(
          [
            "Status",
            "User principal name",
            "Display name",
            "Units",
            "Evidence (seen when)",
            "Global Administrator",
          ],
          accounts.value.map((account) => accountRow(tenant, account)),
        )),
  ];
}

function globalAdministratorsSection(tenant: TenantPosture): string[] {
  const { globalAdministrators: admins } = tenant;
  if (!admins.available) return ["### Global Administrators", "", ...unavailable(admins)];
  return [
    "### Global Administrators",
    "",
    `From ${md(admins.source)}: ${counts(admins.value)}.`,
    "",
    `Fewer than two protected: ${flag(tenant.fewerThanTwoProtectedGlobalAdministrators, "keep at least two emergency-access Global Administrators in a restricted unit")}.`,
  ];
}

function findingsSection(tenant: TenantPosture): string[] {
  const { findings } = tenant;
  if (!findings.available) return ["### Findings", "", ...unavailable(findings)];
  if (findings.value.length === 0) return ["### Findings", "", `From ${md(findings.source)}: none.`];
  return [
    "### Findings",
    "",
    `From ${md(findings.source)}:`,
    "",
    ...findings.value.map(
      (finding) =>
        `- **${finding.severity}** ${md(finding.code)}: ${md(finding.message)}${finding.action === null ? "" : ` Action: ${md(finding.action)}`}`,
    ),
  ];
}

function tenantSection(tenant: TenantPosture, staleAfterHours: number): string[] {
  const name =
    tenant.displayName === null ? md(tenant.tenantId) : `${md(tenant.displayName)} (${md(tenant.tenantId)})`;
  const status = tenant.complete
    ? "complete"
    : `**incomplete**${tenant.incompleteReason === null ? "" : ` (${md(tenant.incompleteReason)})`}: undecided accounts stay unknown`;
  const readAt = tenant.readAt === null ? "unknown" : md(tenant.readAt);
  return [
    `## Tenant ${name}`,
    "",
    `- Tenant id: ${md(tenant.tenantId)}`,
    ...(tenant.cloud === null ? [] : [`- Cloud: ${md(tenant.cloud)}`]),
    `- Read: ${status}`,
    `- Read at: ${readAt}${tenant.stale ? ` (**stale**: older than ${staleAfterHours} hours or unknown)` : ""}`,
    ...(tenant.error === null ? [] : [`- Error: ${md(tenant.error)}`]),
    `- Sources: ${tenant.sources.length === 0 ? "none" : md(tenant.sources.join(", "))}`,
    "",
    ...unitsSection(tenant),
    "",
    ...accountsSection(tenant),
    "",
    ...globalAdministratorsSection(tenant),
    "",
    ...findingsSection(tenant),
  ];
}

/**
 * Renders the report as Markdown. Every piece of report data is escaped (no link, image, HTML or code
 * span can come from tenant text). More than one tenant needs `allTenants`: a ReportError
 * `invalid-options` otherwise, so one customer's document cannot carry another's data by accident.
 *
 * @example
 * const text = renderPostureMarkdown(selectTenants(report, [tenantId]));
 */
export function renderPostureMarkdown(report: PostureReport, options: RenderMarkdownOptions = {}): string {
  if (report.tenants.length > 1 && options.allTenants !== true) {
    throw createReportError(
      "invalid-options",
      `The report holds ${report.tenants.length} tenants and Markdown is meant for one customer: pass --tenant <id> for one tenant, or --all-tenants to put them all in one document.`,
    );
  }
  const { summary } = report;
  const lines = [
    "# Rotation exclusion posture",
    "",
    `> **Confidential**: ${report.tenants.length === 1 ? "this customer's" : "these tenants'"} directory data. Share only with its owner.`,
    "",
    `Generated by ${md(report.generator.name)} ${md(report.generator.version)} at ${md(report.generatedAt)}.${report.upnsRedacted ? " User principal names are redacted." : ""}`,
    "",
    "## Inputs",
    "",
    ...table(
      ["Input", "Kind", "Generated at", "SHA-256"],
      report.inputs.map((input) => [
        md(input.name),
        input.kind,
        md(input.generatedAt ?? "unknown"),
        input.sha256 ?? "live read",
      ]),
    ),
    "",
    "## Summary",
    "",
    `- Tenants: ${summary.tenantsRead} (${summary.tenantsComplete} complete, ${summary.tenantsIncomplete} incomplete)`,
    `- Protected accounts: ${summary.accountsProtected}`,
    `- Tenants without a restricted unit: ${summary.tenantsWithoutRestrictedUnit}`,
    `- Tenants with fewer than two protected Global Administrators: ${summary.tenantsWithFewerThanTwoProtectedGlobalAdministrators}`,
    `- Findings: ${summary.findingsBySeverity.error} error, ${summary.findingsBySeverity.warning} warning, ${summary.findingsBySeverity.info} info`,
    "",
    ...report.tenants.flatMap((tenant) => [...tenantSection(tenant, report.staleAfterHours), ""]),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}
