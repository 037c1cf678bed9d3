/**
 * The scan: every protected user of a tenant, the holders of the requested roles and the requested
 * users, one entry per account with its verdict and why it is listed, plus the restricted units and the
 * findings. Verdicts come from the rotation guard, so the scan shows exactly what a rotation service
 * embedding the guard would decide.
 */
import type {
  Evidence,
  Finding,
  ReasonCode,
  RoleImportPath,
  RoleImportPlan,
  RotationGuard,
  TenantSnapshot,
  Verdict,
  VerdictStatus,
} from "@rotation-exclusion/core";

/** One account in a scan. */
export interface ScanAccount {
  /** Entra object id; `null` for a `--user` UPN that could not be resolved. */
  readonly id: string | null;
  readonly userPrincipalName: string | null;
  readonly status: VerdictStatus;
  /**
   * The restricted units whose member lists name this account: the same lists as `restrictedUnits`, so
   * a row and the units never disagree (the verdict's own unit ids, which leave out units that cannot
   * prove anything, are in `evidence` and `reason`).
   */
  readonly unitIds: readonly string[];
  readonly reasonCode: ReasonCode;
  readonly evidence: readonly Evidence[];
  readonly reason: string;
  /** Why the account is listed: `protected set`, a role path, or `--user <value>`. */
  readonly sources: readonly string[];
}

/** A restricted management administrative unit as the scan saw it. */
export interface ScanUnit {
  readonly id: string;
  readonly displayName: string | null;
  readonly membershipType: "assigned" | "dynamic";
  readonly visibility: "public" | "hiddenMembership";
  readonly userIds: readonly string[];
  readonly membersReadable: boolean;
}

/** A finding, as the scan prints it. */
export interface ScanWarning {
  readonly code: string;
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  readonly unitId?: string;
  readonly objectId?: string;
  readonly roleId?: string;
}

/** The scan's JSON document. */
export interface ScanReport {
  readonly tenantId: string;
  /** False when the protected set, the unit evidence or a role read was incomplete. */
  readonly complete: boolean;
  readonly accounts: readonly ScanAccount[];
  readonly restrictedUnits: readonly ScanUnit[];
  readonly warnings: readonly ScanWarning[];
  readonly graphRequests: number;
}

/** What a scan found, plus what the command needs to choose its exit status. */
export interface TenantScan {
  readonly report: ScanReport;
  /** The role import plan behind the role entries (undefined without roles). */
  readonly plan: RoleImportPlan | undefined;
  readonly snapshot: TenantSnapshot;
  /** True when neither the protected set nor the unit list could be read at all. */
  readonly readNothing: boolean;
  /** Roles that matched no role definition, as requested. */
  readonly unknownRoles: readonly string[];
  /** `--user` values Graph answered 404 for (their verdict stays `unknown`, reason `not-found`). */
  readonly missingUsers: readonly string[];
}

