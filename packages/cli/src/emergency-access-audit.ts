/**
 * The emergency-access audit: what Microsoft recommends for break-glass Global Administrators, checked
 * against the scan. Microsoft recommends two or more emergency-access accounts, with the Global
 * Administrator assignment active permanent rather than PIM-eligible
 * (https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access,
 * docs/decisions/0010-emergency-access-accounts.md). We never infer "break-glass": a protected Global
 * Administrator is one in a restricted management administrative unit.
 */
import { AUDIT_DOCUMENT_KIND, type AuditDocument } from "@rotation-exclusion/report";
import { describeRolePath, type ScanWarning, type TenantScan } from "./tenant-scan.js";

/** The Global Administrator role template id (the same in every tenant and cloud). */
export const GLOBAL_ADMINISTRATOR_ROLE_ID = "62e90394-69f5-4237-9190-012177145e10";

/**
 * The built-in roles that reset passwords (User, Helpdesk, Password, Authentication and Privileged
 * Authentication Administrator): an app holding one scoped to a restricted unit can reset that unit's
 * other members (docs/decisions/0015-password-reset-permissions.md).
 */
export const PASSWORD_RESET_ROLE_IDS = [
  "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  "966707d0-3269-4727-9be2-8c3a10f19b9d",
  "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
] as const;

/** The roles the audit reads: Global Administrator, and those that reset passwords. */
export const AUDIT_ROLE_IDS = [GLOBAL_ADMINISTRATOR_ROLE_ID, ...PASSWORD_RESET_ROLE_IDS] as const;

/** One audit finding: what is wrong (or right), how bad, and what to do. */
export interface AuditFinding {
  readonly code: string;
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
  readonly accountIds?: readonly string[];
  readonly unitId?: string;
  readonly objectId?: string;
}

/** A Global Administrator as the audit lists it. */
export type AuditAdministrator = AuditDocument["globalAdministrators"][number];

/**
 * The audit's JSON document: `AuditDocument` of `@rotation-exclusion/report` (what `report --from`
 * reads), with findings that always say what to do.
 */
export interface AuditReport extends AuditDocument {
  readonly findings: readonly AuditFinding[];
}

// What to do about each scan warning, by code.
const WARNING_ACTIONS: Readonly<Record<string, string>> = {
  GROUP_IN_RESTRICTED_UNIT:
    "Add the accounts to protect to the restricted unit directly; group membership protects no one.",
  UNIT_MEMBERS_UNREADABLE:
    "Grant Member.Read.Hidden (hidden-membership units) or fix the failing read, then scan again.",
  EMPTY_RESTRICTED_UNIT: "Add the accounts it is meant to protect, or delete the unit.",
  DYNAMIC_RESTRICTED_UNIT:
    "Prefer assigned membership for emergency-access accounts: a rule change can drop them silently.",
  NON_USER_MEMBER: "Nothing to do for rotation; check the object belongs in the unit.",
  PRIMARY_SIGNAL_UNAVAILABLE: "Grant User.Read.All so isManagementRestricted can be read.",
  PROTECTED_SET_INCOMPLETE: "Run the audit again (throttling or a transient error stopped the read).",
  UNIT_LIST_INCOMPLETE: "Grant AdministrativeUnit.Read.All and run the audit again.",
  ROLE_NOT_FOUND: "Check the role name or use its role template id.",
  ROLE_GROUP_UNREADABLE: "Grant GroupMember.Read.All so role-assignable groups can be expanded.",
  ROLE_ASSIGNMENTS_UNREADABLE: "Grant RoleManagement.Read.Directory.",
  ROLE_ELIGIBILITY_UNREADABLE: "Grant RoleEligibilitySchedule.Read.Directory to see PIM-eligible holders.",
  ROLE_HELD_BY_SERVICE_PRINCIPAL: "Nothing to do for password rotation; review the app's need for the role.",
};

/**
 * An app (service principal) holding a password-resetting role scoped to a restricted unit: Entra lets
 * it change that unit's other members, so the unit does not protect them from it. The rotation app may
 * be one such app; the guard still keeps the unit's members out of rotation on the unit's evidence.
 */
function appScopedToRestrictedUnit(scan: TenantScan): AuditFinding[] {
  const units = new Map(scan.snapshot.units.map((unit) => [unit.id.toLowerCase(), unit]));
  const findings: AuditFinding[] = [];
  for (const other of scan.plan?.others ?? []) {
    if (other.principalType !== "servicePrincipal") continue;
    for (const path of other.paths) {
      const unit = path.unitId === null ? undefined : units.get(path.unitId.toLowerCase());
      if (path.scope !== "administrativeUnit" || unit === undefined) continue;
      const app =
        other.displayName === null ? other.principalId : `"${other.displayName}" (${other.principalId})`;
      const where = unit.displayName === null ? unit.id : `"${unit.displayName}" (${unit.id})`;
      findings.push({
        code: "ROLE_SCOPED_TO_RESTRICTED_UNIT_HELD_BY_APP",
        severity: "warning",
        message: `App ${app} holds ${path.roleDisplayName ?? path.roleId} (${path.kind}) scoped to restricted unit ${where}: it can change the unit's members that are not administrators, so the unit does not protect them from this app.`,
        action:
          "Remove the unit-scoped role unless the app must manage those accounts; the rotation app should not hold one (the guard still keeps the unit's members out of rotation).",
        unitId: unit.id,
        objectId: other.principalId,
      });
    }
  }
  return findings;
}

