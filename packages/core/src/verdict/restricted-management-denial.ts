/**
 * Recognizes Graph's answer to a write on a user inside a restricted management administrative unit.
 * Graph answers 403 `Authorization_RequestDenied` with "Insufficient privileges to complete the
 * operation. Target object is a member of a restricted management administrative unit and can only be
 * modified by administrators scoped to that administrative unit." A plain `Authorization_RequestDenied`
 * ("Insufficient privileges to complete the operation.") only says the app lacks a role, so the message
 * must name the unit.
 * See https://learn.microsoft.com/entra/identity/role-based-access-control/admin-units-restricted-management
 */
import type { RotationFailure } from "../ports/directory-reader.js";

const UNIT_PHRASE = "restricted management administrative unit";

/**
 * True when a failed write was denied because the target sits in a restricted management
 * administrative unit: status 403, code `Authorization_RequestDenied` (case-insensitive) and a message
 * naming a restricted management administrative unit, all three. A missing status or code is never a
 * denial: a host's own error text that merely mentions such a unit is not Graph's answer
 * (docs/decisions/0003-rmau-write-denial-as-evidence.md). This is the one rule; the Graph adapter reuses it.
 *
 * @example
 * describesRestrictedManagementDenial({ status: 403, code: "Authorization_RequestDenied", message }); // true
 */
export function describesRestrictedManagementDenial(failure: RotationFailure): boolean {
  if (failure.status !== 403) return false;
  if (typeof failure.code !== "string" || failure.code.toLowerCase() !== "authorization_requestdenied")
    return false;
  // Graph sometimes wraps or reflows the text; whitespace runs are normalized before matching.
  const message =
    typeof failure.message === "string" ? failure.message.replace(/\s+/g, " ").toLowerCase() : "";
  return message.includes(UNIT_PHRASE);
}
