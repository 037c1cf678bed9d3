/**
 * The scan: every protected user of a tenant, the holders of the requested roles and the requested
 * users, one entry per account with its verdict and why it is listed, plus the restricted units and the
 * findings. Verdicts come from the rotation guard, so the scan shows exactly what a rotation service
 * embedding the guard would decide.
 */
import type {
  Finding,
  RoleImportPath,
  RoleImportPlan,
  RotationGuard,
  TenantSnapshot,
  Verdict,
} from "@rotation-exclusion/core";
import {
  type DocumentGenerator,
  type DocumentUnit,
  SCAN_DOCUMENT_KIND,
  type ScanDocument,
} from "@rotation-exclusion/report";

/**
 * The scan's JSON document: exactly `ScanDocument` of `@rotation-exclusion/report`, so what `scan
 * --format json` writes is what `report --from` reads (a type-level test keeps them one type).
 */
export type ScanReport = ScanDocument;

/** One account in a scan. */
export type ScanAccount = ScanDocument["accounts"][number];

/** A restricted management administrative unit as the scan saw it. */
export type ScanUnit = DocumentUnit;

/** A finding, as the scan prints it. */
export interface ScanWarning {
  readonly code: string;
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  readonly unitId?: string;
  readonly objectId?: string;
  readonly roleId?: string;
}

/** How a user is named: by UPN and display name, where a read named them. */
export interface UserNames {
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
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
  /** The document's `generator` (the CLI's name and version). */
  readonly generator: DocumentGenerator;
  /**
   * The names of accounts the reads named by object id only (fallback-mode unit members, a `--user` given
   * by id), by lower-case id; an id it cannot name stays unnamed. Default: none are looked up.
   */
  readonly nameUsers?: ((ids: readonly string[]) => Promise<ReadonlyMap<string, UserNames>>) | undefined;
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
  displayName: string | null;
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
  const add = (
    key: string,
    verdict: Verdict,
    names: { upn: string | null; displayName: string | null },
    source: string,
  ) => {
    const entry = entries.get(key);
    if (entry === undefined) entries.set(key, { verdict, ...names, sources: [source] });
    else {
      entry.upn ??= names.upn;
      entry.displayName ??= names.displayName;
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
    const user = snapshot.protectedUsers.get(id);
    add(
      id,
      verdict,
      {
        upn: user?.userPrincipalName ?? verdict.userPrincipalName,
        displayName: user?.displayName ?? null,
      },
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
          { upn: account.userPrincipalName, displayName: account.displayName },
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
    add(
      key,
      verdict,
      { upn: verdict.userPrincipalName ?? (GUID.test(user) ? null : user), displayName: null },
      `--user ${user}`,
    );
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
      const named = names.get(key);
      if (entry !== undefined) {
        entry.upn = named?.userPrincipalName ?? null;
        entry.displayName ??= named?.displayName ?? null;
      }
    }
  }
  // The units whose lists name each account, from the same lists the report prints.
  const listedIn = new Map<string, string[]>();
  for (const unit of snapshot.units) {
    for (const id of unit.members.userIds) listedIn.set(id, [...(listedIn.get(id) ?? []), unit.id]);
  }
  const unitNames = new Map(snapshot.units.map((unit) => [unit.id, unit.displayName]));
  const namedUnit = (id: string) => ({ id, displayName: unitNames.get(id) ?? null });
  const accounts = [...entries.entries()].map(
    ([key, { verdict, upn, displayName, sources }]): ScanAccount => ({
      id: key.startsWith("upn:") ? null : key,
      userPrincipalName: upn,
      displayName,
      status: verdict.status,
      unitIds: listedIn.get(key) ?? [],
      units: (listedIn.get(key) ?? []).map(namedUnit),
      reasonCode: verdict.reasonCode,
      evidence: verdict.evidence,
      reason: verdict.reason,
      sources,
    }),
  );
  // Members are named by what the reads saw: the protected set, the role holders, the scan's own rows.
  const memberName = (id: string): UserNames => {
    const entry = entries.get(id);
    const user = snapshot.protectedUsers.get(id);
    return {
      userPrincipalName: entry?.upn ?? user?.userPrincipalName ?? null,
      displayName: entry?.displayName ?? user?.displayName ?? null,
    };
  };
  const failedSources = new Set(snapshot.failures.map((failure) => failure.source));
  return {
    report: {
      kind: SCAN_DOCUMENT_KIND,
      schemaVersion: 1,
      generator: request.generator,
      generatedAt: snapshot.protectedSetObservedAt,
      tenantId: snapshot.tenantId,
      complete: snapshot.complete && (plan?.complete ?? true),
      accounts,
      // The adapter reads no unit description (decision 0013: only documented, needed properties).
      restrictedUnits: snapshot.units.map((unit) => ({
        id: unit.id,
        displayName: unit.displayName,
        description: null,
        membershipType: unit.membershipType,
        visibility: unit.visibility,
        userIds: unit.members.userIds,
        members: unit.members.userIds.map((id) => ({ id, ...memberName(id) })),
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
