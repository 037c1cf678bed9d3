/**
 * Hand-written posture reports for the renderer tests: six tenants that cover every state the page must
 * show (healthy, one protected Global Administrator, no restricted unit, an incomplete read, a hidden
 * unit whose members could not be read, hostile names and sections no input had), and a generator for
 * reports of any size (10,000 tenants × 20 accounts is the benchmark size).
 */
import {
  POSTURE_REPORT_KIND,
  POSTURE_REPORT_SCHEMA_VERSION,
  type PostureReport,
  type PostureSummary,
  type ReportAccount,
  type ReportFinding,
  type ReportUnit,
  SEVERITIES,
  type Severity,
  type StatusCounts,
  type TenantPosture,
} from "@rotation-exclusion/report";

/** A payload that sets `window.__pwned` if any tenant text ever reaches the page as markup. */
export const CANARY_IMG = '<img src=x onerror="window.__pwned=1">';
/** A payload that sets `window.__pwned` if tenant text is ever parsed as a script. */
export const CANARY_SCRIPT = "<script>window.__pwned=1</script>";
/** A name that would close the data block and open a comment if it were not escaped. */
export const CLOSE_SCRIPT = "</script><!--";
/** A spreadsheet formula (harmless in HTML, shown as text). */
export const FORMULA = '=HYPERLINK("http://evil","x")';
/** A right-to-left override that would make `exe.png` read as `png.exe`. */
export const BIDI_NAME = "invoice\u202Egnp.exe";

const GENERATED_AT = "2026-12-01T08:00:00.000Z";
const FRESH = "2026-12-01T07:40:00.000Z";
const OLD = "2026-11-20T07:40:00.000Z";
const SCAN = "scan-2026-12-01.json";
const AUDIT = "audit-2026-12-01.json";

function available<T>(value: T, source = SCAN) {
  return { available: true as const, source, value };
}

function counts(accounts: readonly ReportAccount[], globalOnly: boolean): StatusCounts {
  const chosen = globalOnly ? accounts.filter((account) => account.globalAdministrator === true) : accounts;
  return {
    protected: chosen.filter((account) => account.status === "protected").length,
    notProtected: chosen.filter((account) => account.status === "not-protected").length,
    unknown: chosen.filter((account) => account.status === "unknown").length,
  };
}

function unit(id: string, displayName: string | null, memberIds: string[], more: Partial<ReportUnit> = {}) {
  return {
    id,
    displayName,
    description: null,
    membershipType: "assigned",
    visibility: "public",
    membersReadable: true,
    memberIds,
    ...more,
  } satisfies ReportUnit;
}

function account(id: string, upn: string, displayName: string | null, more: Partial<ReportAccount> = {}) {
  return {
    id,
    userPrincipalName: upn,
    displayName,
    status: "protected",
    reasonCode: "unit-member",
    reason: "Member of a restricted management administrative unit.",
    evidence: [],
    unitIds: [],
    roles: ["Global Administrator (active, direct)"],
    globalAdministrator: true,
    listedBecause: ["Global Administrator (active, direct)"],
    ...more,
  } satisfies ReportAccount;
}

function memberEvidence(unitId: string, unitDisplayName: string | null, observedAt = FRESH) {
  return [{ kind: "unit-member" as const, observedAt, unitId, unitDisplayName }];
}

function finding(code: string, severity: Severity, message: string, action: string | null): ReportFinding {
  return { code, severity, message, action };
}

/** Builds a tenant from its parts, deriving counts and flags the way the report builder would. */
function tenant(
  base: Pick<TenantPosture, "tenantId" | "displayName"> & Partial<TenantPosture>,
  units: readonly ReportUnit[] | null,
  accounts: readonly ReportAccount[] | null,
  findings: readonly ReportFinding[] | null,
): TenantPosture {
  const complete = base.complete ?? true;
  const protectedGlobal = accounts ? counts(accounts, true).protected : 0;
  const worst = findings?.reduce<Severity | null>(
    (worstSoFar, item) =>
      worstSoFar === null || SEVERITIES.indexOf(item.severity) > SEVERITIES.indexOf(worstSoFar)
        ? item.severity
        : worstSoFar,
    null,
  );
  return {
    cloud: "global",
    readAt: FRESH,
    stale: false,
    complete,
    incompleteReason: null,
    error: null,
    sources: [SCAN],
    restrictedUnits: units ? available(units) : { available: false },
    accounts: accounts ? available(accounts) : { available: false },
    accountCounts: accounts ? available(counts(accounts, false)) : { available: false },
    globalAdministrators: accounts ? available(counts(accounts, true), AUDIT) : { available: false },
    findings: findings ? available(findings, AUDIT) : { available: false },
    worstSeverity: worst ?? null,
    noRestrictedUnit: complete && units ? units.length === 0 : null,
    fewerThanTwoProtectedGlobalAdministrators: complete && accounts ? protectedGlobal < 2 : null,
    ...base,
  };
}

