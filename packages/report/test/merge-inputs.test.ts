import {
  type AuditDocument,
  buildPostureReport,
  type CycleDocument,
  escapeBidi,
  parseReportInput,
  type ReportSource,
  type ScanDocument,
} from "@rotation-exclusion/report";
import { describe, expect, it } from "vitest";
import { FIXTURE_NOW, FIXTURE_TENANTS, reportFixtureDocuments } from "./report-fixture-documents.js";

const { documents } = reportFixtureDocuments();
const contosoScan = documents["contoso-scan.json"] as ScanDocument;
const contosoAudit = documents["contoso-audit.json"] as AuditDocument;
const tailspinCycle = documents["tailspin-cycle.json"] as CycleDocument;

function source(name: string, document: unknown): ReportSource {
  return parseReportInput(name, JSON.stringify(document));
}

const options = { generatorVersion: "1.0.0", clock: () => FIXTURE_NOW };

/** Tailspin's cycle, re-addressed to Contoso and finished at `finishedAt`, complete or not. */
function contosoCycle(finishedAt: string, complete: boolean): CycleDocument {
  const [result] = tailspinCycle.tenants;
  if (result?.report === undefined) throw new Error("fixture changed");
  return {
    ...tailspinCycle,
    finishedAt,
    tenants: [
      {
        ...result,
        tenantId: FIXTURE_TENANTS.contoso,
        snapshotComplete: complete,
        ...(complete ? { incompleteReason: undefined } : {}),
        report: {
          ...result.report,
          tenantId: FIXTURE_TENANTS.contoso,
          snapshot: { ...result.report.snapshot, complete },
        },
      },
    ],
  };
}

