/**
 * Validation of the roles a role import names. A role is named by display name (`Global Administrator`,
 * a custom role's name) or by role template id (a GUID); invalid input is a caller bug and throws
 * (`invalid-input`) naming the bad value.
 */
import { describeValue, roleNameProblem } from "../internal/input-checks.js";
import { createRotationExclusionError } from "../rotation-exclusion-error.js";

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
