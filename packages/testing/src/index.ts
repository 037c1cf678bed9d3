export {
  isManagementRestricted,
  objectKind,
  type TenantDevice,
  type TenantGroup,
  type TenantModel,
  type TenantRoleAssignment,
  type TenantRoleDefinition,
  type TenantServicePrincipal,
  type TenantUnit,
  type TenantUser,
} from "./tenant-model.js";