describe("buildPostureReport merging inputs", () => {
  it("takes each section from the newest input that has it (scan + audit + cycle of one tenant)", () => {
    const cycle = contosoCycle("2026-12-02T10:00:00.000Z", true);
    const report = buildPostureReport(
      [source("scan.json", contosoScan), source("audit.json", contosoAudit), source("cycle.json", cycle)],
      options,
    );
    const [contoso] = report.tenants;
    expect(contoso?.sources).toEqual(["scan.json", "audit.json", "cycle.json"]);
    // Read time is the oldest of the inputs whose sections are shown (the scan's warnings, 08:00).
    expect(contoso?.readAt).toBe("2026-12-02T08:00:00.000Z");
    // The cycle is newest and has accounts; only the audit has Global Administrators; units: the audit.
    expect(contoso?.accounts.available && contoso.accounts.source).toBe("cycle.json");
    expect(contoso?.globalAdministrators.available && contoso.globalAdministrators.source).toBe("audit.json");
    expect(contoso?.restrictedUnits.available && contoso.restrictedUnits.source).toBe("audit.json");
    // Findings merge the newest input of each kind: each kind reports its own.
    expect(contoso?.findings.available && contoso.findings.source).toBe("scan.json, audit.json, cycle.json");
    expect(contoso?.complete).toBe(true);
  });

  it("keeps an older audit's findings beside a newer scan's warnings, each finding once", () => {
    const finding = {
      code: "EMPTY_RESTRICTED_UNIT",
      severity: "warning",
      message: "Unit x is empty.",
    } as const;
    const audit = {
      ...contosoAudit,
      generatedAt: "2026-12-02T07:00:00.000Z",
      findings: [
        { ...finding, action: "Add the accounts it is meant to protect." },
        { code: "ONE_PROTECTED_GLOBAL_ADMIN", severity: "warning", message: "Only one.", action: "Add one." },
      ],
    } as const;
    const scan = { ...contosoScan, generatedAt: "2026-12-02T11:00:00.000Z", warnings: [finding] };
    const [tenant] = buildPostureReport(
      [source("scan.json", scan), source("audit.json", audit)],
      options,
    ).tenants;
    const findings = tenant?.findings.available ? tenant.findings.value : [];
    expect(findings.map((f) => [f.code, f.action])).toEqual([
      ["EMPTY_RESTRICTED_UNIT", "Add the accounts it is meant to protect."],
      ["ONE_PROTECTED_GLOBAL_ADMIN", "Add one."],
    ]);
    expect(tenant?.worstSeverity).toBe("warning");
  });

  it("is incomplete when any one input about the tenant is, and then decides no flag", () => {
    const cycle = contosoCycle("2026-12-01T10:00:00.000Z", false);
    const report = buildPostureReport(
      [source("scan.json", contosoScan), source("audit.json", contosoAudit), source("cycle.json", cycle)],
      options,
    );
    expect(report.tenants[0]).toMatchObject({
      complete: false,
      incompleteReason: "throttled",
      noRestrictedUnit: null,
      fewerThanTwoProtectedGlobalAdministrators: null,
    });
    expect(report.summary).toMatchObject({ tenantsIncomplete: 1, tenantsWithoutRestrictedUnit: 0 });
  });

  it("does not call an incomplete read with no units 'no restricted unit'", () => {
    const scan = { ...contosoScan, complete: false, restrictedUnits: [], accounts: [] };
    const [tenant] = buildPostureReport([source("scan.json", scan)], options).tenants;
    expect(tenant).toMatchObject({
      complete: false,
      noRestrictedUnit: null,
      incompleteReason: "snapshot-incomplete",
    });
  });

  it("lists a failed live read as incomplete, with its error and no sections", () => {
    const failed = "20000000-0000-4000-8000-00000000000F";
    const report = buildPostureReport([], {
      ...options,
      failedTenants: [{ tenantId: failed, error: "authentication-failed: consent missing" }],
    });
    expect(report.tenants).toEqual([
      expect.objectContaining({
        tenantId: failed.toLowerCase(),
        complete: false,
        error: "authentication-failed: consent missing",
        readAt: null,
        stale: true,
        accounts: { available: false },
        restrictedUnits: { available: false },
        globalAdministrators: { available: false },
        findings: { available: false },
        worstSeverity: null,
      }),
    ]);
  });

  it("bounds the tenant list's text like any input's", () => {
    const report = buildPostureReport([source("scan.json", contosoScan)], {
      ...options,
      tenants: [{ tenantId: FIXTURE_TENANTS.contoso, displayName: "x".repeat(10_000), cloud: null }],
    });
    expect(report.tenants[0]?.displayName).toHaveLength(4096);
  });

  it("collapses live reads into one `live` input without a hash", () => {
    const live = (document: ScanDocument | AuditDocument): ReportSource => ({
      name: "live",
      sha256: null,
      document,
    });
    const other = {
      ...contosoScan,
      tenantId: FIXTURE_TENANTS.fabrikam,
      generatedAt: "2026-12-02T11:00:00.000Z",
    };
    const report = buildPostureReport([live(contosoScan), live(other)], options);
    expect(report.inputs).toEqual([
      {
        name: "live",
        kind: "live",
        sha256: null,
        generatedAt: "2026-12-02T11:00:00.000Z",
        tenantIds: [FIXTURE_TENANTS.contoso, FIXTURE_TENANTS.fabrikam],
      },
    ]);
  });

  it("orders tenants by the tenant list, then the rest by name and id; stale by staleAfterHours", () => {
    const { documents: all, tenantList } = reportFixtureDocuments();
    const sources = Object.entries(all).map(([name, document]) => source(name, document));
    const report = buildPostureReport(sources, {
      ...options,
      staleAfterHours: 1,
      tenants: [
        tenantList[4],
        tenantList[1],
        { tenantId: "30000000-0000-4000-8000-000000000000", displayName: "absent", cloud: null },
      ].filter((entry) => entry !== undefined),
    });
    expect(report.tenants.map((tenant) => tenant.displayName ?? tenant.tenantId)).toEqual([
      "Woodgrove Bank",
      "Fabrikam Inc",
      "absent",
      FIXTURE_TENANTS.contoso,
      FIXTURE_TENANTS.northwind,
      FIXTURE_TENANTS.tailspin,
      FIXTURE_TENANTS.hostile,
    ]);
    // Read four hours before the clock: stale after one hour.
    expect(report.tenants.every((tenant) => tenant.stale)).toBe(true);
    // A listed tenant no input holds is reported unread, not left out (it follows the listed ones it
    // was listed after: the list's order).
    expect(report.tenants[2]).toMatchObject({
      complete: false,
      incompleteReason: "no-input",
      noRestrictedUnit: null,
      restrictedUnits: { available: false },
    });
  });
});

