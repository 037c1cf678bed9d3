/**
 * Hand-written posture reports for the renderer tests: six tenants that cover every state the page must
 * show (healthy, one protected Global Administrator, no restricted unit, an incomplete read, a hidden
 * unit whose members could not be read, hostile names and sections no input had).
 */
import type { PostureReport } from "@rotation-exclusion/report";
import { account, FRESH, finding, memberEvidence, OLD, report, tenant, unit } from "./posture-builders.js";

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
