/**
 * What one input document says about each tenant it holds: the parts of the posture it can give, when it
 * read them and whether its read was complete. `buildPostureReport` merges the contributions of every
 * input; this file only translates one document.
 */
import type { AccountOutcome, ExclusionReport, TenantCycleResult } from "@rotation-exclusion/core";
import type {
  AccountStatus,
  ReportAccount,
  ReportEvidence,
  ReportFinding,
  ReportUnit,
  StatusCounts,
} from "./posture-report.js";
import type {
  AuditDocument,
  CycleDocument,
  DocumentEvidence,
  DocumentFinding,
  DocumentUnit,
  ReportSource,
  ScanDocument,
} from "./report-input.js";

/** The Global Administrator role template id (the same in every tenant and cloud). */
const GLOBAL_ADMINISTRATOR_ROLE_ID = "62e90394-69f5-4237-9190-012177145e10";

/** Role paths read `Global Administrator (active, direct)`, or start with the role id when unnamed. */
export function isGlobalAdministratorPath(path: string): boolean {
  return (
    path.startsWith("Global Administrator (") ||
    path.toLowerCase().startsWith(`${GLOBAL_ADMINISTRATOR_ROLE_ID} (`)
  );
}

/** One input's part of one tenant's posture. */
export interface TenantContribution {
  readonly tenantId: string;
  readonly source: string;
  /** The kind of document it came from: each kind reports its own findings. */
  readonly documentKind: "scan" | "audit" | "cycle";
  /** When the input read the tenant (ms since the epoch), `null` when it does not say. */
  readonly readAtMs: number | null;
  readonly complete: boolean;
  readonly incompleteReason: string | null;
  readonly error: string | null;
  readonly restrictedUnits?: readonly ReportUnit[];
  readonly accounts?: readonly ReportAccount[];
  readonly accountCounts?: StatusCounts;
  /** Global Administrators read (their role paths by object id) and their verdict counts. */
  readonly globalAdministrators?: {
    readonly paths: ReadonlyMap<string, readonly string[]>;
    readonly counts: StatusCounts;
  };
  readonly findings?: readonly ReportFinding[];
}

/** Counts verdicts. */
export function countStatuses(statuses: Iterable<AccountStatus>): StatusCounts {
  let [protectedCount, notProtected, unknown] = [0, 0, 0];
  for (const status of statuses) {
    if (status === "protected") protectedCount += 1;
    else if (status === "not-protected") notProtected += 1;
    else unknown += 1;
  }
  return { protected: protectedCount, notProtected, unknown };
}

function toUnit(unit: DocumentUnit): ReportUnit {
  return {
    id: unit.id,
    displayName: unit.displayName,
    description: unit.description,
    membershipType: unit.membershipType,
    visibility: unit.visibility,
    membersReadable: unit.membersReadable,
    memberIds: [...new Set([...unit.userIds, ...unit.members.map((member) => member.id)])],
  };
}

function toEvidence(evidence: DocumentEvidence): ReportEvidence {
  return {
    kind: evidence.kind,
    observedAt: evidence.observedAt,
    ...(evidence.unitId !== undefined ? { unitId: evidence.unitId } : {}),
    ...(evidence.unitDisplayName !== undefined ? { unitDisplayName: evidence.unitDisplayName } : {}),
    ...(evidence.message !== undefined ? { message: evidence.message } : {}),
    ...(evidence.requestId !== undefined ? { requestId: evidence.requestId } : {}),
  };
}

/** A finding of a document, or of core's snapshot (whose optional fields may be `undefined`). */
type AnyFinding = Pick<DocumentFinding, "code" | "severity" | "message"> & {
  readonly action?: string | undefined;
  readonly unitId?: string | undefined;
  readonly objectId?: string | undefined;
};

function toFinding(finding: AnyFinding): ReportFinding {
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    action: finding.action ?? null,
    ...(finding.unitId !== undefined ? { unitId: finding.unitId } : {}),
    ...(finding.objectId !== undefined ? { objectId: finding.objectId } : {}),
  };
}

/** An incomplete read's reason: its first undecided account's reason code, else `snapshot-incomplete`. */
function incompleteReasonOf(complete: boolean, unknownReasons: readonly string[]): string | null {
  if (complete) return null;
  return unknownReasons[0] ?? "snapshot-incomplete";
}

