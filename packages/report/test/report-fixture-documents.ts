/**
 * Hand-written scan, audit and cycle documents for six tenants, each showing one posture the report must
 * get right. Reusable by any test of a renderer or of the `report` command:
 *
 * 1. Contoso: healthy, two protected Global Administrators (scan + audit + a cycle).
 * 2. Fabrikam: only one of two Global Administrators protected (audit).
 * 3. Northwind: no restricted unit at all (scan + audit).
 * 4. Tailspin: incomplete, throttled (cycle; stale).
 * 5. Woodgrove: a hidden-membership unit whose members are unreadable; one Global Administrator unknown.
 * 6. Hostile: every name and message is an injection attempt, plus a JWT and a bearer token in messages.
 */
import type { AuditDocument, CycleDocument, ScanDocument, TenantListEntry } from "@rotation-exclusion/report";
import { throttledCycleDocument } from "./report-fixture-cycle.js";

/** A deterministic GUID: `prefix` (one hex digit) and a number. */
function guid(prefix: string, n: number): string {
  return `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** The tenants' ids (lower case). */
export const FIXTURE_TENANTS = {
  contoso: guid("1", 1),
  fabrikam: guid("1", 2),
  northwind: guid("1", 3),
  tailspin: guid("1", 4),
  woodgrove: guid("1", 5),
  hostile: guid("1", 6),
} as const;

/** The clock the fixture's documents are fresh by (except Tailspin's, read two days before). */
export const FIXTURE_NOW = Date.parse("2026-12-02T12:00:00.000Z");

const READ_AT = "2026-12-02T08:00:00.000Z";
const AUDIT_AT = "2026-12-02T09:00:00.000Z";
const OLD = "2026-11-30T08:00:00.000Z";
const generator = { name: "rotation-exclusion", version: "1.4.0" };

/** A JWT-shaped string and a bearer credential, hidden in a hostile finding message. */
export const FIXTURE_SECRETS = {
  jwt: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
  bearer: "Bearer abc.def",
  /** A Graph request id: not a secret, it must survive redaction. */
  requestId: "5c1e7d3a-9b8f-4e2d-a1c0-7f6e5d4c3b2a",
} as const;

/** Every hostile string the hostile tenant carries. */
export const HOSTILE_STRINGS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "</script><!--",
  '=HYPERLINK("http://evil","x")',
  "[click](http://evil)",
  "![x](http://evil/x.png)",
  "`code`",
  "**bold**",
  "\u202Egnp.exe",
] as const;

const GA = "Global Administrator (active, direct)";

function unit(
  id: string,
  displayName: string | null,
  members: { id: string; upn: string }[],
  options: Partial<{
    visibility: "public" | "hiddenMembership";
    readable: boolean;
    description: string;
  }> = {},
) {
  return {
    id,
    displayName,
    description: options.description ?? null,
    membershipType: "assigned" as const,
    visibility: options.visibility ?? ("public" as const),
    userIds: members.map((m) => m.id),
    members: members.map((m) => ({ id: m.id, userPrincipalName: m.upn, displayName: null })),
    membersReadable: options.readable ?? true,
  };
}

function memberEvidence(unitId: string, unitDisplayName: string | null, observedAt = READ_AT) {
  return [{ kind: "unit-member" as const, unitId, unitDisplayName, observedAt }];
}

function scanAccount(
  id: string,
  upn: string,
  status: "protected" | "not-protected" | "unknown",
  options: {
    unit?: { id: string; name: string | null };
    reasonCode?: string;
    sources?: string[];
    displayName?: string;
  } = {},
): ScanDocument["accounts"][number] {
  const reasonCode =
    options.reasonCode ??
    (status === "protected" ? "unit-member" : status === "unknown" ? "throttled" : "not-restricted");
  return {
    id,
    userPrincipalName: upn,
    displayName: options.displayName ?? null,
    status,
    unitIds: options.unit ? [options.unit.id] : [],
    units: options.unit ? [{ id: options.unit.id, displayName: options.unit.name }] : [],
    reasonCode,
    evidence:
      options.unit && status === "protected" ? memberEvidence(options.unit.id, options.unit.name) : [],
    reason:
      status === "protected"
        ? `Member of restricted unit ${options.unit?.name ?? ""}.`
        : `Verdict ${reasonCode}.`,
    sources: options.sources ?? ["protected set"],
  };
}

function scan(tenantId: string, parts: Partial<ScanDocument>): ScanDocument {
  return {
    kind: "rotation-exclusion.scan",
    schemaVersion: 1,
    generator,
    generatedAt: READ_AT,
    tenantId,
    complete: true,
    accounts: [],
    restrictedUnits: [],
    warnings: [],
    graphRequests: 12,
    ...parts,
  };
}

function audit(tenantId: string, parts: Partial<AuditDocument>): AuditDocument {
  return {
    kind: "rotation-exclusion.audit",
    schemaVersion: 1,
    generator,
    generatedAt: AUDIT_AT,
    tenantId,
    complete: true,
    globalAdministrators: [],
    restrictedUnits: [],
    findings: [],
    graphRequests: 20,
    ...parts,
  };
}

function admin(
  id: string,
  upn: string,
  status: "protected" | "not-protected" | "unknown",
  unitRef?: { id: string; name: string },
) {
  return {
    id,
    userPrincipalName: upn,
    displayName: null,
    status,
    reasonCode:
      status === "protected" ? "unit-member" : status === "unknown" ? "permission-missing" : "not-restricted",
    unitIds: unitRef ? [unitRef.id] : [],
    units: unitRef ? [{ id: unitRef.id, displayName: unitRef.name }] : [],
    paths: [GA],
  };
}

/** The documents (file name to JSON value) and the tenant list naming the tenants. */
export interface FixtureDocuments {
  readonly documents: Readonly<Record<string, ScanDocument | AuditDocument | CycleDocument>>;
  readonly tenantList: readonly TenantListEntry[];
}

/**
 * Builds the fixture documents (fresh objects on every call).
 *
 * @example
 * const { documents, tenantList } = reportFixtureDocuments();
 * const sources = Object.entries(documents).map(([name, doc]) => parseReportInput(name, JSON.stringify(doc)));
 */
export function reportFixtureDocuments(): FixtureDocuments {
  const t = FIXTURE_TENANTS;
  const contosoUnit = { id: guid("2", 1), name: "Contoso break-glass" };
  const contosoGa1 = { id: guid("3", 1), upn: "bg1@contoso.com" };
  const contosoGa2 = { id: guid("3", 2), upn: "bg2@contoso.com" };
  const fabrikamUnit = { id: guid("2", 2), name: "Fabrikam emergency" };
  const woodUnit = { id: guid("2", 5), name: "Woodgrove hidden" };
  const hostileUnit = { id: guid("2", 6), name: HOSTILE_STRINGS[0] };
  const hostileUser = { id: guid("3", 60), upn: "victim@hostile.example" };

  const contosoScan = scan(t.contoso.toUpperCase(), {
    accounts: [
      scanAccount(contosoGa1.id, contosoGa1.upn, "protected", {
        unit: contosoUnit,
        sources: ["protected set", GA],
      }),
      scanAccount(contosoGa2.id, contosoGa2.upn, "protected", {
        unit: contosoUnit,
        sources: ["protected set", GA],
      }),
      scanAccount(guid("3", 3), "ops@contoso.com", "not-protected", { sources: ["--user ops@contoso.com"] }),
    ],
    restrictedUnits: [unit(contosoUnit.id, contosoUnit.name, [contosoGa1, contosoGa2])],
  });
  const contosoAudit = audit(t.contoso, {
    globalAdministrators: [
      admin(contosoGa1.id, contosoGa1.upn, "protected", contosoUnit),
      admin(contosoGa2.id, contosoGa2.upn, "protected", contosoUnit),
    ],
    restrictedUnits: [unit(contosoUnit.id, contosoUnit.name, [contosoGa1, contosoGa2])],
    findings: [
      {
        code: "GLOBAL_ADMINISTRATORS_PROTECTED",
        severity: "info",
        message: "2 Global Administrators are protected.",
        action: "Nothing to do.",
      },
    ],
  });

  const fabrikamAudit = audit(t.fabrikam, {
    globalAdministrators: [
      admin(guid("3", 21), "admin1@fabrikam.com", "protected", fabrikamUnit),
      admin(guid("3", 22), "admin2@fabrikam.com", "not-protected"),
    ],
    restrictedUnits: [
      unit(fabrikamUnit.id, fabrikamUnit.name, [{ id: guid("3", 21), upn: "admin1@fabrikam.com" }]),
    ],
    findings: [
      {
        code: "GLOBAL_ADMINISTRATOR_NOT_PROTECTED",
        severity: "warning",
        message: "Global Administrator admin2@fabrikam.com is not protected.",
        action: "Add it to a restricted management administrative unit.",
      },
    ],
  });

  const northwindScan = scan(t.northwind, { accounts: [], restrictedUnits: [] });
  const northwindAudit = audit(t.northwind, {
    globalAdministrators: [admin(guid("3", 31), "admin@northwind.com", "not-protected")],
    findings: [
      {
        code: "NO_RESTRICTED_UNIT",
        severity: "error",
        message: "The tenant has no restricted unit.",
        action: "Create one.",
      },
    ],
  });

  const woodgroveScan = scan(t.woodgrove, {
    accounts: [
      scanAccount(guid("3", 51), "ga1@woodgrove.com", "protected", {
        reasonCode: "restricted-flag",
        sources: ["protected set", GA],
      }),
      scanAccount(guid("3", 52), "ga2@woodgrove.com", "unknown", {
        reasonCode: "permission-missing",
        sources: [GA],
      }),
    ],
    restrictedUnits: [
      unit(woodUnit.id, woodUnit.name, [], { visibility: "hiddenMembership", readable: false }),
    ],
    warnings: [
      {
        code: "UNIT_MEMBERS_UNREADABLE",
        severity: "warning",
        message: `Members of unit "Woodgrove hidden" (${woodUnit.id}) are unreadable. It is never treated as empty.`,
        unitId: woodUnit.id,
      },
    ],
  });

  const hostileScan = scan(t.hostile, {
    accounts: [
      scanAccount(hostileUser.id, hostileUser.upn, "protected", {
        unit: hostileUnit,
        displayName: HOSTILE_STRINGS[3],
        sources: ["protected set", `--user ${HOSTILE_STRINGS[4]}`],
      }),
      {
        ...scanAccount(guid("3", 61), HOSTILE_STRINGS[1], "protected", { displayName: HOSTILE_STRINGS[8] }),
        reasonCode: "rotation-denied-by-unit",
        evidence: [
          {
            kind: "rotation-denied",
            observedAt: READ_AT,
            message: `Denied ${HOSTILE_STRINGS[5]} ${FIXTURE_SECRETS.bearer}`,
            status: 403,
            code: "Authorization_RequestDenied",
            requestId: FIXTURE_SECRETS.requestId,
          },
        ],
      },
    ],
    restrictedUnits: [
      unit(hostileUnit.id, hostileUnit.name, [hostileUser], { description: HOSTILE_STRINGS[2] }),
    ],
    warnings: [
      {
        code: "EMPTY_RESTRICTED_UNIT",
        severity: "info",
        message: `${HOSTILE_STRINGS[6]} ${HOSTILE_STRINGS[7]} token ${FIXTURE_SECRETS.jwt} line\n# heading`,
      },
    ],
  });

  const tailspinCycle = throttledCycleDocument(t.tailspin, OLD);

  return {
    documents: {
      "contoso-scan.json": contosoScan,
      "contoso-audit.json": contosoAudit,
      "fabrikam-audit.json": fabrikamAudit,
      "northwind-scan.json": northwindScan,
      "northwind-audit.json": northwindAudit,
      "tailspin-cycle.json": tailspinCycle,
      "woodgrove-scan.json": woodgroveScan,
      "hostile-scan.json": hostileScan,
    },
    tenantList: [
      { tenantId: t.contoso, displayName: "Contoso Ltd", cloud: "global" },
      { tenantId: t.fabrikam, displayName: "Fabrikam Inc", cloud: "global" },
      { tenantId: t.northwind, displayName: "Northwind Traders", cloud: "global" },
      { tenantId: t.tailspin, displayName: "Tailspin Toys", cloud: "global" },
      { tenantId: t.woodgrove, displayName: "Woodgrove Bank", cloud: "usGovHigh" },
      { tenantId: t.hostile, displayName: `${HOSTILE_STRINGS[0]} ${HOSTILE_STRINGS[8]}`, cloud: "global" },
    ],
  };
}
