/**
 * `/users` routes: list (with `isManagementRestricted eq true`), get by id or UPN, and PATCH with a
 * password profile, which Graph refuses with 403 for users in a restricted management administrative unit.
 * See https://learn.microsoft.com/graph/api/user-list and
 * https://learn.microsoft.com/entra/identity/role-based-access-control/admin-units-restricted-management.
 */
import { findUser, USER_DEFAULT_PROPERTIES, userEntity, userProperties } from "./directory-entities.js";
import {
  errorResponse,
  forbidden,
  type GraphResponse,
  jsonResponse,
  noContentResponse,
  resourceNotFound,
} from "./graph-response.js";
import { matchesFilter } from "./odata-filter.js";
import {
  collectionPage,
  contextUrl,
  isQueryError,
  parseQuery,
  project,
  type QuerySpec,
} from "./odata-query.js";
import { passwordResetDecision } from "./password-reset-policy.js";
import type { RouteContext } from "./route-context.js";

/** Graph's denial of a write to a member of a restricted management administrative unit. */
export const RESTRICTED_MANAGEMENT_DENIAL_MESSAGE =
  "Insufficient privileges to complete the operation. Target object is a member of a restricted management " +
  "administrative unit and can only be modified by administrators scoped to that administrative unit. Check " +
  "that you are assigned a role that has been scoped to the restricted management administrative unit or " +
  "contact your administrator for assistance.";

/** The same denial as seen in the wild, ending with Microsoft's learn-more link. */
export const RESTRICTED_MANAGEMENT_DENIAL_MESSAGE_WITH_LINK =
  "Insufficient privileges to complete the operation. Target object is a member of a restricted management " +
  "administrative unit and can only be modified by administrators scoped to that administrative unit. Check " +
  "that you are assigned a role that has permission to perform the operation for this restricted management " +
  "administrative unit. Learn more: https://go.microsoft.com/fwlink/?linkid=2197831";

/** Graph's refusal of a write the app lacks the directory role for. */
const INSUFFICIENT_PRIVILEGES = "Insufficient privileges to complete the operation.";

function userQuerySpec(ctx: RouteContext, list: boolean): QuerySpec {
  const withFlag = ctx.settings.primarySignal === "available";
  return {
    options: list ? ["$select", "$filter", "$top", "$skiptoken", "$count"] : ["$select"],
    entityType: "user",
    resourceName: "User",
    knownProperties: userProperties(withFlag),
    filter: {
      id: ["eq", "in"],
      userPrincipalName: ["eq", "in", "startsWith"],
      displayName: ["eq", "in", "startsWith"],
      ...(withFlag ? { isManagementRestricted: ["eq"] } : {}),
    },
  };
}

/** `GET /users` */
export function listUsers(ctx: RouteContext): GraphResponse {
  if (!ctx.settings.permissions.userReadAll) return forbidden(ctx.stamp);
  const query = parseQuery(ctx, userQuerySpec(ctx, true));
  if (isQueryError(query)) return query;
  const withFlag = ctx.settings.primarySignal === "available";
  const users = [...ctx.tenant.users.values()]
    .map((user) => userEntity(ctx.tenant, user, withFlag))
    .filter((entity) => query.filter === undefined || matchesFilter(query.filter, entity));
  return jsonResponse(
    ctx.stamp,
    collectionPage(ctx, users, query, contextUrl(ctx, "users", query.select), (entity) =>
      project(entity, query.select, USER_DEFAULT_PROPERTIES),
    ),
  );
}

/** `GET /users/{id | userPrincipalName}` */
export function getUser(ctx: RouteContext): GraphResponse {
  if (!ctx.settings.permissions.userReadAll) return forbidden(ctx.stamp);
  const query = parseQuery(ctx, userQuerySpec(ctx, false));
  if (isQueryError(query)) return query;
  const key = ctx.params.id ?? "";
  const user = findUser(ctx.tenant, key);
  if (user === undefined) return resourceNotFound(ctx.stamp, key);
  const entity = userEntity(ctx.tenant, user, ctx.settings.primarySignal === "available");
  return jsonResponse(ctx.stamp, {
    "@odata.context": `${contextUrl(ctx, "users", query.select)}/$entity`,
    ...project(entity, query.select, USER_DEFAULT_PROPERTIES),
  });
}

// Entra's default password policy: at least 8 characters.
const MIN_PASSWORD_LENGTH = 8;

/** `PATCH /users/{id | userPrincipalName}` */
export function patchUser(ctx: RouteContext): GraphResponse {
  const { request, stamp } = ctx;
  if (request.bodyInvalid || typeof request.body !== "object" || request.body === null) {
    return errorResponse(
      stamp,
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
  const key = ctx.params.id ?? "";
  const user = findUser(ctx.tenant, key);
  if (user === undefined) return resourceNotFound(stamp, key);
  // The role checks come before any validation of the new values, as on Graph.
  const decision = passwordResetDecision(ctx.tenant, ctx.settings.rotationApp, user.id);
  if (decision === "restricted-unit") {
    const text =
      ctx.settings.restrictedUnitDenialText === "learn-more"
        ? RESTRICTED_MANAGEMENT_DENIAL_MESSAGE_WITH_LINK
        : RESTRICTED_MANAGEMENT_DENIAL_MESSAGE;
    return errorResponse(stamp, 403, "Authorization_RequestDenied", text);
  }
  if (decision === "insufficient-privileges") {
    return errorResponse(stamp, 403, "Authorization_RequestDenied", INSUFFICIENT_PRIVILEGES);
  }
  const profile = (request.body as Record<string, unknown>).passwordProfile;
  if (profile !== undefined) {
    const password =
      typeof profile === "object" && profile !== null
        ? (profile as Record<string, unknown>).password
        : undefined;
    if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) {
      return errorResponse(
        stamp,
        400,
        "Request_BadRequest",
        "The specified password does not comply with password complexity requirements. Please provide a different password.",
      );
    }
    ctx.recordPasswordChange(user.id);
  }
  return noContentResponse(stamp);
}