/** Sums a report's tenants into its summary, as the report builder does. */
export function summarize(tenants: readonly TenantPosture[]): PostureSummary {
  const bySeverity: Record<Severity, number> = { info: 0, warning: 0, error: 0 };
  const byCode: Record<string, number> = {};
  let accountsProtected = 0;
  for (const item of tenants) {
    if (item.accountCounts.available) accountsProtected += item.accountCounts.value.protected;
    for (const found of item.findings.available ? item.findings.value : []) {
      bySeverity[found.severity] += 1;
      byCode[found.code] = (byCode[found.code] ?? 0) + 1;
    }
  }
  return {
    tenantsRead: tenants.length,
    tenantsComplete: tenants.filter((item) => item.complete).length,
    tenantsIncomplete: tenants.filter((item) => !item.complete).length,
    accountsProtected,
    tenantsWithoutRestrictedUnit: tenants.filter((item) => item.noRestrictedUnit === true).length,
    tenantsWithFewerThanTwoProtectedGlobalAdministrators: tenants.filter(
      (item) => item.fewerThanTwoProtectedGlobalAdministrators === true,
    ).length,
    findingsBySeverity: bySeverity,
    findingsByCode: byCode,
  };
}

function report(tenants: readonly TenantPosture[]): PostureReport {
  return {
    kind: POSTURE_REPORT_KIND,
    schemaVersion: POSTURE_REPORT_SCHEMA_VERSION,
    generator: { name: "@rotation-exclusion/report", version: "0.4.0" },
    generatedAt: GENERATED_AT,
    staleAfterHours: 24,
    upnsRedacted: false,
    inputs: [
      {
        name: SCAN,
        kind: "scan",
        sha256: "9f2c1c0d4e1b7a8e5f3d2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f10",
        generatedAt: FRESH,
        tenantIds: tenants.map((item) => item.tenantId),
      },
      {
        name: AUDIT,
        kind: "audit",
        sha256: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        generatedAt: FRESH,
        tenantIds: tenants.map((item) => item.tenantId),
      },
    ],
    summary: summarize(tenants),
    tenants,
  };
}

const HEALTHY_UNIT = "5a0c1f2e-0000-4000-8000-000000000001";
const ONE_GA_UNIT = "5a0c1f2e-0000-4000-8000-000000000002";
const HIDDEN_UNIT = "5a0c1f2e-0000-4000-8000-000000000005";
const HOSTILE_UNIT = "5a0c1f2e-0000-4000-8000-000000000006";

/** The tenants of {@link postureFixture}, by role in the tests. */
export const FIXTURE_TENANTS = {
  healthy: "11111111-1111-4111-8111-111111111111",
  oneGlobalAdministrator: "22222222-2222-4222-8222-222222222222",
  noRestrictedUnit: "33333333-3333-4333-8333-333333333333",
  incomplete: "44444444-4444-4444-8444-444444444444",
  hiddenUnit: "55555555-5555-4555-8555-555555555555",
  hostile: "66666666-6666-4666-8666-666666666666",
} as const;