describe("escapeBidi", () => {
  it("shows every bidi control as an escape and leaves other text alone", () => {
    expect(escapeBidi("\u202Egnp.exe")).toBe("\\u202Egnp.exe");
    expect(escapeBidi("a\u2066b\u2069c\u202Ad")).toBe("a\\u2066b\\u2069c\\u202Ad");
    expect(escapeBidi("Zoë 日本 <b>")).toBe("Zoë 日本 <b>");
  });
});

describe("buildPostureReport against hostile or stale inputs", () => {
  it("flags a tenant stale when an old input supplies a section beside a fresh one", () => {
    const audit = { ...contosoAudit, generatedAt: "2020-01-01T00:00:00.000Z" };
    // A scan without role holders: its accounts are fresh, the Global Administrators come from the audit.
    const scan = { ...contosoScan, accounts: [], generatedAt: "2026-12-02T11:00:00.000Z" };
    const [tenant] = buildPostureReport(
      [source("scan.json", scan), source("audit.json", audit)],
      options,
    ).tenants;
    expect(tenant?.globalAdministrators.available && tenant.globalAdministrators.source).toBe("audit.json");
    expect(tenant).toMatchObject({ readAt: "2020-01-01T00:00:00.000Z", stale: true });
  });

  it("counts finding codes named like Object.prototype members as codes", () => {
    const warnings = ["constructor", "__proto__", "toString"].map((code) => ({
      code,
      severity: "info" as const,
      message: "m",
    }));
    const report = buildPostureReport([source("scan.json", { ...contosoScan, warnings })], options);
    expect(Object.entries(JSON.parse(JSON.stringify(report.summary.findingsByCode)))).toEqual([
      ["__proto__", 1],
      ["constructor", 1],
      ["toString", 1],
    ]);
  });

  it("does not call a cycle tenant complete when its kept report read an incomplete snapshot", () => {
    const cycle = contosoCycle("2026-12-02T10:00:00.000Z", true);
    const [result] = cycle.tenants;
    if (result?.report === undefined) throw new Error("fixture changed");
    const broken = {
      ...cycle,
      tenants: [
        { ...result, report: { ...result.report, snapshot: { ...result.report.snapshot, complete: false } } },
      ],
    };
    const [tenant] = buildPostureReport([source("cycle.json", broken)], options).tenants;
    expect(tenant?.complete).toBe(false);
  });

  it("refuses a cycle result whose kept report is about another tenant", () => {
    const cycle = contosoCycle("2026-12-02T10:00:00.000Z", true);
    const [result] = cycle.tenants;
    if (result?.report === undefined) throw new Error("fixture changed");
    const swapped = {
      ...cycle,
      tenants: [{ ...result, report: { ...result.report, tenantId: FIXTURE_TENANTS.fabrikam } }],
    };
    expect(() => source("cycle.json", swapped)).toThrow(/report\.tenantId: .* is not the result's tenant/);
  });
});

describe("buildPostureReport with failed reads", () => {
  it("lists a failed tenant incomplete with its reason (default read-failed) and its error", () => {
    const cut = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
    const refused = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";
    const report = buildPostureReport([], {
      ...options,
      failedTenants: [
        {
          tenantId: cut,
          error: "deadline: the read did not finish within --deadline 300 s",
          reason: "deadline",
        },
        { tenantId: refused, error: "Could not sign in" },
      ],
    });
    const byId = new Map(report.tenants.map((tenant) => [tenant.tenantId, tenant]));
    expect(byId.get(cut)).toMatchObject({ complete: false, incompleteReason: "deadline" });
    expect(byId.get(refused)).toMatchObject({
      complete: false,
      incompleteReason: "read-failed",
      error: "Could not sign in",
      restrictedUnits: { available: false },
    });
    expect(report.summary.tenantsIncomplete).toBe(2);
  });
});
