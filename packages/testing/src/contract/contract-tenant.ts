/**
 * The tenant every contract test reads: enough restricted units, protected users and unit members to
 * need 3+ pages at page size 3, plus every look-alike that must not count as protected.
 */
import { tenantBuilder } from "../tenant-builder.js";
import type { TenantModel } from "../tenant-model.js";

/** Page size the contract uses to force paging (12 protected users, 7 restricted units, 7 members in one unit). */
export const CONTRACT_PAGE_SIZE = 3;

/** The contract tenant and the ids the suite asserts on. */
export interface ContractTenant {
  readonly tenant: TenantModel;
  /** Seven break-glass accounts, all direct members of `emergencyUnit`. */
  readonly breakGlass: readonly string[];
  readonly emergencyUnit: string;
  /** Restricted unit holding one user (`financeLead`), one group and one device. */
  readonly mixedUnit: string;
  readonly financeLead: string;
  readonly financeGroup: string;
  readonly kioskDevice: string;
  /** Members of `financeGroup`: in a restricted unit only through the group, so NOT protected. */
  readonly groupMembers: readonly string[];
  readonly hiddenUnit: string;
  readonly hiddenMember: string;
  readonly dynamicUnit: string;
  readonly dynamicMember: string;
  /** Restricted, no members. */
  readonly emptyUnit: string;
  readonly ordinaryUnit: string;
  readonly ordinaryUnitMember: string;
  /** UPN `o'brien@contoso.com`, in no unit. */
  readonly obrien: string;
  /** Graph reports `isManagementRestricted: null` for this user. */
  readonly nullFlagUser: string;
  readonly ordinaryUsers: readonly string[];
  /** Every direct member of a restricted unit (the protected set). */
  readonly protectedUsers: readonly string[];
  /** Every restricted unit (ordinary units excluded). */
  readonly restrictedUnits: readonly string[];
}

/** Builds a fresh contract tenant (tests may mutate it). */
export function contractTenant(): ContractTenant {
  const t = tenantBuilder({ seed: "directory-contract", domain: "contoso.com" });
  const breakGlass = t.users(7, "breakglass");
  const emergencyUnit = t.unit("Emergency access", {
    restricted: true,
    membershipType: "Assigned",
    visibility: "Public",
    members: breakGlass,
  });
  for (const id of breakGlass.slice(0, 2)) t.assignRole("Global Administrator", id);

  const groupMembers = [t.user("finance.clerk1"), t.user("finance.clerk2")];
  const financeGroup = t.group("Finance", { members: groupMembers });
  const kioskDevice = t.device("Lobby kiosk");
  const financeLead = t.user("finance.lead");
  const mixedUnit = t.unit("Finance objects", {
    restricted: true,
    members: [financeLead, financeGroup, kioskDevice],
  });

  const hiddenMember = t.user("ceo");
  const hiddenUnit = t.unit("Executives", {
    restricted: true,
    visibility: "HiddenMembership",
    members: [hiddenMember],
  });
  const dynamicMember = t.user("hr.director");
  const dynamicUnit = t.unit("HR leadership", {
    restricted: true,
    membershipType: "Dynamic",
    members: [dynamicMember],
  });
  const emptyUnit = t.unit("Reserved", { restricted: true });
  const contractor = t.user("contractor.admin");
  const contractorUnit = t.unit("Contractors", { restricted: true, members: [contractor] });
  const boardMember = t.user("board.chair");
  const boardUnit = t.unit("Board", { restricted: true, members: [boardMember] });

  const ordinaryUnitMember = t.user("branch.admin");
  const ordinaryUnit = t.unit("Branch office", { members: [ordinaryUnitMember] });
  t.assignRole("User Administrator", ordinaryUnitMember);

  const obrien = t.user("obrien", { userPrincipalName: "o'brien@contoso.com", displayName: "Pat O'Brien" });
  const nullFlagUser = t.user("never.restricted", { isManagementRestricted: null });
  const ordinaryUsers = t.users(5, "staff");

  return {
    tenant: t.build(),
    breakGlass,
    emergencyUnit,
    mixedUnit,
    financeLead,
    financeGroup,
    kioskDevice,
    groupMembers,
    hiddenUnit,
    hiddenMember,
    dynamicUnit,
    dynamicMember,
    emptyUnit,
    ordinaryUnit,
    ordinaryUnitMember,
    obrien,
    nullFlagUser,
    ordinaryUsers,
    protectedUsers: [...breakGlass, financeLead, hiddenMember, dynamicMember, contractor, boardMember],
    restrictedUnits: [
      emergencyUnit,
      mixedUnit,
      hiddenUnit,
      dynamicUnit,
      emptyUnit,
      contractorUnit,
      boardUnit,
    ],
  };
}
