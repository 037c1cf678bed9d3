/**
 * Recognizes Graph's answer to a write on a user inside a restricted management administrative unit.
 * Graph answers 403 `Authorization_RequestDenied` with "Insufficient privileges to complete the
 * operation. Target object is a member of a restricted management administrative unit and can only be
 * modified by administrators scoped to that administrative unit." A plain `Authorization_RequestDenied`
 * ("Insufficient privileges to complete the operation.") only says the app lacks a role, so the message
 * must name the unit.
 * See https://learn.microsoft.com/entra/identity/role-based-access-control/admin-units-restricted-management
 */
import type { RotationFailure } from "./directory-reader.js";

const UNIT_PHRASE = "restricted management administrative unit";

/**
 * True when a failed write was denied because the target sits in a restricted management
 * administrative unit: status 403 (or absent), code `Authorization_RequestDenied` (or absent), and a
 * message naming a restricted management administrative unit.
 *
 * @example
 * describesRestrictedManagementDenial({ status: 403, code: "Authorization_RequestDenied", message }); // true
 */
export function describesRestrictedManagementDenial(failure: RotationFailure): boolean {
  if (failure.status !== undefined && failure.status !== 403) return false;
  if (failure.code !== undefined && failure.code.toLowerCase() !== "authorization_requestdenied")
    return false;
  // Graph sometimes wraps or reflows the text; whitespace runs are normalized before matching.
  const message =
    typeof failure.message === "string" ? failure.message.replace(/\s+/g, " ").toLowerCase() : "";
  return message.includes(UNIT_PHRASE);
}
