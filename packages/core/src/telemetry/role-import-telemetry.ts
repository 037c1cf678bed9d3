/**
 * What a role import tells OpenTelemetry: how many Global Administrators (held tenant-wide, active or
 * eligible) the import found protected by a restricted unit. Microsoft recommends two emergency-access
 * accounts (docs/decisions/0010-emergency-access-accounts.md), so fewer than two is worth an alert
 * (docs/operations.md). The metric says how many imports fell short; the span names the tenant.
 */
import type { RoleImportPlan } from "../role-import/plan-role-import.js";
import type { RoleImportReport } from "../role-import/role-import-report.js";
import { record, startSpan } from "./core-telemetry.js";
import { ATTR } from "./cycle-telemetry.js";

/** The Global Administrator role's template id (also its built-in definition id). */
const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
const PROTECTED_GLOBAL_ADMINISTRATORS = "rotation_exclusion.role_import.global_administrators.protected";

/** The number of tenant-wide Global Administrators the import found protected, or `undefined` when the
 * import was not of that role. */
function protectedGlobalAdministrators(plan: RoleImportPlan, report: RoleImportReport): number | undefined {
  if (!plan.roles.some((role) => role.role?.id.toLowerCase() === GLOBAL_ADMINISTRATOR)) return undefined;
  const holders = new Set<string>();
  for (const account of plan.accounts) {
    if (
      account.paths.some(
        (path) => path.roleId.toLowerCase() === GLOBAL_ADMINISTRATOR && path.scope === "tenant",
      )
    )
      holders.add(account.objectId.toLowerCase());
  }
  const counted = new Set<string>();
  const lists = [
    report.added.excluded,
    report.alreadyManaged,
    report.updated,
    report.conflicts,
    report.errors,
  ];
  for (const list of lists) {
    for (const entry of list) {
      const id = entry.objectId.toLowerCase();
      if (holders.has(id) && entry.verdict.status === "protected") counted.add(id);
    }
  }
  return counted.size;
}

/** Emits the role import's span and metric. Never throws. */
export function recordRoleImport(plan: RoleImportPlan, report: RoleImportReport): void {
  let count: number | undefined;
  try {
    count = protectedGlobalAdministrators(plan, report);
  } catch {
    count = undefined;
  }
  const span = startSpan("rotation_exclusion.role_import", { [ATTR.tenantId]: report.tenantId });
  span.set({
    [ATTR.dryRun]: report.dryRun,
    "rotation_exclusion.role_import.complete": report.complete,
    ...(count === undefined ? {} : { [PROTECTED_GLOBAL_ADMINISTRATORS]: count }),
  });
  span.end();
  record((instruments) => {
    instruments.roleImports.add(1, {
      "rotation_exclusion.role_import.complete": report.complete,
      ...(count === undefined
        ? {}
        : { [PROTECTED_GLOBAL_ADMINISTRATORS]: count >= 2 ? "2+" : String(count) }),
    });
  });
}
