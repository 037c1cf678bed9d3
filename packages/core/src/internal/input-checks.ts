/**
 * Checks of values that come from outside (a host, a store, a command line): object ids, user principal
 * names, role names, and a safe way to show a bad value in a message. Each check answers what is wrong
 * as a phrase to follow the value (`must contain "@"`), or `undefined` when the value is acceptable, so
 * that every caller words its own error but refuses exactly the same values.
 */

// C0 controls, DEL and C1 controls: never part of a UPN or a role name, and dangerous in logs and queries.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_UPN_LENGTH = 1024;

/** The longest role name accepted (Entra caps role display names well below this). */
export const MAX_ROLE_NAME_LENGTH = 256;

const isHexDigit = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);

/**
 * True when `value` is a GUID (the shape of Entra object ids and tenant ids): 8-4-4-4-12 hex digits, in
 * either case. Checked code unit by code unit rather than by a regular expression: every managed account
 * of every run goes through it.
 */
export function isGuid(value: unknown): value is string {
  if (typeof value !== "string" || value.length !== 36) return false;
  for (let i = 0; i < 36; i += 1) {
    const code = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? code !== 45 : !isHexDigit(code)) return false;
  }
  return true;
}

/** True for any object that is not an array (JSON read from a server or a store, an error, a response). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for an object literal (or `Object.create(null)`), not an array, class instance or error. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Shows a bad value in an error message without letting control characters or huge strings through. */
export function describeValue(value: unknown): string {
  if (typeof value !== "string") return value === null ? "null" : typeof value;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** What is wrong with `value` as a user principal name, or `undefined` when it is acceptable. */
export function userPrincipalNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a non-empty string";
  if (value.length > MAX_UPN_LENGTH) return `is longer than ${MAX_UPN_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return "contains control characters";
  if (!value.includes("@")) return 'must contain "@"';
  return undefined;
}

/** What is wrong with `value` as a role display name or role template id, or `undefined`. */
export function roleNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim().length === 0) {
    return "must be a role display name or role template id (a non-empty string)";
  }
  if (value.length > MAX_ROLE_NAME_LENGTH) return `is longer than ${MAX_ROLE_NAME_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return "contains control characters";
  return undefined;
}