function timeOf(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

type KindlessContribution = Omit<TenantContribution, "documentKind">;

function fromScan(source: string, scan: ScanDocument): KindlessContribution {
  const gaPaths = new Map<string, readonly string[]>();
  for (const account of scan.accounts) {
    const paths = account.sources.filter(isGlobalAdministratorPath);
    if (account.id !== null && paths.length > 0) gaPaths.set(account.id, paths);
  }
  // A scan read Global Administrators only when one of its accounts holds the role (`--role`).
  const rolesRead = gaPaths.size > 0;
  const accounts = scan.accounts.map(
    (account): ReportAccount => ({
      id: account.id,
      userPrincipalName: account.userPrincipalName,
      displayName: account.displayName,
      status: account.status,
      reasonCode: account.reasonCode,
      reason: account.reason,
      evidence: account.evidence.map(toEvidence),
      unitIds: account.unitIds,
      roles: account.sources.filter((entry) => entry !== "protected set" && !entry.startsWith("--user ")),
      globalAdministrator: rolesRead ? account.id !== null && gaPaths.has(account.id) : null,
      listedBecause: account.sources,
    }),
  );
  const gaStatuses = scan.accounts.filter((a) => a.id !== null && gaPaths.has(a.id)).map((a) => a.status);
  return {
    tenantId: scan.tenantId,
    source,
    readAtMs: timeOf(scan.generatedAt),
    complete: scan.complete,
    incompleteReason: incompleteReasonOf(
      scan.complete,
      scan.accounts.filter((a) => a.status === "unknown").map((a) => a.reasonCode),
    ),
    error: null,
    restrictedUnits: scan.restrictedUnits.map(toUnit),
    accounts,
    accountCounts: countStatuses(accounts.map((account) => account.status)),
    ...(rolesRead ? { globalAdministrators: { paths: gaPaths, counts: countStatuses(gaStatuses) } } : {}),
    findings: scan.warnings.map(toFinding),
  };
}

function fromAudit(source: string, audit: AuditDocument): KindlessContribution {
  const admins = audit.globalAdministrators;
  return {
    tenantId: audit.tenantId,
    source,
    readAtMs: timeOf(audit.generatedAt),
    complete: audit.complete,
    incompleteReason: incompleteReasonOf(
      audit.complete,
      admins.filter((a) => a.status === "unknown").map((a) => a.reasonCode),
    ),
    error: null,
    restrictedUnits: audit.restrictedUnits.map(toUnit),
    globalAdministrators: {
      paths: new Map(admins.map((admin) => [admin.id, admin.paths])),
      counts: countStatuses(admins.map((admin) => admin.status)),
    },
    findings: audit.findings.map(toFinding),
  };
}

/** The outcome lists of a guard run, in the order an account's first listing is kept. */
const OUTCOME_LISTS = [
  ["excluded", (r: ExclusionReport) => r.excluded],
  ["alreadyExcluded", (r: ExclusionReport) => r.alreadyExcluded],
  ["deferred", (r: ExclusionReport) => r.deferred],
  ["pending", (r: ExclusionReport) => r.pending],
  ["conflict", (r: ExclusionReport) => r.conflicts],
  ["error", (r: ExclusionReport) => r.errors],
  ["released", (r: ExclusionReport) => [...r.released.newly, ...r.released.still]],
  ["restored", (r: ExclusionReport) => r.restored],
  ["activated", (r: ExclusionReport) => r.activated],
] as const;

function cycleStatus(list: string, outcome: AccountOutcome): AccountStatus {
  // A deferred account was not decided this cycle, whatever its verdict said before the run stopped.
  if (list === "deferred") return "unknown";
  return outcome.verdict.status;
}

function cycleAccounts(report: ExclusionReport): ReportAccount[] {
  const byKey = new Map<string, ReportAccount>();
  for (const [list, of] of OUTCOME_LISTS) {
    for (const outcome of of(report)) {
      const key = outcome.accountId ?? `key:${outcome.key}`;
      const existing = byKey.get(key);
      if (existing !== undefined) {
        byKey.set(key, { ...existing, listedBecause: [...existing.listedBecause, `cycle: ${list}`] });
        continue;
      }
      const { verdict } = outcome;
      const status = cycleStatus(list, outcome);
      byKey.set(key, {
        id: outcome.accountId,
        userPrincipalName: outcome.userPrincipalName ?? verdict.userPrincipalName,
        displayName: null,
        status,
        reasonCode: status === "unknown" && verdict.status !== "unknown" ? "deferred" : verdict.reasonCode,
        reason: verdict.reason,
        evidence: verdict.evidence.map(toEvidence),
        unitIds: verdict.unitIds,
        roles: [],
        globalAdministrator: null,
        listedBecause: [`cycle: ${list}`],
      });
    }
  }
  return [...byKey.values()];
}

function cycleIncompleteReason(result: TenantCycleResult): string | null {
  if (result.report?.aborted === true) return "aborted";
  if (result.status === "done")
    return result.snapshotComplete === true && result.report?.snapshot.complete !== false
      ? null
      : (result.incompleteReason ?? "snapshot-incomplete");
  return result.incompleteReason ?? result.stoppedBy ?? result.status;
}

function fromCycleTenant(
  source: string,
  cycle: CycleDocument,
  result: TenantCycleResult,
): KindlessContribution {
  // Complete only when the result and the report it kept both say so: a kept report that read an
  // incomplete snapshot or was aborted leaves its undecided accounts undecided, whatever the summary says.
  const complete =
    result.status === "done" &&
    result.snapshotComplete === true &&
    (result.report === undefined || (result.report.snapshot.complete && !result.report.aborted));
  const base = {
    tenantId: result.tenantId,
    source,
    readAtMs: timeOf(cycle.finishedAt) ?? timeOf(cycle.startedAt),
    complete,
    incompleteReason: cycleIncompleteReason(result),
    error: result.error === undefined ? null : `${result.error.name}: ${result.error.message}`,
  };
  const { report } = result;
  if (report === undefined) return base;
  const accounts = cycleAccounts(report);
  const counts = countStatuses(accounts.map((account) => account.status));
  return {
    ...base,
    accounts,
    // Accounts the run found unprotected are counted, not listed.
    accountCounts: { ...counts, notProtected: counts.notProtected + report.notProtectedCount },
    findings: report.snapshot.findings.map(toFinding),
  };
}

/** What one validated input says about each of its tenants. */
export function contributionsOf(source: ReportSource): TenantContribution[] {
  const { document, name } = source;
  switch (document.kind) {
    case "rotation-exclusion.scan":
      return [{ ...fromScan(name, document), documentKind: "scan" }];
    case "rotation-exclusion.audit":
      return [{ ...fromAudit(name, document), documentKind: "audit" }];
    case "rotation-exclusion.cycle":
      return document.tenants.map((result) => ({
        ...fromCycleTenant(name, document, result),
        documentKind: "cycle" as const,
      }));
  }
}
