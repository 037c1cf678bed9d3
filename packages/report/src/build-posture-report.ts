/** Merges validated documents and live reads into one {@link PostureReport}. */
import { MAX_STRING_LENGTH } from "./document-fields.js";
import {
  POSTURE_REPORT_KIND,
  POSTURE_REPORT_SCHEMA_VERSION,
  type PostureReport,
  type ReportAccount,
  type ReportFinding,
  type ReportInputRecord,
  type Section,
  type TenantPosture,
} from "./posture-report.js";
import {
  compareAccounts,
  compareFindings,
  compareNullableText,
  summarizePosture,
  worstSeverityOf,
} from "./posture-summary.js";
import type { ReportSource } from "./report-input.js";
import { contributionsOf, type TenantContribution } from "./tenant-contribution.js";

/** A tenant as a tenant list names it. */
export interface TenantListEntry {
  readonly tenantId: string;
  readonly displayName: string | null;
  readonly cloud: string | null;
}

/** A tenant whose read failed outright: what failed (redacted), and the reason code to show. */
export interface FailedTenantRead {
  readonly tenantId: string;
  readonly error: string;
  /** The tenant's `incompleteReason` (`deadline`, say). Default `read-failed`. */
  readonly reason?: string;
}

/** Why a tenant was not read: its error and reason code. */
interface ReadFailure {
  readonly error: string;
  readonly reason: string;
}

/** Options of {@link buildPostureReport}. */
export interface BuildPostureReportOptions {
  /** The version written as `generator.version`. */
  readonly generatorVersion: string;
  /** Default `@rotation-exclusion/report`. */
  readonly generatorName?: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  /** A tenant read longer ago is flagged stale. Default 24. */
  readonly staleAfterHours?: number;
  /**
   * Names, clouds and order of tenants (a tenant list file); tenants not in it follow, by name then id.
   * A listed tenant that no input holds is listed incomplete (`incompleteReason: "no-input"`).
   */
  readonly tenants?: readonly TenantListEntry[];
  /** Tenants whose live read failed outright: listed as incomplete with the (redacted) error. */
  readonly failedTenants?: readonly FailedTenantRead[];
}

const DEFAULTS = {
  generatorName: "@rotation-exclusion/report",
  clock: Date.now,
  staleAfterHours: 24,
  tenants: [],
  failedTenants: [],
} satisfies Required<Omit<BuildPostureReportOptions, "generatorVersion">>;

const HOUR_MS = 3_600_000;

/** Live reads carry no file, so no hash: they are the `live` input. */
function isLive(source: ReportSource): boolean {
  return source.sha256 === null;
}

function inputRecords(sources: readonly ReportSource[]): ReportInputRecord[] {
  const records = new Map<string, { record: ReportInputRecord; tenants: Set<string> }>();
  for (const source of sources) {
    const live = isLive(source);
    const key = live ? `live:${source.name}` : `file:${source.name}:${source.sha256}`;
    const { document } = source;
    const generatedAt =
      document.kind === "rotation-exclusion.cycle" ? document.finishedAt : document.generatedAt;
    const tenantIds =
      document.kind === "rotation-exclusion.cycle"
        ? document.tenants.map((t) => t.tenantId)
        : [document.tenantId];
    const existing = records.get(key);
    const newest =
      existing?.record.generatedAt != null && existing.record.generatedAt > generatedAt
        ? existing.record.generatedAt
        : generatedAt;
    const tenants = new Set([...(existing?.tenants ?? []), ...tenantIds]);
    records.set(key, {
      tenants,
      record: {
        name: source.name,
        kind: live
          ? "live"
          : (document.kind.slice("rotation-exclusion.".length) as ReportInputRecord["kind"]),
        sha256: source.sha256,
        generatedAt: newest,
        tenantIds: [],
      },
    });
  }
  return [...records.values()].map(({ record, tenants }) => ({ ...record, tenantIds: [...tenants].sort() }));
}