/** Six tenants covering every state the page shows, including hostile names and unavailable sections. */
export function postureFixture(): PostureReport {
  const breakGlass = (n: number, unitId: string, unitName: string) =>
    account(
      `a${n}000000-0000-4000-8000-00000000000${n}`,
      `breakglass${n}@contoso.example`,
      `Break glass ${n}`,
      {
        evidence: memberEvidence(unitId, unitName),
        unitIds: [unitId],
        listedBecause: ["protected set", "Global Administrator (active, direct)"],
      },
    );
  const healthy = tenant(
    { tenantId: FIXTURE_TENANTS.healthy, displayName: "Contoso Healthcare" },
    [
      unit(HEALTHY_UNIT, "Emergency access", [
        "a1000000-0000-4000-8000-000000000001",
        "a2000000-0000-4000-8000-000000000002",
      ]),
    ],
    [breakGlass(1, HEALTHY_UNIT, "Emergency access"), breakGlass(2, HEALTHY_UNIT, "Emergency access")],
    [],
  );
  const oneGa = tenant(
    { tenantId: FIXTURE_TENANTS.oneGlobalAdministrator, displayName: "Fabrikam Logistics" },
    [unit(ONE_GA_UNIT, "Break-glass RMAU", ["a3000000-0000-4000-8000-000000000003"])],
    [
      breakGlass(3, ONE_GA_UNIT, "Break-glass RMAU"),
      account("b1000000-0000-4000-8000-000000000001", "it.admin@fabrikam.example", "IT Admin", {
        status: "not-protected",
        reasonCode: "no-protection",
        reason: "Not in a restricted unit and not flagged restricted.",
      }),
    ],
    [
      finding(
        "fewer-than-two-protected-global-administrators",
        "warning",
        "Only one Global Administrator is protected.",
        "Add a second emergency-access account to the restricted unit.",
      ),
    ],
  );
  const noUnit = tenant(
    {
      tenantId: FIXTURE_TENANTS.noRestrictedUnit,
      displayName: "Northwind Traders",
      readAt: OLD,
      stale: true,
    },
    [],
    [
      account("c1000000-0000-4000-8000-000000000001", "admin@northwind.example", "Admin", {
        status: "not-protected",
        reasonCode: "no-protection",
        reason: "Not in a restricted unit and not flagged restricted.",
      }),
    ],
    [
      finding(
        "no-restricted-unit",
        "error",
        "The tenant has no restricted management administrative unit.",
        "Create one and add the emergency-access accounts (docs/operations.md).",
      ),
    ],
  );
  const incomplete = tenant(
    {
      tenantId: FIXTURE_TENANTS.incomplete,
      displayName: "Tailspin Toys",
      complete: false,
      incompleteReason: "throttled",
    },
    null,
    [
      account("d1000000-0000-4000-8000-000000000001", "ga1@tailspin.example", null, {
        status: "unknown",
        reasonCode: "throttled",
        reason: "Graph throttled the read (429) before the verdict.",
      }),
      account("d2000000-0000-4000-8000-000000000002", "ga2@tailspin.example", "Second GA", {
        status: "unknown",
        reasonCode: "throttled",
        reason: "Graph throttled the read (429) before the verdict.",
      }),
    ],
    [
      finding(
        "incomplete-read",
        "warning",
        "The read was throttled; some verdicts are unknown.",
        "Run the scan again later.",
      ),
    ],
  );
  const hidden = tenant(
    { tenantId: FIXTURE_TENANTS.hiddenUnit, displayName: "Woodgrove Bank" },
    [
      unit(HIDDEN_UNIT, "Hidden emergency access", [], {
        visibility: "hiddenMembership",
        membersReadable: false,
        membershipType: "dynamic",
        description: "Members hidden from directory readers.",
      }),
    ],
    [
      account("e1000000-0000-4000-8000-000000000001", "bg@woodgrove.example", "Woodgrove break glass", {
        reasonCode: "restricted-flag",
        reason: "The account is flagged isManagementRestricted.",
        evidence: [{ kind: "restricted-flag", observedAt: FRESH }],
      }),
      account("e2000000-0000-4000-8000-000000000002", "bg2@woodgrove.example", "Woodgrove break glass 2", {
        reasonCode: "rotation-denied",
        reason: "Graph refused the password reset.",
        evidence: [
          {
            kind: "rotation-denied",
            observedAt: FRESH,
            message: "Insufficient privileges to complete the operation.",
            requestId: "7d1e4c2a-9b8f-4e6d-a5c4-3b2a1f0e9d8c",
          },
        ],
      }),
    ],
    [
      finding(
        "hidden-membership-unreadable",
        "info",
        "The members of a hidden-membership unit could not be read.",
        "Grant AdministrativeUnit.Read.All with a role that may read hidden members.",
      ),
    ],
  );
  const hostileUnit = unit(HOSTILE_UNIT, CLOSE_SCRIPT, ["f1000000-0000-4000-8000-000000000001"], {
    description: FORMULA,
  });
  const hostile = tenant(
    {
      tenantId: FIXTURE_TENANTS.hostile,
      displayName: `${CANARY_SCRIPT} ${CANARY_IMG}`,
      cloud: null,
      readAt: null,
      stale: true,
    },
    [hostileUnit],
    [
      account("f1000000-0000-4000-8000-000000000001", `${CANARY_IMG}@evil.example`, BIDI_NAME, {
        evidence: memberEvidence(HOSTILE_UNIT, CLOSE_SCRIPT),
        unitIds: [HOSTILE_UNIT],
        reason: "line\u2028separator\u2029paragraph",
      }),
    ],
    null,
  );
  return report([
    healthy,
    oneGa,
    noUnit,
    incomplete,
    hidden,
    { ...hostile, accountCounts: { available: false } },
  ]);
}

