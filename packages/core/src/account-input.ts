/**
 * How a host names an account to the guard, and the validation that turns it into a directory
 * reference. Invalid input is a caller bug, so it throws (`invalid-input`) instead of becoming a verdict.
 */
import type { AccountRef } from "./directory-reader.js";
import { createRotationExclusionError } from "./rotation-exclusion-error.js";

/** An Entra object id (a GUID), or an object with the id and/or the user principal name. */
export type AccountInput =
  | string
  | { readonly id?: string | undefined; readonly userPrincipalName?: string | undefined };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// C0 controls, DEL and C1 controls: never part of a UPN, and dangerous in logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_UPN_LENGTH = 1024;

/** True when `value` is a GUID (the shape of Entra object ids and tenant ids). */
export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

/** Shows a bad value in an error message without letting control characters or huge strings through. */
export function describeValue(value: unknown): string {
  if (typeof value !== "string") return value === null ? "null" : typeof value;
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return shown;
}

/**
 * What is wrong with `value` as a user principal name, as a phrase to follow the value in a message
 * (`must contain "@"`), or `undefined` when it is acceptable. Hosts use it to check their own input the
 * way the guard does.
 */
export function userPrincipalNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a non-empty string";
  if (value.length > MAX_UPN_LENGTH) return `is longer than ${MAX_UPN_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return "contains control characters";
  if (!value.includes("@")) return 'must contain "@"';
  return undefined;
}

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
  if (typeof input === "string") return { id: checkId(input) };
  if (typeof input !== "object" || input === null) {
    throw createRotationExclusionError(
      "invalid-input",
      `account ${describeValue(input)} must be an object id string or { id, userPrincipalName }`,
    );
  }
  const id = input.id === undefined ? undefined : checkId(input.id);
  const userPrincipalName =
    input.userPrincipalName === undefined ? undefined : checkUpn(input.userPrincipalName);
  if (id !== undefined) return userPrincipalName === undefined ? { id } : { id, userPrincipalName };
  if (userPrincipalName !== undefined) return { userPrincipalName };
  throw createRotationExclusionError("invalid-input", "account must name an id or a userPrincipalName");
}
