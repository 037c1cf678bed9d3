/**
 * Six customer tenants for the posture report, each showing one thing a report must get right: a
 * healthy tenant, one with a single protected Global Administrator, one without any restricted unit, one
 * whose read fails persistently (incomplete, never "no restricted unit"), one whose hidden-membership
 * unit cannot be read (no Member.Read.Hidden), and one whose names are hostile (script, HTML, CSV
 * formula, bidi override, U+2028) wherever Graph allows them. Serve them with
 * `startFakeGraphServer(first, { tenants: rest, faults })` and hand out `tokenFor(tenantId)` per tenant.
 */
import { fakeGraphToken } from "./fake-graph/fake-graph-server.js";
import type { FakeGraphFault } from "./fake-graph/graph-faults.js";
import { tenantBuilder } from "./tenant-builder.js";
import type { TenantModel } from "./tenant-model.js";

/** What each report fixture tenant shows. */
export type ReportFixtureKind =
  | "healthy"
  | "one-protected-global-admin"
  | "no-restricted-unit"
  | "incomplete"
  | "hidden-membership-unreadable"
  | "hostile-names";

/** One report fixture tenant. */
export interface ReportFixtureTenant {
  readonly kind: ReportFixtureKind;
  /** The name a tenant list gives it (the hostile tenant's is hostile too). */
  readonly displayName: string;
  readonly tenant: TenantModel;
  /** The app roles of this tenant's token (`roles` claim); the hidden-membership tenant lacks Member.Read.Hidden. */
  readonly appRoles: readonly string[];
}

/** The report fixture tenants, the faults to serve them with, and a token per tenant. */
export interface ReportFixtureTenants {
  readonly tenants: readonly ReportFixtureTenant[];
  /** Faults for the fake Graph server: the incomplete tenant's protected-set read always fails (503). */
  readonly faults: readonly FakeGraphFault[];
  /** The access token the fake server routes to `tenantId`, with that tenant's app roles. */
  tokenFor(tenantId: string): string;
}

/** Strings that break HTML, scripts, CSV and text direction when a renderer forgets to escape them. */
export const HOSTILE_NAMES = {
  script: "<script>alert(1)</script>",
  attribute: '"><img src=x onerror=alert(1)>',
  scriptEnd: "</script><!--",
  formula: '=HYPERLINK("http://evil","x")',
  bidi: "\u202Egnp.exe",
  lineSeparator: "line\u2028break",
} as const;

const ALL_ROLES = ["User.Read.All", "AdministrativeUnit.Read.All", "Member.Read.Hidden"] as const;

function healthy(): TenantModel {
  const t = tenantBuilder({ seed: "report-healthy", domain: "contoso.onmicrosoft.com" });
  const glass1 = t.user("breakglass1", { displayName: "Emergency access 1" });
  const glass2 = t.user("breakglass2", { displayName: "Emergency access 2" });
  t.unit("Emergency access", { restricted: true, membershipType: "Assigned", members: [glass1, glass2] });
  t.assignRole("Global Administrator", glass1);
  t.assignRole("Global Administrator", glass2);
  t.assignRole("Global Administrator", t.user("it.admin", { displayName: "IT admin" }));
  t.assignRole("Helpdesk Administrator", t.user("helpdesk", { displayName: "Helpdesk" }));
  t.users(4, "staff");
  return t.build();
}

function oneProtected(): TenantModel {
  const t = tenantBuilder({ seed: "report-one-protected", domain: "fabrikam.onmicrosoft.com" });
  const glass = t.user("breakglass", { displayName: "Emergency access" });
  t.unit("Break glass", { restricted: true, membershipType: "Assigned", members: [glass] });
  t.assignRole("Global Administrator", glass);
  t.assignRole("Global Administrator", t.user("admin", { displayName: "Admin" }));
  t.users(3, "staff");
  return t.build();
}

function noRestrictedUnit(): TenantModel {
  const t = tenantBuilder({ seed: "report-no-unit", domain: "northwind.onmicrosoft.com" });
  const admin = t.user("admin", { displayName: "Admin" });
  t.unit("Sales", { members: [admin] });
  t.assignRole("Global Administrator", admin);
  t.assignRole("Global Administrator", t.user("owner", { displayName: "Owner" }));
  t.users(3, "staff");
  return t.build();
}

