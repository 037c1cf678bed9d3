/** The role-holding tenant of core's role import tests (the guard fixture's tenant plus two roles). */
import type { RoleImportAccount, RoleImportPlan } from "@rotation-exclusion/core";
import { type FakeTenant, guid } from "./directory-fixture.js";
import { ALICE, BOB, CAROL, ORDINARY_UNIT, standardTenant } from "./guard-fixture.js";

export const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
export const HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
export const ROLE_GROUP = guid(300);
export const AUTOMATION = guid(400);

/**
 * Global Administrator: Alice directly and through the role group, Carol through the role group (Carol
 * is only in a restricted unit through an ordinary group: NOT protected), Bob eligible, a service
 * principal. Helpdesk Administrator: Bob scoped to the ordinary unit, Alice eligible.
 */
export function roleTenant(): FakeTenant {
  const via = { groupId: ROLE_GROUP, groupDisplayName: "Tenant admins" };
  return {
    ...standardTenant(),
    roles: [
      {
        id: GLOBAL_ADMIN,
        displayName: "Global Administrator",
        holders: [
          { principalId: ALICE },
          { principalId: ALICE, via },
          { principalId: CAROL, via },
          { principalId: BOB, kind: "eligible" },
          { principalId: AUTOMATION, displayName: "Provisioning automation" },
        ],
      },
      {
        id: HELPDESK,
        displayName: "Helpdesk Administrator",
        holders: [
          { principalId: BOB, directoryScopeId: `/administrativeUnits/${ORDINARY_UNIT.toUpperCase()}` },
          { principalId: ALICE, kind: "eligible" },
        ],
      },
    ],
  };
}

export function accountOf(plan: RoleImportPlan, id: string): RoleImportAccount {
  const account = plan.accounts.find((candidate) => candidate.objectId === id);
  if (account === undefined) throw new Error(`${id} is not in the plan`);
  return account;
}
