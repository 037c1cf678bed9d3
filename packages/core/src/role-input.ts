/**
 * Validation of the roles a role import names. A role is named by display name (`Global Administrator`,
 * a custom role's name) or by role template id (a GUID); invalid input is a caller bug and throws
 * (`invalid-input`) naming the bad value.
 */
import { describeValue } from "./account-input.js";
import { createRotationExclusionError } from "./rotation-exclusion-error.js";

/** The longest role name accepted (Entra caps role display names well below this). */
export const MAX_ROLE_NAME_LENGTH = 256;

// C0 controls, DEL and C1 controls: never part of a role name, and dangerous in logs and queries.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What is wrong with `value` as a role name, as a phrase to follow the value in a message
 * (`contains control characters`), or `undefined` when it is acceptable. Hosts use it to check their own
 * input the way a role import does.
 */
export function roleNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim().length === 0) {
    return "must be a role display name or role template id (a non-empty string)";
  }
  if (value.length > MAX_ROLE_NAME_LENGTH) return `is longer than ${MAX_ROLE_NAME_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return "contains control characters";
  return undefined;
}

function checkRoleName(value: unknown, index: number): string {
  const problem = roleNameProblem(value);
  if (problem !== undefined) {
    throw createRotationExclusionError("invalid-input", `roles[${index}] ${describeValue(value)} ${problem}`);
  }
  return value as string;
}

/**
 * Validates the roles of a role import and drops repeats (case-insensitive, first spelling kept), so
 * that naming a role twice reads it once.
 */
export function parseRoleNames(roles: unknown): string[] {
  if (!Array.isArray(roles) || roles.length === 0) {
    throw createRotationExclusionError(
      "invalid-input",
      "roles must be a non-empty array of role display names or role template ids",
    );
  }
  const seen = new Set<string>();
  const unique: string[] = [];
  roles.forEach((value: unknown, index) => {
    const name = checkRoleName(value, index);
    const folded = name.toLowerCase();
    if (seen.has(folded)) return;
    seen.add(folded);
    unique.push(name);
  });
  return unique;
}