function fromWarning(warning: ScanWarning): AuditFinding {
  return {
    code: warning.code,
    severity: warning.severity,
    message: warning.message,
    action: WARNING_ACTIONS[warning.code] ?? "Review the finding.",
    ...(warning.unitId !== undefined ? { unitId: warning.unitId } : {}),
    ...(warning.objectId !== undefined ? { objectId: warning.objectId } : {}),
  };
}

const name = (admin: AuditAdministrator) => admin.userPrincipalName ?? admin.id;

function postureFindings(admins: readonly AuditAdministrator[], planComplete: boolean): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const protectedAdmins = admins.filter((admin) => admin.status === "protected");
  const ids = (list: readonly AuditAdministrator[]) => list.map((admin) => admin.id);
  const toProtect =
    "Create cloud-only emergency-access accounts (*.onmicrosoft.com) with an active permanent Global Administrator assignment and put them in a restricted management administrative unit.";
  if (protectedAdmins.length === 0) {
    findings.push({
      code: "NO_PROTECTED_GLOBAL_ADMIN",
      severity: planComplete ? "error" : "warning",
      message: `No Global Administrator is in a restricted management administrative unit${planComplete ? "" : " (as far as could be read)"}; Microsoft recommends two or more emergency-access accounts.`,
      action: toProtect,
    });
  } else if (protectedAdmins.length === 1) {
    findings.push({
      code: "ONE_PROTECTED_GLOBAL_ADMIN",
      severity: "warning",
      message: `Only one protected Global Administrator (${name(protectedAdmins[0] as AuditAdministrator)}); Microsoft recommends two or more emergency-access accounts.`,
      action: toProtect,
      accountIds: ids(protectedAdmins),
    });
  } else {
    findings.push({
      code: "PROTECTED_GLOBAL_ADMINS",
      severity: "info",
      message: `${protectedAdmins.length} protected Global Administrators: ${protectedAdmins.map(name).join(", ")}.`,
      action: "Nothing to do; the guard keeps them out of automatic password rotation.",
      accountIds: ids(protectedAdmins),
    });
  }
  const eligibleOnly = protectedAdmins.filter((admin) =>
    admin.paths.every((path) => path.includes("(eligible")),
  );
  if (eligibleOnly.length > 0) {
    findings.push({
      code: "PROTECTED_GLOBAL_ADMIN_ELIGIBLE_ONLY",
      severity: "warning",
      message: `Protected Global Administrators only eligible (PIM), not active: ${eligibleOnly.map(name).join(", ")}.`,
      action:
        "Make the emergency-access Global Administrator assignment active permanent, as Microsoft recommends.",
      accountIds: ids(eligibleOnly),
    });
  }
  for (const admin of admins.filter((a) => a.status === "not-protected")) {
    findings.push({
      code: "UNPROTECTED_GLOBAL_ADMIN",
      severity: "info",
      message: `Global Administrator ${name(admin)} is not protected (${admin.paths.join("; ")}); it is rotated like any account.`,
      action:
        "If this is an emergency-access account, put it in a restricted management administrative unit (or exclude it in the rotation service).",
      accountIds: [admin.id],
    });
  }
  for (const admin of admins.filter((a) => a.status === "unknown")) {
    findings.push({
      code: "GLOBAL_ADMIN_UNDECIDED",
      severity: "warning",
      message: `Could not tell whether Global Administrator ${name(admin)} is protected; it is skipped until it can.`,
      action: "Fix the read named in the other findings and run the audit again.",
      accountIds: [admin.id],
    });
  }
  return findings;
}

/**
 * Builds the audit from a scan that read {@link AUDIT_ROLE_IDS}.
 *
 * @example
 * const audit = auditEmergencyAccess(await scanTenant(guard, { roles: AUDIT_ROLE_IDS, users: [], graphRequests }));
 */
export function auditEmergencyAccess(scan: TenantScan): AuditReport {
  const globalAdministrators = (scan.plan?.accounts ?? []).filter((account) =>
    account.paths.some((path) => path.roleId.toLowerCase() === GLOBAL_ADMINISTRATOR_ROLE_ID),
  );
  const unitNames = new Map(scan.report.restrictedUnits.map((unit) => [unit.id, unit.displayName]));
  const admins: AuditAdministrator[] = globalAdministrators.map((account) => ({
    id: account.objectId.toLowerCase(),
    userPrincipalName: account.userPrincipalName,
    displayName: account.displayName,
    status: account.verdict.status,
    reasonCode: account.verdict.reasonCode,
    unitIds: account.verdict.unitIds,
    units: account.verdict.unitIds.map((id) => ({ id, displayName: unitNames.get(id) ?? null })),
    paths: account.paths.map(describeRolePath),
  }));
  return {
    kind: AUDIT_DOCUMENT_KIND,
    schemaVersion: 1,
    generator: scan.report.generator,
    generatedAt: scan.report.generatedAt,
    tenantId: scan.report.tenantId,
    complete: scan.report.complete,
    globalAdministrators: admins,
    findings: [
      ...postureFindings(admins, scan.plan?.complete ?? false),
      ...appScopedToRestrictedUnit(scan),
      ...scan.report.warnings.map(fromWarning),
    ],
    restrictedUnits: scan.report.restrictedUnits,
    graphRequests: scan.report.graphRequests,
  };
}
