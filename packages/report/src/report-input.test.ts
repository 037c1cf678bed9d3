import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MAX_STRING_LENGTH } from "./document-fields.js";
import { isReportError, type ReportError } from "./report-error.js";
import { MAX_INPUT_BYTES, parseReportInput, type ScanDocument } from "./report-input.js";

const TENANT = "AAAAAAAA-0000-4000-8000-000000000001";
const USER = "BBBBBBBB-0000-4000-8000-000000000002";

function scanDocument(): ScanDocument {
  return {
    kind: "rotation-exclusion.scan",
    schemaVersion: 1,
    generator: { name: "rotation-exclusion", version: "1.0.0" },
    generatedAt: "2026-12-02T08:00:00.000Z",
    tenantId: TENANT,
    complete: true,
    accounts: [
      {
        id: USER,
        userPrincipalName: "a@contoso.com",
        displayName: null,
        status: "protected",
        unitIds: [],
        units: [],
        reasonCode: "restricted-flag",
        evidence: [{ kind: "restricted-flag", observedAt: "2026-12-02T08:00:00Z" }],
        reason: "Restricted.",
        sources: ["protected set"],
      },
    ],
    restrictedUnits: [],
    warnings: [],
    graphRequests: 3,
  };
}

function parseError(name: string, content: string | Uint8Array): ReportError {
  try {
    parseReportInput(name, content);
  } catch (error) {
    if (isReportError(error)) return error;
    throw error;
  }
  throw new Error("expected a ReportError");
}

function cycleDocument(report: boolean) {
  return {
    kind: "rotation-exclusion.cycle",
    schemaVersion: 1,
    dryRun: false,
    tenantCounts: { total: 1, done: 1, partial: 0, failed: 0, deferred: 0, incomplete: 0 },
    accounts: {
      listed: 0,
      excluded: 0,
      alreadyExcluded: 0,
      deferred: 0,
      released: 0,
      notProtected: 0,
      conflicts: 0,
      errors: 0,
    },
    graph: { requests: 0, retries: 0, throttled: 0 },
    startedAt: "2026-12-02T08:00:00.000Z",
    finishedAt: "2026-12-02T08:01:00.000Z",
    wallTimeMs: 60_000,
    tenants: [
      {
        tenantId: TENANT,
        status: "done",
        snapshotComplete: true,
        accounts: {
          listed: 0,
          excluded: 0,
          alreadyExcluded: 0,
          deferred: 0,
          released: 0,
          notProtected: 0,
          conflicts: 0,
          errors: 0,
        },
        graph: { requests: 0, retries: 0, throttled: 0 },
        durationMs: 10,
        ...(report
          ? {
              report: {
                tenantId: TENANT,
                dryRun: false,
                aborted: false,
                snapshot: {
                  complete: true,
                  primarySignal: "available",
                  protectedSetObservedAt: "2026-12-02T08:00:00.000Z",
                  unitEvidenceObservedAt: "2026-12-02T08:00:00.000Z",
                  protectedUserCount: 0,
                  restrictedUnitCount: 0,
                  findings: [],
                  incompleteStreak: 0,
                },
                excluded: [],
                alreadyExcluded: [],
                deferred: [],
                released: { newly: [], still: [] },
                restored: [],
                activated: [],
                pending: [],
                conflicts: [
                  {
                    key: "k",
                    accountId: null,
                    userPrincipalName: null,
                    verdict: {
                      status: "not-protected",
                      reasonCode: "not-restricted",
                      accountId: null,
                      userPrincipalName: null,
                      reason: "r",
                      evidence: [],
                      unitIds: [],
                      observedAt: "2026-12-02T08:00:00.000Z",
                    },
                  },
                ],
                errors: [],
                notProtectedCount: 0,
                accountCount: 1,
                timings: {
                  startedAt: "2026-12-02T08:00:00.000Z",
                  finishedAt: "2026-12-02T08:00:00.000Z",
                  totalMs: 1,
                  snapshotMs: 1,
                  classifyMs: 0,
                  writeMs: 0,
                },
              },
            }
          : {}),
      },
    ],
  };
}