/** A small deterministic generator (mulberry32), so synthetic reports are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(next: () => number): string {
  const hex = () =>
    Math.floor(next() * 0x10000)
      .toString(16)
      .padStart(4, "0");
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-8${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

const SEVERITY_OF = {
  "no-restricted-unit": "error",
  "fewer-than-two-protected-global-administrators": "warning",
  "incomplete-read": "warning",
  "hidden-membership-unreadable": "info",
} as const satisfies Record<string, Severity>;

/**
 * A report of `tenants` tenants with `accountsPerTenant` accounts each (random GUIDs, a fixed seed): most
 * tenants healthy, some with one or no protected Global Administrator, some incomplete or without a unit.
 */
export function syntheticPostureReport(tenants: number, accountsPerTenant: number): PostureReport {
  const next = random(18);
  const list: TenantPosture[] = [];
  for (let index = 0; index < tenants; index += 1) {
    const roll = next();
    const complete = roll >= 0.05;
    const hasUnit = roll >= 0.1;
    const unitId = guid(next);
    const protectedCount = hasUnit
      ? Math.min(accountsPerTenant, roll < 0.2 ? 1 : 2 + Math.floor(next() * 2))
      : 0;
    const globalCount = Math.min(accountsPerTenant, 3 + Math.floor(next() * 2));
    const accounts: ReportAccount[] = [];
    for (let n = 0; n < accountsPerTenant; n += 1) {
      const id = guid(next);
      const isProtected = n < protectedCount;
      const isGlobal = n < globalCount;
      const status = isProtected
        ? "protected"
        : !complete && n < globalCount + 2
          ? "unknown"
          : "not-protected";
      accounts.push(
        account(id, `user${n}.t${index}@tenant${index}.example`, `User ${n} of tenant ${index}`, {
          status,
          reasonCode: isProtected ? "unit-member" : status === "unknown" ? "throttled" : "no-protection",
          reason: isProtected ? "Member of a restricted unit." : "Not protected.",
          evidence: isProtected ? memberEvidence(unitId, "Emergency access") : [],
          unitIds: isProtected ? [unitId] : [],
          roles: isGlobal ? ["Global Administrator (active, direct)"] : [],
          globalAdministrator: isGlobal,
          listedBecause: isGlobal ? ["Global Administrator (active, direct)"] : ["--user"],
        }),
      );
    }
    const units = hasUnit
      ? [
          unit(
            unitId,
            "Emergency access",
            accounts.slice(0, protectedCount).map((item) => item.id ?? ""),
          ),
        ]
      : [];
    const codes: (keyof typeof SEVERITY_OF)[] = [];
    if (!complete) codes.push("incomplete-read");
    else if (!hasUnit) codes.push("no-restricted-unit");
    else if (protectedCount < 2) codes.push("fewer-than-two-protected-global-administrators");
    if (roll > 0.97) codes.push("hidden-membership-unreadable");
    list.push(
      tenant(
        {
          tenantId: guid(next),
          displayName: `Customer ${String(index).padStart(5, "0")} Ltd`,
          complete,
          incompleteReason: complete ? null : "throttled",
          stale: roll > 0.9 && roll < 0.93,
        },
        complete ? units : null,
        accounts,
        codes.map((code) => finding(code, SEVERITY_OF[code], `Synthetic ${code}.`, "See the runbook.")),
      ),
    );
  }
  return report(list);
}
