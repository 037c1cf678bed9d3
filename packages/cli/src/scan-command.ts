/** `rotation-exclusion scan`: one row per account with its verdict, as a table or one JSON document. */
import type { CommandIo } from "./cli-io.js";
import { SCAN_HELP } from "./help-text.js";
import { type OutputStyle, paintSeverity, paintStatus } from "./output-style.js";
import { runTenantCommand } from "./tenant-command.js";
import type { ScanReport } from "./tenant-scan.js";
import { formatTable } from "./text-table.js";

/** Names the units of a report by display name, falling back to the id. */
export function unitNamer(report: Pick<ScanReport, "restrictedUnits">): (id: string) => string {
  const names = new Map(report.restrictedUnits.map((unit) => [unit.id, unit.displayName ?? unit.id]));
  return (id) => names.get(id.toLowerCase()) ?? id;
}

/** Formats warnings as a table (empty string when there are none). */
export function formatWarnings(warnings: ScanReport["warnings"], style: OutputStyle): string {
  if (warnings.length === 0) return "";
  return `\nWarnings:\n${formatTable(
    [{ header: "SEVERITY", keepWidth: true }, { header: "CODE", keepWidth: true }, { header: "MESSAGE" }],
    warnings.map((warning) => [paintSeverity(style, warning.severity), warning.code, warning.message]),
    { width: style.width },
  )}\n`;
}

/** The scan as readable text. */
export function formatScanTable(report: ScanReport, style: OutputStyle): string {
  const unitName = unitNamer(report);
  const count = (status: string) => report.accounts.filter((account) => account.status === status).length;
  const lines = [
    `Tenant ${report.tenantId}: ${report.accounts.length} accounts (${count("protected")} protected, ${count("not-protected")} not protected, ${count("unknown")} unknown); report ${report.complete ? "complete" : "INCOMPLETE"}; ${report.graphRequests} Graph requests.`,
    "",
    formatTable(
      [
        { header: "STATUS", keepWidth: true },
        { header: "ACCOUNT", maxWidth: 48, keepWidth: true },
        { header: "REASON", keepWidth: true },
        { header: "UNITS", maxWidth: 40 },
        { header: "LISTED BECAUSE" },
      ],
      report.accounts.map((account) => [
        paintStatus(style, account.status),
        account.userPrincipalName ?? account.id ?? "?",
        account.reasonCode,
        account.unitIds.map(unitName).join(", ") || "-",
        account.sources.join("; "),
      ]),
      { width: style.width },
    ),
  ];
  const unknown = report.accounts.filter((account) => account.status === "unknown");
  if (unknown.length > 0) {
    lines.push("", "Undecided (nothing would be persisted for these):");
    for (const account of unknown) {
      lines.push(`  ${account.userPrincipalName ?? account.id ?? "?"}: ${account.reason}`);
    }
  }
  lines.push(
    "",
    "Restricted units:",
    formatTable(
      [
        { header: "UNIT", maxWidth: 40 },
        { header: "ID" },
        { header: "MEMBERSHIP" },
        { header: "VISIBILITY" },
        { header: "USERS", align: "right" },
        { header: "MEMBERS READABLE" },
      ],
      report.restrictedUnits.map((unit) => [
        unit.displayName ?? "-",
        unit.id,
        unit.membershipType,
        unit.visibility,
        String(unit.userIds.length),
        unit.membersReadable ? "yes" : style.colors.red("NO"),
      ]),
      { width: style.width },
    ),
  );
  return `${lines.join("\n")}\n${formatWarnings(report.warnings, style)}`;
}

/** Runs `scan`; returns the exit status. */
export function runScanCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runTenantCommand(
    {
      command: "scan",
      help: SCAN_HELP,
      accountFlags: true,
      failOnFlag: false,
      roles: (options) => options.roles,
      render: ({ report }, options, style) => ({
        text: options.format === "json" ? JSON.stringify(report, null, 2) : formatScanTable(report, style),
        undecided: report.accounts.some((account) => account.status === "unknown"),
        severities: report.warnings.map((warning) => warning.severity),
      }),
    },
    args,
    io,
  );
}
