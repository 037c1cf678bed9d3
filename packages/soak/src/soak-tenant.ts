/**
 * The tenants of a soak and how they change between cycles: accounts join and leave restricted units,
 * restricted units appear and disappear, and the Global Administrator role gains holders (so role
 * imports keep bringing new accounts in). All draws come from the tenant's own seeded stream.
 */
import type { AutoRotateRecord } from "@rotation-exclusion/core";
import {
  BUILT_IN_ROLES,
  deterministicGuid,
  type InitialManagedAccount,
  isManagementRestricted,
  type TenantModel,
  type TenantUnit,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import type { SeededRandom } from "./seeded-random.js";

/** The role every soak tenant imports holders of. */
export const SOAK_ROLE = "Global Administrator";

/** How the directory changed between two cycles. */
export type SoakMutationKind =
  | "account-joins-unit"
  | "account-leaves-unit"
  | "unit-appears"
  | "unit-disappears"
  | "role-granted";

/** Every mutation kind, in tally order. */
export const SOAK_MUTATION_KINDS = [
  "account-joins-unit",
  "account-leaves-unit",
  "unit-appears",
  "unit-disappears",
  "role-granted",
] as const satisfies readonly SoakMutationKind[];

/** A soak tenant: the live model both fake servers serve, and the accounts its stores start with. */
export interface SoakTenant {
  readonly index: number;
  readonly tenant: TenantModel;
  readonly initialAccounts: readonly InitialManagedAccount[];
  /**
   * Accounts an operator turned off by hand (a record of theirs, or none at all), by key: core must
   * never turn them back on, release them or overwrite their record (0012, rule 4).
   */
  readonly operatorOwned: ReadonlyMap<string, InitialManagedAccount>;
  /** Distinguishes ids minted by later mutations. */
  readonly idSeed: string;
}

const GLOBAL_ADMINISTRATOR = BUILT_IN_ROLES[SOAK_ROLE];

/** The record an operator leaves when turning rotation off by hand: not ours, so never ours to undo. */
export const OPERATOR_RECORD: AutoRotateRecord = {
  kind: "exclusion",
  changedBy: "operator:helpdesk",
  reasonCode: "not-restricted",
  reason: "Turned off by hand: the helpdesk rotates this account itself",
  unitIds: [],
  evidence: [],
  changedAt: "2026-01-01T00:00:00.000Z",
};

/**
 * Builds tenant number `index`: ordinary users in the store, role holders outside it, one or two
 * restricted units, an ordinary unit, and a group inside a restricted unit (which protects none of its
 * members: membership is never transitive). Among the stored accounts: one an operator excluded with a
 * record of their own, one an operator turned off without a record, and the last known only by its UPN
 * (in every third tenant also protected and a role holder from the start, in another third also
 * excluded by an operator).
 */
export function buildSoakTenant(index: number, rng: SeededRandom, usersPerTenant: number): SoakTenant {
  const idSeed = `soak-${rng.seed}-${index}`;
  const t = tenantBuilder({ seed: idSeed, domain: `soak${index}.example` });
  const users = t.users(usersPerTenant, "user");
  const admins = [t.user("admin-a"), t.user("admin-b")];
  const upnOnly = users[users.length - 1] as string;
  const upnOnlyProtected = index % 3 === 0;
  const pick = () => rng.pick(users);
  t.unit("Emergency access", {
    restricted: true,
    members: [users[0] as string, admins[0] as string, ...(upnOnlyProtected ? [upnOnly] : [])],
  });
  if (rng.chance(0.7)) t.unit("Finance", { restricted: true, members: [pick(), pick()].filter(unique) });
  t.unit("Sales", { members: [pick(), pick()].filter(unique) });
  const group = t.group("Helpdesk", { members: [pick()] });
  t.addMembers(t.unit("Delegated", { restricted: true, members: [] }), [group]);
  t.assignRole(SOAK_ROLE, users[0] as string);
  t.assignRole(SOAK_ROLE, admins[0] as string);
  t.assignRole(SOAK_ROLE, admins[1] as string, { kind: "eligible" });
  // A holder the store knows only by UPN: a role import must not add it a second time (rule 9).
  if (upnOnlyProtected) t.assignRole(SOAK_ROLE, upnOnly);
  const tenant = t.build();
  const initialAccounts = users.map((id, position): InitialManagedAccount => {
    const upn = tenant.users.get(id)?.userPrincipalName as string;
    // The last account is known only by UPN, so every exclusion run resolves it through $batch.
    if (id === upnOnly) {
      return index % 3 === 2
        ? { key: `upn:${upn}`, userPrincipalName: upn, autoRotate: false, record: OPERATOR_RECORD }
        : { key: `upn:${upn}`, userPrincipalName: upn, autoRotate: true };
    }
    const account = { key: id, objectId: id, userPrincipalName: upn };
    if (position === 1) return { ...account, autoRotate: false, record: OPERATOR_RECORD };
    if (position === 2) return { ...account, autoRotate: false };
    return { ...account, autoRotate: true };
  });
  const operatorOwned = new Map(
    initialAccounts
      .filter((account) => !account.autoRotate)
      .map((account) => [account.key ?? (account.objectId as string), account] as const),
  );
  return { index, tenant, initialAccounts, operatorOwned, idSeed };
}

function unique<T>(value: T, position: number, all: readonly T[]): boolean {
  return all.indexOf(value) === position;
}

function restrictedUnits(tenant: TenantModel): TenantUnit[] {
  return [...tenant.units.values()].filter((unit) => unit.isMemberManagementRestricted);
}

/** Applies one random change to the live tenant and says which. */
export function mutateSoakTenant(soak: SoakTenant, rng: SeededRandom, serial: number): SoakMutationKind {
  const { tenant } = soak;
  const userIds = [...tenant.users.keys()];
  const units = restrictedUnits(tenant);
  let kind = rng.pick(SOAK_MUTATION_KINDS);
  if ((kind === "account-leaves-unit" || kind === "unit-disappears") && units.length === 0)
    kind = "unit-appears";
  if (kind === "account-joins-unit" && units.length === 0) kind = "unit-appears";
  switch (kind) {
    case "account-joins-unit": {
      const unit = rng.pick(units);
      const user = rng.pick(userIds);
      if (!unit.memberIds.includes(user)) unit.memberIds.push(user);
      break;
    }
    case "account-leaves-unit": {
      const unit = rng.pick(units);
      const users = unit.memberIds.filter((id) => tenant.users.has(id));
      if (users.length > 0) {
        const leaving = rng.pick(users);
        unit.memberIds = unit.memberIds.filter((id) => id !== leaving);
      }
      break;
    }
    case "unit-appears": {
      const ordinary = [...tenant.units.values()].find((unit) => !unit.isMemberManagementRestricted);
      if (ordinary !== undefined && rng.chance(0.3)) {
        ordinary.isMemberManagementRestricted = true;
        break;
      }
      const id = deterministicGuid(soak.idSeed, "unit", String(serial));
      tenant.units.set(id, {
        id,
        displayName: `Appeared ${serial}`,
        isMemberManagementRestricted: true,
        membershipType: null,
        visibility: null,
        memberIds: [rng.pick(userIds), rng.pick(userIds)].filter(unique),
      });
      break;
    }
    case "unit-disappears": {
      const unit = rng.pick(units);
      if (rng.chance(0.3)) unit.isMemberManagementRestricted = false;
      else tenant.units.delete(unit.id);
      break;
    }
    case "role-granted": {
      const holders = new Set(tenant.roleAssignments.map((assignment) => assignment.principalId));
      const candidate = userIds.find((id) => !holders.has(id));
      if (candidate !== undefined) {
        tenant.roleAssignments.push({
          id: deterministicGuid(soak.idSeed, "assignment", String(serial)),
          kind: rng.chance(0.5) ? "active" : "eligible",
          roleDefinitionId: GLOBAL_ADMINISTRATOR,
          principalId: candidate,
          directoryScopeId: "/",
        });
      }
      break;
    }
  }
  return kind;
}

/** The ids of the tenant's users that Entra reports as protected right now (the ground truth). */
export function protectedNow(tenant: TenantModel): ReadonlySet<string> {
  return new Set([...tenant.users.keys()].filter((id) => isManagementRestricted(tenant, id)));
}
