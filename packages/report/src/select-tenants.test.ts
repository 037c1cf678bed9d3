import { describe, expect, it } from "vitest";
import type { PostureReport, ReportAccount, TenantPosture } from "./posture-report.js";
import { summarizePosture } from "./posture-summary.js";
import { createSecretRedactor } from "./secret-redactor.js";
import { redactReportStrings, redactUserPrincipalNames } from "./select-tenants.js";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
const GUEST = "john_contoso.com#EXT#@fabrikam.onmicrosoft.com";

function account(upn: string | null, id: string): ReportAccount {
  return {
    id,
    userPrincipalName: upn,
    displayName: null,
    status: "unknown",
    reasonCode: "throttled",
    reason: `Could not read ${upn ?? id}.`,
    evidence: [],
    unitIds: [],
    roles: [],
    globalAdministrator: null,
    listedBecause: [`--user ${upn ?? id}`],
  };
}

function tenant(id: string, accounts: ReportAccount[], message: string): TenantPosture {
  return {
    tenantId: id,
    displayName: null,
    cloud: null,
    readAt: null,
    stale: true,
    complete: false,
    incompleteReason: "throttled",
    error: null,
    sources: ["in.json"],
    restrictedUnits: { available: false },
    accounts: { available: true, source: "in.json", value: accounts },
    accountCounts: {
      available: true,
      source: "in.json",
      value: { protected: 0, notProtected: 0, unknown: accounts.length },
    },
    globalAdministrators: { available: false },
    findings: {
      available: true,
      source: "in.json",
      value: [{ code: `X ${JWT}`, severity: "error", message, action: null }],
    },
    worstSeverity: "error",
    noRestrictedUnit: null,
    fewerThanTwoProtectedGlobalAdministrators: null,
  };
}

function report(tenants: TenantPosture[]): PostureReport {
  return {
    kind: "rotation-exclusion.posture-report",
    schemaVersion: 1,
    generator: { name: "g", version: "1" },
    generatedAt: "2026-12-02T12:00:00.000Z",
    staleAfterHours: 24,
    upnsRedacted: false,
    inputs: [{ name: `in-${JWT}.json`, kind: "scan", sha256: null, generatedAt: null, tenantIds: [] }],
    summary: summarizePosture(tenants),
    tenants,
  };
}

describe("redactUserPrincipalNames", () => {
  it("numbers UPNs per tenant, guest UPNs and mail addresses in text included", () => {
    const one = tenant(
      "t1",
      [account(GUEST, "a"), account("Bob@Contoso.com", "b")],
      `Mail bob@contoso.com or ${GUEST}.`,
    );
    const two = tenant("t2", [account("carol@tailspin.com", "c")], "Nothing here.");
    const redacted = redactUserPrincipalNames(report([one, two]));
    const json = JSON.stringify(redacted);
    for (const upn of [GUEST, "Bob@Contoso.com", "bob@contoso.com", "carol@tailspin.com"])
      expect(json).not.toContain(upn);
    const [first, second] = redacted.tenants;
    expect(
      first?.accounts.available && first.accounts.value.map((a) => [a.userPrincipalName, a.listedBecause[0]]),
    ).toEqual([
      ["user-1@redacted", "--user user-1@redacted"],
      ["user-2@redacted", "--user user-2@redacted"],
    ]);
    expect(first?.findings.available && first.findings.value[0]?.message).toBe(
      "Mail user-2@redacted or user-1@redacted.",
    );
    // Numbering starts again for every tenant: a pseudonym tells nothing across tenants.
    expect(second?.accounts.available && second.accounts.value[0]?.userPrincipalName).toBe("user-1@redacted");
  });
});

describe("redactReportStrings", () => {
  it("passes every string through, input names and finding codes too, and recounts the codes", () => {
    const redacted = redactReportStrings(
      report([tenant("t1", [], `token ${JWT}`)]),
      createSecretRedactor().redact,
    );
    expect(JSON.stringify(redacted)).not.toContain("eyJ");
    expect(redacted.inputs[0]?.name).toBe("in-[redacted].json");
    expect(redacted.summary.findingsByCode).toEqual({ "X [redacted]": 1 });
    expect(redacted.kind).toBe("rotation-exclusion.posture-report");
  });
});