function incomplete(): TenantModel {
  const t = tenantBuilder({ seed: "report-incomplete", domain: "tailspin.onmicrosoft.com" });
  const glass = t.user("breakglass", { displayName: "Emergency access" });
  t.unit("Emergency access", { restricted: true, members: [glass] });
  t.assignRole("Global Administrator", glass);
  t.users(2, "staff");
  return t.build();
}

function hiddenMembership(): TenantModel {
  const t = tenantBuilder({ seed: "report-hidden", domain: "woodgrove.onmicrosoft.com" });
  const glass1 = t.user("breakglass1", { displayName: "Emergency access 1" });
  const glass2 = t.user("breakglass2", { displayName: "Emergency access 2" });
  t.unit("Executives", { restricted: true, visibility: "HiddenMembership", members: [glass1, glass2] });
  t.assignRole("Global Administrator", glass1);
  t.assignRole("Global Administrator", glass2);
  t.users(2, "staff");
  return t.build();
}

function hostileNames(): TenantModel {
  const t = tenantBuilder({ seed: "report-hostile", domain: "litware.onmicrosoft.com" });
  // Graph allows ' . - _ ! # ^ ~ in a UPN's local part; the rest of the hostility is in display names.
  const glass1 = t.user("glass1", {
    userPrincipalName: "o'neil!#^~@litware.onmicrosoft.com",
    displayName: HOSTILE_NAMES.script,
  });
  const glass2 = t.user("glass2", { displayName: HOSTILE_NAMES.attribute });
  const admin = t.user("admin", { displayName: HOSTILE_NAMES.formula });
  t.unit(HOSTILE_NAMES.scriptEnd, { restricted: true, members: [glass1, glass2] });
  t.unit(`${HOSTILE_NAMES.bidi} ${HOSTILE_NAMES.lineSeparator}`, {
    restricted: true,
    members: [t.user("bidi", { displayName: HOSTILE_NAMES.bidi })],
  });
  t.assignRole("Global Administrator", glass1);
  t.assignRole("Global Administrator", glass2);
  t.assignRole("Global Administrator", admin);
  t.assignRole("User Administrator", t.user("separator", { displayName: HOSTILE_NAMES.lineSeparator }));
  return t.build();
}

/**
 * The six report fixture tenants (deterministic ids), in the order a tenant list gives them.
 *
 * @example
 * const fixtures = reportFixtureTenants();
 * const [first, ...rest] = fixtures.tenants.map((entry) => entry.tenant);
 * await using graph = await startFakeGraphServer(first, { tenants: rest, faults: fixtures.faults });
 */
export function reportFixtureTenants(): ReportFixtureTenants {
  const tenants: ReportFixtureTenant[] = [
    { kind: "healthy", displayName: "Contoso", tenant: healthy(), appRoles: ALL_ROLES },
    {
      kind: "one-protected-global-admin",
      displayName: "Fabrikam",
      tenant: oneProtected(),
      appRoles: ALL_ROLES,
    },
    { kind: "no-restricted-unit", displayName: "Northwind", tenant: noRestrictedUnit(), appRoles: ALL_ROLES },
    { kind: "incomplete", displayName: "Tailspin", tenant: incomplete(), appRoles: ALL_ROLES },
    {
      kind: "hidden-membership-unreadable",
      displayName: "Woodgrove",
      tenant: hiddenMembership(),
      appRoles: ALL_ROLES.filter((role) => role !== "Member.Read.Hidden"),
    },
    {
      kind: "hostile-names",
      displayName: `Litware ${HOSTILE_NAMES.script}`,
      tenant: hostileNames(),
      appRoles: ALL_ROLES,
    },
  ];
  const incompleteTenant = tenants.find((entry) => entry.kind === "incomplete")?.tenant.tenantId as string;
  const roles = new Map(tenants.map((entry) => [entry.tenant.tenantId.toLowerCase(), entry.appRoles]));
  return {
    tenants,
    // Every read of the protected set fails, however often it is retried: the tenant stays incomplete.
    faults: [
      {
        match: { tenantId: incompleteTenant, route: "users.list" },
        effect: { kind: "unavailable", status: 503 },
      },
    ],
    tokenFor: (tenantId) => fakeGraphToken(tenantId, roles.get(tenantId.toLowerCase()) ?? ALL_ROLES),
  };
}