describe("parseReportInput", () => {
  it("accepts a scan document, lower-cases its ids and hashes the bytes as given", () => {
    const text = JSON.stringify(scanDocument());
    const source = parseReportInput("scan.json", new TextEncoder().encode(text));
    expect(source.sha256).toBe(createHash("sha256").update(text).digest("hex"));
    expect(source.document.kind).toBe("rotation-exclusion.scan");
    if (source.document.kind !== "rotation-exclusion.scan") return;
    expect(source.document.tenantId).toBe(TENANT.toLowerCase());
    expect(source.document.accounts[0]?.id).toBe(USER.toLowerCase());
  });

  it("reads a file that starts with a byte order mark (and hashes the mark too)", () => {
    const text = `\uFEFF${JSON.stringify(scanDocument())}`;
    const source = parseReportInput("bom.json", text);
    expect(source.document.kind).toBe("rotation-exclusion.scan");
    expect(source.sha256).toBe(createHash("sha256").update(text).digest("hex"));
  });

  it("names the file when it is not JSON", () => {
    const error = parseError("x.json", "{ not json");
    expect(error.code).toBe("invalid-input");
    expect(error.input).toBe("x.json");
    expect(error.message).toMatch(/^x\.json: not valid JSON/);
  });

  it("names the file and the kinds it reads for an unknown kind", () => {
    const error = parseError("x.json", JSON.stringify({ ...scanDocument(), kind: "foo" }));
    expect(error.message).toBe(
      'x.json: kind "foo" is not one of rotation-exclusion.scan, rotation-exclusion.audit, rotation-exclusion.cycle',
    );
  });

  it("says when a document has no kind at all", () => {
    const { kind: _, ...withoutKind } = scanDocument();
    expect(parseError("x.json", JSON.stringify(withoutKind)).message).toBe(
      "x.json: has no kind; expected one of rotation-exclusion.scan, rotation-exclusion.audit, rotation-exclusion.cycle",
    );
  });

  it("refuses a schema version it does not read", () => {
    const error = parseError("x.json", JSON.stringify({ ...scanDocument(), schemaVersion: 2 }));
    expect(error.code).toBe("invalid-input");
    expect(error.message).toMatch(/^x\.json: schemaVersion 2 of rotation-exclusion\.scan is not supported/);
  });

  it("names the JSON path of a bad field", () => {
    const document = scanDocument();
    const bad = {
      ...document,
      accounts: [document.accounts[0], { ...document.accounts[0], status: "green" }],
    };
    expect(parseError("x.json", JSON.stringify(bad)).message).toMatch(
      /^x\.json: \$\.accounts\[1\]\.status: /,
    );
  });

  it("refuses a tenant id that is not a GUID", () => {
    const error = parseError("x.json", JSON.stringify({ ...scanDocument(), tenantId: "contoso.com" }));
    expect(error.message).toMatch(/^x\.json: \$\.tenantId: expected a GUID/);
  });

  it("bounds every string so a hostile input cannot blow up a page", () => {
    const document = scanDocument();
    const long = {
      ...document,
      accounts: [{ ...document.accounts[0], reason: "x".repeat(MAX_STRING_LENGTH + 1) }],
    };
    expect(parseError("x.json", JSON.stringify(long)).message).toMatch(
      /^x\.json: \$\.accounts\[0\]\.reason: /,
    );
    const fits = {
      ...document,
      accounts: [{ ...document.accounts[0], reason: "x".repeat(MAX_STRING_LENGTH) }],
    };
    expect(() => parseReportInput("x.json", JSON.stringify(fits))).not.toThrow();
  });

  it("refuses a file over the size bound and absurd nesting", () => {
    expect(parseError("big.json", new Uint8Array(MAX_INPUT_BYTES + 1)).message).toMatch(
      /^big\.json: \d+ bytes/,
    );
    const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
    expect(parseError("deep.json", deep).message).toMatch(/nested deeper/);
  });

  it("refuses a document that is not an object", () => {
    expect(parseError("x.json", "[]").message).toMatch(/^x\.json: expected a JSON object/);
  });

  it("accepts a cycle report that kept its per-tenant reports (a conflict's account may be gone)", () => {
    const source = parseReportInput("cycle.json", JSON.stringify(cycleDocument(true)));
    expect(source.document.kind).toBe("rotation-exclusion.cycle");
  });

  it("refuses a cycle report without per-tenant reports, saying to run with keepReports: true", () => {
    const error = parseError("cycle.json", JSON.stringify(cycleDocument(false)));
    expect(error.code).toBe("unsupported-input");
    expect(error.message).toContain("keepReports: true");
    expect(error.message).toContain(TENANT.toLowerCase());
  });
});
