import { createHash } from "node:crypto";
import { type PostureReport, postureReportSchema, type TenantPosture } from "@rotation-exclusion/report";
import { describe, expect, it } from "vitest";
import { fixtureReport } from "./report-fixture.js";
import { FIXTURE_TENANTS, reportFixtureDocuments } from "./report-fixture-documents.js";

function tenant(report: PostureReport, id: string): TenantPosture {
  const found = report.tenants.find((candidate) => candidate.tenantId === id);
  if (found === undefined) throw new Error(`no tenant ${id}`);
  return found;
}

describe("buildPostureReport over the six fixture tenants", () => {
  const report = fixtureReport();
  const t = FIXTURE_TENANTS;

  it("is a valid posture report document (its published schema accepts it)", () => {
    expect(postureReportSchema.safeParse(JSON.parse(JSON.stringify(report))).success).toBe(true);
  });

  it("lists the tenants in tenant-list order, with their names and clouds", () => {
    expect(report.tenants.map((entry) => entry.tenantId)).toEqual(Object.values(t));
    expect(tenant(report, t.woodgrove)).toMatchObject({ displayName: "Woodgrove Bank", cloud: "usGovHigh" });
  });

  it("counts the summary: only protected verdicts, only complete tenants' flags", () => {
    expect(report.summary).toEqual({
      tenantsRead: 6,
      tenantsComplete: 5,
      tenantsIncomplete: 1,
      accountsProtected: 6,
      tenantsWithoutRestrictedUnit: 1,
      tenantsWithFewerThanTwoProtectedGlobalAdministrators: 3,
      findingsBySeverity: { info: 2, warning: 2, error: 2 },
      findingsByCode: {
        EMPTY_RESTRICTED_UNIT: 1,
        GLOBAL_ADMINISTRATORS_PROTECTED: 1,
        GLOBAL_ADMINISTRATOR_NOT_PROTECTED: 1,
        NO_RESTRICTED_UNIT: 1,
        PROTECTED_SET_INCOMPLETE: 1,
        UNIT_MEMBERS_UNREADABLE: 1,
      },
    });
  });

  it("merges a tenant's scan and audit: the newer audit gives the units and Global Administrators", () => {
    const contoso = tenant(report, t.contoso);
    expect(contoso.complete).toBe(true);
    expect(contoso.sources).toEqual(["contoso-scan.json", "contoso-audit.json"]);
    // The accounts come from the 08:00 scan: the oldest data shown sets the read time.
    expect(contoso.readAt).toBe("2026-12-02T08:00:00.000Z");
    expect(contoso.globalAdministrators).toEqual({
      available: true,
      source: "contoso-audit.json",
      value: { protected: 2, notProtected: 0, unknown: 0 },
    });
    expect(contoso.accounts.available && contoso.accounts.source).toBe("contoso-scan.json");
    const accounts = contoso.accounts.available ? contoso.accounts.value : [];
    expect(accounts.map((a) => [a.userPrincipalName, a.status, a.globalAdministrator])).toEqual([
      ["bg1@contoso.com", "protected", true],
      ["bg2@contoso.com", "protected", true],
      ["ops@contoso.com", "not-protected", false],
    ]);
    expect(contoso.noRestrictedUnit).toBe(false);
    expect(contoso.fewerThanTwoProtectedGlobalAdministrators).toBe(false);
    expect(contoso.worstSeverity).toBe("info");
  });

  it("flags fewer than two protected Global Administrators, and says accounts are not available from an audit", () => {
    const fabrikam = tenant(report, t.fabrikam);
    expect(fabrikam.fewerThanTwoProtectedGlobalAdministrators).toBe(true);
    expect(fabrikam.accounts).toEqual({ available: false });
    expect(fabrikam.accountCounts).toEqual({ available: false });
    const findings = fabrikam.findings.available ? fabrikam.findings.value : [];
    expect(findings[0]?.action).toBe("Add it to a restricted management administrative unit.");
  });

  it("flags a complete tenant without a restricted unit", () => {
    const northwind = tenant(report, t.northwind);
    expect(northwind.noRestrictedUnit).toBe(true);
    expect(northwind.fewerThanTwoProtectedGlobalAdministrators).toBe(true);
    expect(northwind.worstSeverity).toBe("error");
  });

  it("keeps an incomplete (throttled) cycle tenant undecided: no flag, unknown accounts first, stale", () => {
    const tailspin = tenant(report, t.tailspin);
    expect(tailspin).toMatchObject({
      complete: false,
      incompleteReason: "throttled",
      stale: true,
      noRestrictedUnit: null,
      fewerThanTwoProtectedGlobalAdministrators: null,
      restrictedUnits: { available: false },
      globalAdministrators: { available: false },
      accountCounts: { available: true, value: { protected: 1, notProtected: 7, unknown: 1 } },
    });
    const accounts = tailspin.accounts.available ? tailspin.accounts.value : [];
    expect(accounts.map((a) => [a.userPrincipalName, a.status, a.listedBecause])).toEqual([
      ["ga@tailspin.com", "unknown", ["cycle: deferred"]],
      ["svc@tailspin.com", "protected", ["cycle: excluded"]],
    ]);
    expect(accounts[1]?.evidence[0]).toMatchObject({ kind: "unit-member", unitDisplayName: "Tailspin BG" });
  });

  it("never counts an unknown Global Administrator as protected", () => {
    const woodgrove = tenant(report, t.woodgrove);
    expect(woodgrove.globalAdministrators).toEqual({
      available: true,
      source: "woodgrove-scan.json",
      value: { protected: 1, notProtected: 0, unknown: 1 },
    });
    expect(woodgrove.fewerThanTwoProtectedGlobalAdministrators).toBe(true);
    expect(woodgrove.restrictedUnits.available && woodgrove.restrictedUnits.value[0]?.membersReadable).toBe(
      false,
    );
  });

  it("records every input with the SHA-256 of its bytes and the tenants it holds", () => {
    const { documents } = reportFixtureDocuments();
    expect(report.inputs).toHaveLength(Object.keys(documents).length);
    const contosoScan = report.inputs.find((input) => input.name === "contoso-scan.json");
    const bytes = JSON.stringify(documents["contoso-scan.json"], null, 2);
    expect(contosoScan).toEqual({
      name: "contoso-scan.json",
      kind: "scan",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      generatedAt: "2026-12-02T08:00:00.000Z",
      // The document spelled it in upper case.
      tenantIds: [t.contoso],
    });
  });

  it("is deterministic for the same inputs and clock", () => {
    expect(JSON.stringify(fixtureReport())).toBe(JSON.stringify(report));
  });
});