/** The section from the newest contribution that has it (the first of equals). */
function newestSection<T>(
  contributions: readonly TenantContribution[],
  pick: (contribution: TenantContribution) => T | undefined,
  used?: TenantContribution[],
): Section<T> {
  let best: { contribution: TenantContribution; value: T; at: number } | undefined;
  for (const contribution of contributions) {
    const value = pick(contribution);
    if (value === undefined) continue;
    const at = contribution.readAtMs ?? Number.NEGATIVE_INFINITY;
    if (best === undefined || at > best.at) best = { contribution, value, at };
  }
  if (best === undefined) return { available: false };
  used?.push(best.contribution);
  return { available: true, source: best.contribution.source, value: best.value };
}

/**
 * The findings of the newest input of each kind, merged: a scan's warnings and an audit's findings say
 * different things (the audit adds the posture findings and what to do), so a newer scan must not hide
 * an older audit's findings. One finding reported by several inputs (same code, unit and object) is
 * listed once, preferring the version that says what to do.
 */
function mergedFindings(
  contributions: readonly TenantContribution[],
  used: TenantContribution[],
): Section<readonly ReportFinding[]> {
  const newestOfKind = new Map<TenantContribution["documentKind"], TenantContribution>();
  for (const contribution of contributions) {
    if (contribution.findings === undefined) continue;
    const seen = newestOfKind.get(contribution.documentKind);
    const at = (c: TenantContribution) => c.readAtMs ?? Number.NEGATIVE_INFINITY;
    if (seen === undefined || at(contribution) > at(seen))
      newestOfKind.set(contribution.documentKind, contribution);
  }
  if (newestOfKind.size === 0) return { available: false };
  const byKey = new Map<string, ReportFinding>();
  const chosen = contributions.filter((c) => [...newestOfKind.values()].includes(c));
  used.push(...chosen);
  for (const contribution of chosen) {
    for (const finding of contribution.findings ?? []) {
      const key = JSON.stringify([finding.code, finding.unitId ?? null, finding.objectId ?? null]);
      const known = byKey.get(key);
      if (known === undefined || (known.action === null && finding.action !== null)) byKey.set(key, finding);
    }
  }
  const source = [...new Set(chosen.map((c) => c.source))].join(", ");
  return { available: true, source, value: [...byKey.values()] };
}

function mapSection<T, U>(section: Section<T>, map: (value: T) => U): Section<U> {
  return section.available ? { available: true, source: section.source, value: map(section.value) } : section;
}

function tenantPosture(
  tenantId: string,
  contributions: readonly TenantContribution[],
  listed: TenantListEntry | undefined,
  failure: ReadFailure | null,
  now: number,
  staleAfterHours: number,
): TenantPosture {
  // The contributions whose sections the tenant shows: its read time is the oldest of theirs, so a
  // fresh scan cannot make an old audit's Global Administrator counts look fresh.
  const used: TenantContribution[] = [];
  const incomplete = contributions.find((c) => !c.complete);
  const complete = failure === null && incomplete === undefined && contributions.length > 0;
  const errors = [failure?.error ?? null, ...contributions.map((c) => c.error)].filter(
    (e): e is string => e !== null,
  );
  const globalAdministrators = newestSection(contributions, (c) => c.globalAdministrators, used);
  const gaPaths = globalAdministrators.available ? globalAdministrators.value.paths : undefined;
  // Global Administrator flags come from whichever input read the role holders, audit or scan.
  const withRoles = (account: ReportAccount): ReportAccount => {
    if (gaPaths === undefined) return account;
    const paths = account.id === null ? undefined : gaPaths.get(account.id);
    return {
      ...account,
      globalAdministrator: paths !== undefined,
      roles: [...new Set([...account.roles, ...(paths ?? [])])],
    };
  };
  const restrictedUnits = mapSection(
    newestSection(contributions, (c) => c.restrictedUnits, used),
    (units) =>
      [...units].sort(
        (a, b) => compareNullableText(a.displayName, b.displayName) || compareNullableText(a.id, b.id),
      ),
  );
  const accounts = mapSection(
    newestSection(contributions, (c) => c.accounts, used),
    (list) => list.map(withRoles).sort(compareAccounts),
  );
  const findings = mapSection(mergedFindings(contributions, used), (list) => [...list].sort(compareFindings));
  const accountCounts = newestSection(contributions, (c) => c.accountCounts, used);
  const shown = used.length > 0 ? used : contributions;
  const readAtMs = shown.some((c) => c.readAtMs === null)
    ? null
    : shown.reduce<number | null>(
        (oldest, c) => Math.min(oldest ?? Number.POSITIVE_INFINITY, c.readAtMs ?? 0),
        null,
      );
  const gaCounts = mapSection(globalAdministrators, (value) => value.counts);
  return {
    tenantId,
    // Tenant lists are files too: bound their text like any input's.
    displayName: listed?.displayName?.slice(0, MAX_STRING_LENGTH) ?? null,
    cloud: listed?.cloud?.slice(0, MAX_STRING_LENGTH) ?? null,
    readAt: readAtMs === null ? null : new Date(readAtMs).toISOString(),
    stale: readAtMs === null || now - readAtMs > staleAfterHours * HOUR_MS,
    complete,
    incompleteReason: complete ? null : (incomplete?.incompleteReason ?? failure?.reason ?? null),
    error: errors.length > 0 ? errors.join("; ") : null,
    sources: [...new Set(contributions.map((c) => c.source))],
    restrictedUnits,
    accounts,
    accountCounts,
    globalAdministrators: gaCounts,
    findings,
    worstSeverity: findings.available ? worstSeverityOf(findings.value) : null,
    // "Cannot tell" unless a complete read of the tenant had the section.
    noRestrictedUnit: complete && restrictedUnits.available ? restrictedUnits.value.length === 0 : null,
    fewerThanTwoProtectedGlobalAdministrators:
      complete && gaCounts.available ? gaCounts.value.protected < 2 : null,
  };
}

