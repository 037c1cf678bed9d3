/**
 * Tenant-model objects as Graph v1.0 writes them: property names, `null` for unset values, the default
 * property set of a user when no `$select` is given, and `@odata.type` only where Graph emits it (members
 * of directoryObject collections and expanded principals, not plain `/users` listings).
 * Every name emitted here is one Microsoft's v1.0 schema declares on the item's type; the schema test
 * (`fake-graph-schema.test.ts`, over `../contract/graph-schema-v1.0.json`) fails on any other.
 * See https://learn.microsoft.com/graph/api/resources/user and .../administrativeunit.
 */
import {
  objectKind,
  reportedManagementRestricted,
  type TenantModel,
  type TenantRoleAssignment,
  type TenantRoleDefinition,
  type TenantUnit,
  type TenantUser,
} from "../tenant-model.js";

/** Properties Graph returns for a user without `$select`. */
export const USER_DEFAULT_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;

const USER_OTHER_PROPERTIES = {
  accountEnabled: true,
  userType: "Member",
  createdDateTime: null,
  department: null,
  companyName: null,
  employeeId: null,
  usageLocation: null,
  onPremisesSyncEnabled: null,
  lastPasswordChangeDateTime: null,
  passwordPolicies: null,
  otherMails: [],
  proxyAddresses: [],
} as const;

/** A user with every property the fake knows; `isManagementRestricted` only where the cloud has it. */
export function userEntity(
  tenant: TenantModel,
  user: TenantUser,
  withRestrictedFlag: boolean,
): Record<string, unknown> {
  return {
    // A derived type in a collection of its base type carries its own type (OData JSON format §4.5.3).
    ...(user.agentUser === true ? { "@odata.type": "#microsoft.graph.agentUser" } : {}),
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.userPrincipalName,
    ...USER_OTHER_PROPERTIES,
    // Graph documents `null` (not false) for users in no restricted unit; the model may also hold a lagging value.
    ...(withRestrictedFlag ? { isManagementRestricted: reportedManagementRestricted(tenant, user.id) } : {}),
  };
}

/** Every property name `$select` may name on a user. */
export function userProperties(withRestrictedFlag: boolean): ReadonlySet<string> {
  const names: string[] = [...USER_DEFAULT_PROPERTIES, ...Object.keys(USER_OTHER_PROPERTIES)];
  if (withRestrictedFlag) names.push("isManagementRestricted");
  return new Set(names);
}

/** Finds a user by object id or user principal name (case-insensitive, as Entra compares them). */
export function findUser(tenant: TenantModel, key: string): TenantUser | undefined {
  const exact = tenant.users.get(key);
  if (exact !== undefined) return exact;
  const lower = key.toLowerCase();
  for (const user of tenant.users.values()) {
    if (user.id.toLowerCase() === lower || user.userPrincipalName.toLowerCase() === lower) return user;
  }
  return undefined;
}

/** An administrative unit; an ordinary unit's `isMemberManagementRestricted` reads `null` (never set). */
export function unitEntity(unit: TenantUnit): Record<string, unknown> {
  return {
    id: unit.id,
    deletedDateTime: null,
    displayName: unit.displayName,
    description: null,
    isMemberManagementRestricted: unit.isMemberManagementRestricted ? true : null,
    membershipRule: null,
    membershipRuleProcessingState: null,
    membershipType: unit.membershipType,
    visibility: unit.visibility,
  };
}

/** Every property name `$select` may name on a unit. */
export const UNIT_PROPERTIES: ReadonlySet<string> = new Set(Object.keys(unitEntity(sampleUnit())));

function sampleUnit(): TenantUnit {
  return {
    id: "",
    displayName: "",
    isMemberManagementRestricted: false,
    membershipType: null,
    visibility: null,
    memberIds: [],
  };
}

/**
 * Any directory object by id with its `@odata.type`, as members and expanded principals carry it, or
 * `undefined` when the tenant holds no such object.
 */
