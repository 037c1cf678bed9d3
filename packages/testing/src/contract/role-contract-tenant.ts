/**
 * The tenant the role-holder contract reads: active, eligible, group-held (active and eligible) and
 * unit-scoped assignments, one user holding a role through two paths, a service principal, and a custom
 * role whose display name has quotes in it.
 */
import { BUILT_IN_ROLES } from "../built-in-roles.js";
import { tenantBuilder } from "../tenant-builder.js";
import type { TenantModel } from "../tenant-model.js";

/** The role contract tenant and the ids the suite asserts on. */
export interface RoleContractTenant {
  readonly tenant: TenantModel;
  readonly globalAdmin: string;
  readonly helpdeskAdmin: string;
  /** Custom role `O'Brien's Role`, held by `obrien` only. */
  readonly customRole: string;
  /** Global Administrator, active, direct. */
  readonly directAdmin: string;
  /** Global Administrator, eligible, direct. */
  readonly eligibleAdmin: string;
  /** Role-assignable group holding Global Administrator (active), and its members. */
  readonly adminGroup: string;
  readonly adminGroupMembers: readonly string[];
  /** Global Administrator directly AND through `adminGroup`: two paths. */
  readonly twoPathAdmin: string;
  /** Role-assignable group eligible for Global Administrator, and its one member. */
  readonly onCallGroup: string;
  readonly onCallMember: string;
  /** Service principal holding Global Administrator (active). */
  readonly automation: string;
  /** Helpdesk Administrator scoped to `branchUnit`, and one holding it tenant-wide. */
  readonly scopedHelpdesk: string;
  readonly tenantHelpdesk: string;
  readonly branchUnit: string;
  /** UPN `o'brien@contoso.com`, holder of `customRole`. */
  readonly obrien: string;
  /** Holds no role. */
  readonly bystander: string;
}

/** Builds a fresh role contract tenant (tests may mutate it). */
export function roleContractTenant(): RoleContractTenant {
  const t = tenantBuilder({ seed: "role-holder-contract", domain: "contoso.com" });
  const globalAdmin = BUILT_IN_ROLES["Global Administrator"];
  const helpdeskAdmin = BUILT_IN_ROLES["Helpdesk Administrator"];

  const directAdmin = t.user("direct.admin");
  t.assignRole(globalAdmin, directAdmin);
  const eligibleAdmin = t.user("eligible.admin");
  t.assignRole(globalAdmin, eligibleAdmin, { kind: "eligible" });

  const twoPathAdmin = t.user("two.paths");
  t.assignRole(globalAdmin, twoPathAdmin);
  const adminGroupMembers = [t.user("group.admin1"), t.user("group.admin2"), twoPathAdmin];
  const adminGroup = t.group("Tenant admins", { roleAssignable: true, members: adminGroupMembers });
  t.assignRole(globalAdmin, adminGroup);

  const onCallMember = t.user("oncall.admin");
  const onCallGroup = t.group("On-call admins", { roleAssignable: true, members: [onCallMember] });
  t.assignRole(globalAdmin, onCallGroup, { kind: "eligible" });

  const automation = t.servicePrincipal("Provisioning automation");
  t.assignRole(globalAdmin, automation);

  const scopedHelpdesk = t.user("branch.helpdesk");
  const tenantHelpdesk = t.user("central.helpdesk");
  const branchUnit = t.unit("Branch office", { members: [scopedHelpdesk] });
  t.assignRole(helpdeskAdmin, scopedHelpdesk, { unitId: branchUnit });
  t.assignRole(helpdeskAdmin, tenantHelpdesk);

  const obrien = t.user("obrien", { userPrincipalName: "o'brien@contoso.com", displayName: "Pat O'Brien" });
  const customRole = t.roleDefinition("O'Brien's Role");
  t.assignRole(customRole, obrien);
  const bystander = t.user("bystander");

  return {
    tenant: t.build(),
    globalAdmin,
    helpdeskAdmin,
    customRole,
    directAdmin,
    eligibleAdmin,
    adminGroup,
    adminGroupMembers,
    twoPathAdmin,
    onCallGroup,
    onCallMember,
    automation,
    scopedHelpdesk,
    tenantHelpdesk,
    branchUnit,
    obrien,
    bystander,
  };
}
