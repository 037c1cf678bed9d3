/**
 * How a host names an account to the guard, and the validation that turns it into a directory
 * reference. Invalid input is a caller bug, so it throws (`invalid-input`) instead of becoming a verdict.
 */
import { describeValue, isGuid, userPrincipalNameProblem } from "../internal/input-checks.js";
import type { AccountRef } from "../ports/directory-reader.js";
import { createRotationExclusionError } from "../rotation-exclusion-error.js";

/**
 * An account as the rotation engine holds it: an Entra object id (a GUID string), a user principal name
 * (a string with `@`), or an object with the id and/or the UPN. Object ids are the cheap path: a UPN costs
 * a directory lookup the first time a snapshot meets it.
 */
export type AccountInput =
  | string
  | { readonly id?: string | undefined; readonly userPrincipalName?: string | undefined };

function checkUpn(value: unknown): string {
  const problem = userPrincipalNameProblem(value);
  if (problem !== undefined) {
    throw createRotationExclusionError(
      "invalid-input",
      `userPrincipalName ${describeValue(value)} ${problem}`,
    );
  }
  return value as string;
}

function checkId(value: unknown): string {
  if (!isGuid(value)) {
    throw createRotationExclusionError(
      "invalid-input",
      `account id ${describeValue(value)} is not an Entra object id (a GUID); pass { userPrincipalName } to name an account by UPN`,
    );
  }
  return value.toLowerCase();
}

/**
 * Validates an {@link AccountInput} and returns it as a directory reference (object ids lower-cased).
 * Throws a `RotationExclusionError` with code `invalid-input` naming the bad value.
 */
export function parseAccountInput(input: AccountInput): AccountRef {
  if (typeof input === "string") {
    if (isGuid(input)) return { id: input.toLowerCase() };
    if (userPrincipalNameProblem(input) === undefined) return { userPrincipalName: input };
    throw createRotationExclusionError(
      "invalid-input",
      `account ${describeValue(input)} is neither an Entra object id (a GUID) nor a user principal name (name@domain)`,
    );
  }
  if (typeof input !== "object" || input === null) {
    throw createRotationExclusionError(
      "invalid-input",
      `account ${describeValue(input)} must be an object id, a user principal name, or { id, userPrincipalName }`,
    );
  }
  const id = input.id === undefined ? undefined : checkId(input.id);
  const userPrincipalName =
    input.userPrincipalName === undefined ? undefined : checkUpn(input.userPrincipalName);
  if (id !== undefined) return userPrincipalName === undefined ? { id } : { id, userPrincipalName };
  if (userPrincipalName !== undefined) return { userPrincipalName };
  throw createRotationExclusionError("invalid-input", "account must name an id or a userPrincipalName");
}
