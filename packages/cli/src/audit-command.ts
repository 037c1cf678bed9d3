/** `rotation-exclusion audit`: the emergency-access posture of a tenant, as a table or one JSON document. */
import type { CommandIo } from "./cli-io.js";
import { AUDIT_ROLE_IDS, type AuditReport, auditEmergencyAccess } from "./emergency-access-audit.js";
import { AUDIT_HELP } from "./help-text.js";
import { type OutputStyle, paintSeverity, paintStatus } from "./output-style.js";
import { runTenantCommand } from "./tenant-command.js";
import { formatTable } from "./text-table.js";

/** The audit as readable text. */
export function formatAuditTable(audit: AuditReport, style: OutputStyle): string {
  const lines = [
    `Emergency-access audit of tenant ${audit.tenantId}: ${audit.globalAdministrators.length} Global Administrators; report ${audit.complete ? "complete" : "INCOMPLETE"}; ${audit.graphRequests} Graph requests.`,
    "",
    formatTable(
      [
        { header: "STATUS", keepWidth: true },
        { header: "GLOBAL ADMINISTRATOR", maxWidth: 48, keepWidth: true },
        { header: "REASON", keepWidth: true },
        { header: "HOLDS THE ROLE" },
      ],
      audit.globalAdministrators.map((admin) => [
        paintStatus(style, admin.status),
        admin.userPrincipalName ?? admin.id,
        admin.reasonCode,
        admin.paths.join("; "),
      ]),
      { width: style.width },
    ),
    "",
    "Findings:",
  ];
  for (const finding of audit.findings) {
    lines.push(
      `  [${paintSeverity(style, finding.severity)}] ${finding.code}: ${finding.message}`,
      `      What to do: ${finding.action}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Runs `audit`; returns the exit status. */
export function runAuditCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runTenantCommand(
    {
      command: "audit",
      help: AUDIT_HELP,
      accountFlags: false,
      failOnFlag: true,
      roles: () => AUDIT_ROLE_IDS,
      render: (scan, options, style) => {
        const audit = auditEmergencyAccess(scan);
        return {
          text: options.format === "json" ? JSON.stringify(audit, null, 2) : formatAuditTable(audit, style),
          undecided: audit.globalAdministrators.some((admin) => admin.status === "unknown"),
          severities: audit.findings.map((finding) => finding.severity),
        };
      },
    },
    args,
    io,
  );
}