export function directoryObjectEntity(tenant: TenantModel, id: string): Record<string, unknown> | undefined {
  switch (objectKind(tenant, id)) {
    case "user": {
      const user = tenant.users.get(id) as TenantUser;
      return { "@odata.type": "#microsoft.graph.user", ...userEntity(tenant, user, false) };
    }
    case "group": {
      const group = tenant.groups.get(id);
      if (group === undefined) return undefined;
      return {
        "@odata.type": "#microsoft.graph.group",
        id: group.id,
        displayName: group.displayName,
        description: null,
        groupTypes: [],
        isAssignableToRole: group.isAssignableToRole,
        mail: null,
        mailEnabled: false,
        securityEnabled: true,
        visibility: null,
      };
    }
    case "device": {
      const device = tenant.devices.get(id);
      if (device === undefined) return undefined;
      return {
        "@odata.type": "#microsoft.graph.device",
        id: device.id,
        accountEnabled: true,
        deviceId: device.id,
        displayName: device.displayName,
        operatingSystem: null,
      };
    }
    case "servicePrincipal": {
      const sp = tenant.servicePrincipals.get(id);
      if (sp === undefined) return undefined;
      return {
        "@odata.type": `#microsoft.graph.${sp.agentKind ?? "servicePrincipal"}`,
        id: sp.id,
        accountEnabled: true,
        appId: sp.appId,
        displayName: sp.displayName,
        servicePrincipalType: "Application",
      };
    }
    case "other": {
      // A type the fake does not model: its type (when it has one) and id, nothing the schema of a type
      // we do not know might not declare (directoryObject itself declares only id and deletedDateTime).
      const other = tenant.otherObjects?.get(id);
      if (other === undefined) return undefined;
      return { ...(other.odataType === null ? {} : { "@odata.type": other.odataType }), id: other.id };
    }
    default:
      return undefined;
  }
}

/** Property names `$select` may name on a directoryObject collection (any derived type's). */
export const DIRECTORY_OBJECT_PROPERTIES: ReadonlySet<string> = new Set([
  ...userProperties(false),
  "description",
  "groupTypes",
  "isAssignableToRole",
  "mailEnabled",
  "securityEnabled",
  "visibility",
  "deviceId",
  "operatingSystem",
  "appId",
  "servicePrincipalType",
]);

/** A role definition (`unifiedRoleDefinition`); built-in roles use their template id as id. */
export function roleDefinitionEntity(role: TenantRoleDefinition): Record<string, unknown> {
  return {
    id: role.id,
    description: null,
    displayName: role.displayName,
    isBuiltIn: role.isBuiltIn,
    isEnabled: true,
    resourceScopes: ["/"],
    templateId: role.id,
    version: "1",
    rolePermissions: [],
  };
}

/** Property names `$select` may name on a role definition. */
export const ROLE_DEFINITION_PROPERTIES: ReadonlySet<string> = new Set(
  Object.keys(roleDefinitionEntity({ id: "", displayName: "", isBuiltIn: true })),
);

/** An active assignment (`unifiedRoleAssignment`) or an eligibility (`unifiedRoleEligibilityScheduleInstance`). */
export function assignmentEntity(assignment: TenantRoleAssignment): Record<string, unknown> {
  const base = {
    id: assignment.id,
    principalId: assignment.principalId,
    roleDefinitionId: assignment.roleDefinitionId,
    directoryScopeId: assignment.directoryScopeId,
    appScopeId: null,
  };
  // v1.0 declares no `resourceScope` on unifiedRoleAssignment (a beta-only property): never emit it.
  if (assignment.kind === "active") return base;
  return {
    ...base,
    startDateTime: "2024-01-01T00:00:00Z",
    endDateTime: null,
    memberType: "Direct",
    roleEligibilityScheduleId: assignment.id,
  };
}

/** Property names `$select` may name on an assignment of the given kind. */
export function assignmentProperties(kind: "active" | "eligible"): ReadonlySet<string> {
  return new Set(
    Object.keys(
      assignmentEntity({ id: "", kind, roleDefinitionId: "", principalId: "", directoryScopeId: "/" }),
    ),
  );
}