/** What to scan. */
export interface TenantScanRequest {
  readonly roles: readonly string[];
  /** Object ids (lower case) or UPNs. */
  readonly users: readonly string[];
  /** Graph requests so far (the directory's statistics). */
  readonly graphRequests: () => number;
  /**
   * The UPNs of accounts the reads named by object id only (fallback-mode unit members, a `--user` given
   * by id), by lower-case id; an id it cannot name stays unnamed. Default: none are looked up.
   */
  readonly nameUsers?: ((ids: readonly string[]) => Promise<ReadonlyMap<string, string>>) | undefined;
  /** Told what the scan is doing, for a progress line: a phase, and how far through it. */
  readonly onProgress?: ((phase: string, done?: number, total?: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Describes how a user holds a role: `Global Administrator (eligible, via group Tenant admins)`. */
export function describeRolePath(path: RoleImportPath): string {
  const how = path.via === null ? "direct" : `via group ${path.via.groupDisplayName ?? path.via.groupId}`;
  const scope = path.scope === "tenant" ? "" : `, scope ${path.directoryScopeId}`;
  return `${path.roleDisplayName ?? path.roleId} (${path.kind}, ${how}${scope})`;
}

function toWarning(finding: Finding): ScanWarning {
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    ...(finding.unitId !== undefined ? { unitId: finding.unitId } : {}),
    ...(finding.objectId !== undefined ? { objectId: finding.objectId } : {}),
    ...(finding.roleId !== undefined ? { roleId: finding.roleId } : {}),
  };
}

interface Entry {
  verdict: Verdict;
  upn: string | null;
  sources: string[];
}

/**
 * Runs a scan with a read-only guard: a fresh snapshot, then the checks, the role plan and the users.
 *
 * @example
 * const scan = await scanTenant(guard, { roles: ["Global Administrator"], users: [], graphRequests: () => 0 });
 */
export async function scanTenant(guard: RotationGuard, request: TenantScanRequest): Promise<TenantScan> {
  const { signal } = request;
  const progress = request.onProgress ?? (() => {});
  progress("reading the protected set and restricted units");
  const snapshot = await guard.refreshSnapshot({ signal });
  const entries = new Map<string, Entry>();
  const add = (key: string, verdict: Verdict, upn: string | null, source: string) => {
    const entry = entries.get(key);
    if (entry === undefined) entries.set(key, { verdict, upn, sources: [source] });
    else {
      entry.upn ??= upn;
      if (!entry.sources.includes(source)) entry.sources.push(source);
    }
  };

  const protectedIds = new Set(snapshot.protectedUsers.keys());
  for (const unit of snapshot.units) for (const id of unit.members.userIds) protectedIds.add(id);
  let decided = 0;
  for (const id of protectedIds) {
    const verdict = await guard.checkProtection(id, { signal });
    decided += 1;
    progress("deciding protected accounts", decided, protectedIds.size);
    add(
      id,
      verdict,
      snapshot.protectedUsers.get(id)?.userPrincipalName ?? verdict.userPrincipalName,
      "protected set",
    );
  }

  let plan: RoleImportPlan | undefined;
  if (request.roles.length > 0) {
    progress("reading role holders");
    plan = await guard.planRoleImport({ roles: request.roles, signal });
    for (const account of plan.accounts) {
      for (const path of account.paths) {
        add(
          account.objectId.toLowerCase(),
          account.verdict,
          account.userPrincipalName,
          describeRolePath(path),
        );
      }
    }
  }

  const missingUsers: string[] = [];
  for (const [index, user] of request.users.entries()) {
    const verdict = await guard.checkProtection(GUID.test(user) ? user : { userPrincipalName: user }, {
      signal,
    });
    progress("checking --user accounts", index + 1, request.users.length);
    if (verdict.status === "unknown" && verdict.reasonCode === "not-found") missingUsers.push(user);
    const key = verdict.accountId?.toLowerCase() ?? `upn:${user.toLowerCase()}`;
    add(key, verdict, verdict.userPrincipalName ?? (GUID.test(user) ? null : user), `--user ${user}`);
  }

  const warnings = new Map<string, ScanWarning>();
  for (const finding of [...snapshot.findings, ...(plan?.findings ?? [])]) {
    const warning = toWarning(finding);
    warnings.set(JSON.stringify(warning), warning);
  }
  const unnamed = [...entries.entries()]
    .filter(([key, entry]) => entry.upn === null && !key.startsWith("upn:"))
    .map(([key]) => key);
  if (unnamed.length > 0 && request.nameUsers !== undefined) {
    progress("naming accounts");
    const names = await request.nameUsers(unnamed);
    for (const key of unnamed) {
      const entry = entries.get(key);
      if (entry !== undefined) entry.upn = names.get(key) ?? null;
    }
  }
  // The units whose lists name each account, from the same lists the report prints.
  const listedIn = new Map<string, string[]>();
  for (const unit of snapshot.units) {
    for (const id of unit.members.userIds) listedIn.set(id, [...(listedIn.get(id) ?? []), unit.id]);
  }
  const accounts = [...entries.entries()].map(([key, { verdict, upn, sources }]) => ({
    id: key.startsWith("upn:") ? null : key,
    userPrincipalName: upn,
    status: verdict.status,
    unitIds: listedIn.get(key) ?? [],
    reasonCode: verdict.reasonCode,
    evidence: verdict.evidence,
    reason: verdict.reason,
    sources,
  }));
  const failedSources = new Set(snapshot.failures.map((failure) => failure.source));
  return {
    report: {
      tenantId: snapshot.tenantId,
      complete: snapshot.complete && (plan?.complete ?? true),
      accounts,
      restrictedUnits: snapshot.units.map((unit) => ({
        id: unit.id,
        displayName: unit.displayName,
        membershipType: unit.membershipType,
        visibility: unit.visibility,
        userIds: unit.members.userIds,
        membersReadable: unit.readable,
      })),
      warnings: [...warnings.values()],
      graphRequests: request.graphRequests(),
    },
    plan,
    snapshot,
    readNothing:
      failedSources.has("protected-users") &&
      failedSources.has("unit-list") &&
      snapshot.protectedUsers.size === 0 &&
      snapshot.units.length === 0,
    missingUsers,
    unknownRoles:
      plan?.roles
        .filter((role) => role.role === null && role.failures.length === 0)
        .map((role) => role.requested) ?? [],
  };
}
