import {
  createSecretRedactor,
  isReportError,
  type PostureReport,
  redactReportStrings,
  redactUserPrincipalNames,
  renderPostureCsv,
  renderPostureMarkdown,
  selectTenants,
} from "@rotation-exclusion/report";
import { describe, expect, it } from "vitest";
import { fixtureReport } from "./report-fixture.js";
import { FIXTURE_SECRETS, FIXTURE_TENANTS, reportFixtureDocuments } from "./report-fixture-documents.js";

/** Every identifying string of a tenant: its id, name, UPNs and unit names, as the documents hold them. */
function identifyingStrings(tenantId: string): string[] {
  const { documents, tenantList } = reportFixtureDocuments();
  const strings = [tenantId];
  const name = tenantList.find((entry) => entry.tenantId === tenantId)?.displayName;
  if (name) strings.push(name);
  for (const document of Object.values(documents)) {
    if (document.kind === "rotation-exclusion.cycle") {
      for (const result of document.tenants.filter((entry) => entry.tenantId === tenantId)) {
        for (const outcome of [...(result.report?.excluded ?? []), ...(result.report?.deferred ?? [])]) {
          if (outcome.userPrincipalName) strings.push(outcome.userPrincipalName);
          for (const evidence of outcome.verdict.evidence) {
            if (evidence.kind === "unit-member" && evidence.unitDisplayName)
              strings.push(evidence.unitDisplayName);
          }
        }
      }
      continue;
    }
    if (document.tenantId.toLowerCase() !== tenantId) continue;
    const accounts =
      document.kind === "rotation-exclusion.scan" ? document.accounts : document.globalAdministrators;
    for (const account of accounts) if (account.userPrincipalName) strings.push(account.userPrincipalName);
    for (const unit of document.restrictedUnits) if (unit.displayName) strings.push(unit.displayName);
  }
  return strings;
}

function everyFormat(report: PostureReport): Record<string, string> {
  return {
    json: JSON.stringify(report),
    csv: renderPostureCsv(report),
    markdown: renderPostureMarkdown(report),
  };
}

describe("sharing one tenant's report", () => {
  const report = fixtureReport();

  it.each(Object.entries(FIXTURE_TENANTS))(
    "a %s export names no other tenant in JSON, CSV or Markdown",
    (_, id) => {
      const selected = selectTenants(report, [id.toUpperCase()]);
      expect(selected.tenants.map((tenant) => tenant.tenantId)).toEqual([id]);
      expect(selected.summary.tenantsRead).toBe(1);
      expect(
        selected.inputs.every((input) => input.tenantIds.length === 1 && input.tenantIds[0] === id),
      ).toBe(true);
      const others = Object.values(FIXTURE_TENANTS)
        .filter((other) => other !== id)
        .flatMap(identifyingStrings);
      expect(others.length).toBeGreaterThan(20);
      for (const [format, text] of Object.entries(everyFormat(selected))) {
        for (const other of others) expect(text.includes(other), `${format} contains ${other}`).toBe(false);
      }
      // The tenant's own id is there: the search would find a leak.
      expect(everyFormat(selected).csv).toContain(id);
    },
  );

  it("refuses tenant ids the report does not hold, naming them", () => {
    const missing = "99999999-0000-4000-8000-000000000009";
    try {
      selectTenants(report, [FIXTURE_TENANTS.contoso, missing]);
      expect.unreachable();
    } catch (error) {
      expect(isReportError(error) && error.code).toBe("invalid-options");
      expect(String(error)).toContain(missing);
    }
  });

  it("removes JWTs and bearer credentials from every format, and keeps Graph request ids", () => {
    const hostile = selectTenants(report, [FIXTURE_TENANTS.hostile]);
    expect(JSON.stringify(hostile)).toContain(FIXTURE_SECRETS.jwt);
    const redacted = redactReportStrings(hostile, createSecretRedactor().redact);
    for (const [format, text] of Object.entries(everyFormat(redacted))) {
      expect(text, format).not.toContain("eyJhbGciOi");
      expect(text, format).not.toContain("abc.def");
      expect(text, format).toContain(FIXTURE_SECRETS.requestId);
      expect(text, format).toContain("redacted");
    }
  });

  it("replaces every user principal name with a per-tenant pseudonym", () => {
    const redacted = redactUserPrincipalNames(report);
    expect(redacted.upnsRedacted).toBe(true);
    const json = JSON.stringify(redacted);
    for (const id of Object.values(FIXTURE_TENANTS)) {
      for (const upn of identifyingStrings(id).filter((text) => /@[a-z]+\.[a-z]+$/.test(text))) {
        expect(json.includes(upn), upn).toBe(false);
      }
    }
    const fabrikam = redacted.tenants.find((tenant) => tenant.tenantId === FIXTURE_TENANTS.fabrikam);
    const message = fabrikam?.findings.available ? fabrikam.findings.value[0]?.message : undefined;
    expect(message).toMatch(/^Global Administrator user-\d+@redacted is not protected\.$/);
    const contoso = redacted.tenants.find((tenant) => tenant.tenantId === FIXTURE_TENANTS.contoso);
    const upns = contoso?.accounts.available ? contoso.accounts.value.map((a) => a.userPrincipalName) : [];
    expect(upns).toEqual(["user-1@redacted", "user-2@redacted", "user-3@redacted"]);
    // `--user ops@contoso.com` names the same account: the same pseudonym.
    expect(contoso?.accounts.available && contoso.accounts.value[2]?.listedBecause).toEqual([
      "--user user-3@redacted",
    ]);
  });
});
