/**
 * Routes of the role import: role definitions, active assignments and PIM eligibility instances (both
 * support `$expand=principal`, which carries the principal's `@odata.type`), and group members.
 * See https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments and
 * https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances.
 */
import {
  assignmentEntity,
  assignmentProperties,
  directoryObjectEntity,
  ROLE_DEFINITION_PROPERTIES,
  roleDefinitionEntity,
} from "./directory-entities.js";
import {
  errorResponse,
  forbidden,
  type GraphResponse,
  jsonResponse,
  resourceNotFound,
} from "./graph-response.js";
import { memberListPage, parseMemberListQuery } from "./member-listing.js";
import { matchesFilter } from "./odata-filter.js";
import { collectionPage, contextUrl, isQueryError, parseQuery, project } from "./odata-query.js";
import type { RouteContext } from "./route-context.js";

const ROLE_DEFINITION_SPEC = {
  entityType: "unifiedRoleDefinition",
  resourceName: "UnifiedRoleDefinition",
  knownProperties: ROLE_DEFINITION_PROPERTIES,
  filter: {
    id: ["eq", "in"],
    displayName: ["eq", "in", "startsWith"],
    isBuiltIn: ["eq"],
    templateId: ["eq", "in"],
  },
} as const;

/** `GET /roleManagement/directory/roleDefinitions` */
export function listRoleDefinitions(ctx: RouteContext): GraphResponse {
  if (!ctx.settings.permissions.roleManagementRead) return forbidden(ctx.stamp);
  const query = parseQuery(ctx, {
    ...ROLE_DEFINITION_SPEC,
    options: ["$select", "$filter", "$top", "$skiptoken"],
  });
  if (isQueryError(query)) return query;
  const roles = [...ctx.tenant.roleDefinitions.values()]
    .map(roleDefinitionEntity)
    .filter((entity) => query.filter === undefined || matchesFilter(query.filter, entity));
  const context = contextUrl(ctx, "roleManagement/directory/roleDefinitions", query.select);
  return jsonResponse(
    ctx.stamp,
    collectionPage(ctx, roles, query, context, (entity) => project(entity, query.select, undefined)),
  );
}

/** `GET /roleManagement/directory/roleDefinitions/{id}` */
export function getRoleDefinition(ctx: RouteContext): GraphResponse {
  if (!ctx.settings.permissions.roleManagementRead) return forbidden(ctx.stamp);
  const query = parseQuery(ctx, { ...ROLE_DEFINITION_SPEC, options: ["$select"] });
  if (isQueryError(query)) return query;
  const id = ctx.params.id ?? "";
  const role = ctx.tenant.roleDefinitions.get(id);
  if (role === undefined) return resourceNotFound(ctx.stamp, id);
  return jsonResponse(ctx.stamp, {
    "@odata.context": `${contextUrl(ctx, "roleManagement/directory/roleDefinitions", query.select)}/$entity`,
    ...project(roleDefinitionEntity(role), query.select, undefined),
  });
}

// PIM answers a missing permission with its own error shape: code UnknownError, the detail as JSON text.
function pimPermissionDenied(ctx: RouteContext): GraphResponse {
  return errorResponse(
    ctx.stamp,
    403,
    "UnknownError",
    JSON.stringify({
      errorCode: "PermissionScopeNotGranted",
      message:
        "Authorization failed due to missing permission scope RoleEligibilitySchedule.Read.Directory," +
        "RoleManagement.Read.Directory,RoleManagement.Read.All,RoleEligibilitySchedule.ReadWrite.Directory," +
        "RoleManagement.ReadWrite.Directory.",
      instanceAnnotations: [],
    }),
  );
}

function listAssignments(ctx: RouteContext, kind: "active" | "eligible"): GraphResponse {
  const { permissions } = ctx.settings;
  if (kind === "active" && !permissions.roleManagementRead) return forbidden(ctx.stamp);
  if (kind === "eligible" && !permissions.roleEligibilityRead) return pimPermissionDenied(ctx);
  const query = parseQuery(ctx, {
    options: ["$select", "$filter", "$expand", "$top", "$skiptoken"],
    entityType: kind === "active" ? "unifiedRoleAssignment" : "unifiedRoleEligibilityScheduleInstance",
    resourceName: kind === "active" ? "UnifiedRoleAssignment" : "UnifiedRoleEligibilityScheduleInstance",
    knownProperties: assignmentProperties(kind),
    filter: { roleDefinitionId: ["eq"], principalId: ["eq"], directoryScopeId: ["eq"], id: ["eq"] },
    expand: ["principal"],
  });
  if (isQueryError(query)) return query;
  const expandPrincipal = query.expand.includes("principal");
  const assignments = ctx.tenant.roleAssignments
    .filter((assignment) => assignment.kind === kind)
    .map((assignment) => {
      const entity = project(assignmentEntity(assignment), query.select, undefined);
      // A principal deleted since the assignment was made expands to null.
      if (expandPrincipal)
        entity.principal = directoryObjectEntity(ctx.tenant, assignment.principalId) ?? null;
      return { assignment, entity };
    })
    .filter(
      ({ assignment }) =>
        query.filter === undefined || matchesFilter(query.filter, assignmentEntity(assignment)),
    );
  const entitySet =
    kind === "active"
      ? "roleManagement/directory/roleAssignments"
      : "roleManagement/directory/roleEligibilityScheduleInstances";
  const context = `${contextUrl(ctx, entitySet, query.select)}${expandPrincipal ? "(principal())" : ""}`;
  return jsonResponse(
    ctx.stamp,
    collectionPage(ctx, assignments, query, context, ({ entity }) => entity),
  );
}

/** `GET /roleManagement/directory/roleAssignments` */
export function listRoleAssignments(ctx: RouteContext): GraphResponse {
  return listAssignments(ctx, "active");
}

/** `GET /roleManagement/directory/roleEligibilityScheduleInstances` */
export function listRoleEligibilities(ctx: RouteContext): GraphResponse {
  return listAssignments(ctx, "eligible");
}

/** `GET /groups/{id}/members` */
export function listGroupMembers(ctx: RouteContext): GraphResponse {
  if (!ctx.settings.permissions.groupMemberRead) return forbidden(ctx.stamp);
  const query = parseMemberListQuery(ctx);
  if (isQueryError(query)) return query;
  const id = ctx.params.id ?? "";
  const group = ctx.tenant.groups.get(id);
  if (group === undefined) return resourceNotFound(ctx.stamp, id);
  return memberListPage(ctx, query, group.memberIds);
}