/**
 * Builds the report. Several inputs about one tenant are merged: each section comes from the newest
 * input that has it, except findings, which merge the newest input of each kind (scan, audit, cycle);
 * the tenant is complete only when every input about it says so.
 *
 * @example
 * const report = buildPostureReport([parseReportInput("a.json", bytes)], { generatorVersion: "1.2.0" });
 */
export function buildPostureReport(
  sources: readonly ReportSource[],
  options: BuildPostureReportOptions,
): PostureReport {
  const { generatorName, clock, staleAfterHours, tenants: list, failedTenants } = { ...DEFAULTS, ...options };
  const now = clock();
  const contributions = sources.flatMap(contributionsOf);
  const byTenant = new Map<string, TenantContribution[]>();
  for (const contribution of contributions) {
    byTenant.set(contribution.tenantId, [...(byTenant.get(contribution.tenantId) ?? []), contribution]);
  }
  const failures = new Map<string, ReadFailure>();
  for (const failed of failedTenants) {
    const id = failed.tenantId.toLowerCase();
    const error = failed.error.slice(0, MAX_STRING_LENGTH);
    const known = failures.get(id);
    failures.set(id, {
      error: known === undefined ? error : `${known.error}; ${error}`,
      reason: known?.reason ?? failed.reason?.slice(0, MAX_STRING_LENGTH) ?? "read-failed",
    });
    if (!byTenant.has(id)) byTenant.set(id, []);
  }
  const listed = new Map(list.map((entry, index) => [entry.tenantId.toLowerCase(), { entry, index }]));
  // A listed tenant no input holds is a customer the report did not read: incomplete, never left out.
  for (const id of listed.keys()) {
    if (byTenant.has(id)) continue;
    byTenant.set(id, []);
    failures.set(id, { error: "no input holds this tenant of the tenant list", reason: "no-input" });
  }
  const tenants = [...byTenant.entries()].map(([id, parts]) =>
    tenantPosture(id, parts, listed.get(id)?.entry, failures.get(id) ?? null, now, staleAfterHours),
  );
  // Tenant-list order first, then the others by display name, then id.
  const rank = (tenant: TenantPosture) => listed.get(tenant.tenantId)?.index ?? Number.POSITIVE_INFINITY;
  tenants.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      compareNullableText(a.displayName, b.displayName) ||
      compareNullableText(a.tenantId, b.tenantId),
  );
  return {
    kind: POSTURE_REPORT_KIND,
    schemaVersion: POSTURE_REPORT_SCHEMA_VERSION,
    generator: { name: generatorName, version: options.generatorVersion },
    generatedAt: new Date(now).toISOString(),
    staleAfterHours,
    upnsRedacted: false,
    inputs: inputRecords(sources),
    summary: summarizePosture(tenants),
    tenants,
  };
}
