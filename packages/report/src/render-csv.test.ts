import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PostureReport, ReportAccount, TenantPosture } from "./posture-report.js";
import { summarizePosture } from "./posture-summary.js";
import { CSV_COLUMNS, csvTextCell, renderPostureCsv } from "./render-csv.js";

const TENANT = "10000000-0000-4000-8000-000000000001";

function account(parts: Partial<ReportAccount>): ReportAccount {
  return {
    id: "30000000-0000-4000-8000-000000000001",
    userPrincipalName: "a@contoso.com",
    displayName: "A",
    status: "protected",
    reasonCode: "unit-member",
    reason: "Member.",
    evidence: [
      {
        kind: "unit-member",
        unitId: "20000000-0000-4000-8000-000000000001",
        unitDisplayName: "BG",
        observedAt: "2026-12-02T08:00:00.000Z",
      },
    ],
    unitIds: ["20000000-0000-4000-8000-000000000001"],
    roles: [],
    globalAdministrator: null,
    listedBecause: ["protected set"],
    ...parts,
  };
}

function tenant(parts: Partial<TenantPosture>): TenantPosture {
  return {
    tenantId: TENANT,
    displayName: "Contoso",
    cloud: null,
    readAt: "2026-12-02T08:00:00.000Z",
    stale: false,
    complete: true,
    incompleteReason: null,
    error: null,
    sources: ["scan.json"],
    restrictedUnits: { available: false },
    accounts: { available: true, source: "scan.json", value: [account({})] },
    accountCounts: {
      available: true,
      source: "scan.json",
      value: { protected: 1, notProtected: 0, unknown: 0 },
    },
    globalAdministrators: { available: false },
    findings: { available: false },
    worstSeverity: null,
    noRestrictedUnit: null,
    fewerThanTwoProtectedGlobalAdministrators: null,
    ...parts,
  };
}

function report(tenants: TenantPosture[]): PostureReport {
  return {
    kind: "rotation-exclusion.posture-report",
    schemaVersion: 1,
    generator: { name: "test", version: "0" },
    generatedAt: "2026-12-02T12:00:00.000Z",
    staleAfterHours: 24,
    upnsRedacted: false,
    inputs: [],
    summary: summarizePosture(tenants),
    tenants,
  };
}

function rows(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true, record_delimiter: "\r\n" });
}

describe("csvTextCell", () => {
  it("neutralises formulas behind leading spaces and in full-width signs, and leaves plain text alone", () => {
    for (const text of [" =1+1", "  @SUM(A1)", "\uFF1D1+1", "\uFF0BA1", "\tx", "-2+3"]) {
      expect(csvTextCell(text)).toBe(`'${text}`);
    }
    for (const text of ["Contoso", "a=b", "2-1"]) expect(csvTextCell(text)).toBe(text);
  });
});

describe("renderPostureCsv", () => {
  it("writes a header and one CRLF-terminated row per account", () => {
    const csv = renderPostureCsv(report([tenant({})]));
    expect(csv.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(rows(csv)).toEqual([
      expect.objectContaining({
        "tenant id": TENANT,
        "tenant name": "Contoso",
        status: "protected",
        units: "BG",
        evidence: "member of BG (seen 2026-12-02T08:00:00.000Z)",
        "global administrator": "",
        note: "",
      }),
    ]);
  });

  it("gives a tenant without an accounts section one row that says so", () => {
    const csv = renderPostureCsv(report([tenant({ accounts: { available: false } })]));
    expect(rows(csv)).toEqual([
      expect.objectContaining({
        "tenant id": TENANT,
        status: "",
        note: "accounts not available from this input",
      }),
    ]);
  });

  it("neutralises formulas, quotes commas, quotes and line breaks, and shows bidi controls", () => {
    const hostile = account({
      displayName: '=HYPERLINK("http://evil","x")',
      userPrincipalName: "+1@contoso.com",
      reasonCode: "-2",
      listedBecause: ["@SUM(A1)", "\tx", "line\r\nbreak, comma"],
    });
    const csv = renderPostureCsv(
      report([
        tenant({
          displayName: "\u202Egnp.exe",
          accounts: { available: true, source: "s", value: [hostile] },
        }),
      ]),
    );
    const [row] = rows(csv);
    expect(row?.["display name"]).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(row?.["user principal name"]).toBe("'+1@contoso.com");
    expect(row?.["reason code"]).toBe("'-2");
    expect(row?.["listed because"]).toBe("@SUM(A1); \tx; line\r\nbreak, comma".replace(/^@/, "'@"));
    expect(row?.["tenant name"]).toBe("\\u202Egnp.exe");
    expect(csv).not.toContain("\u202E");
  });

  it("round-trips any text: a parsed cell is the neutralised text, and never starts a formula", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (name, upn) => {
          const csv = renderPostureCsv(
            report([
              tenant({
                displayName: name,
                accounts: { available: true, source: "s", value: [account({ userPrincipalName: upn })] },
              }),
            ]),
          );
          const [row] = rows(csv);
          expect(row?.["tenant name"]).toBe(csvTextCell(name));
          expect(row?.["user principal name"]).toBe(csvTextCell(upn));
          for (const cell of Object.values(row ?? {})) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });
});
