/**
 * Synthetic tenants, computed and never stored: tenant n has 100,000 users whose ids encode (n, i), so
 * the fake server and the account stores can answer for any user without holding any of them.
 * Every 1,000th user (i % 1,000 === 3) sits in one of two restricted management administrative units,
 * so a tenant has 100 protected users; 18 ordinary units make the unit list realistic.
 */

/** Users per synthetic tenant (a "large" tenant for Graph's throttling). */
export const USERS_PER_TENANT = 100_000;
/** Administrative units per tenant; units 0 and 1 are restricted. */
export const UNITS_PER_TENANT = 20;
export const RESTRICTED_UNITS = 2;

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** The tenant id of tenant `n` (a GUID). */
export function tenantIdOf(n: number): string {
  return `7e000000-0000-4000-8000-${hex(n, 12)}`;
}

/** Tenant index from a tenant id, or -1. */
export function tenantIndexOf(tenantId: string): number {
  const match = /^7e000000-0000-4000-8000-([0-9a-f]{12})$/i.exec(tenantId);
  return match ? Number.parseInt(match[1] as string, 16) : -1;
}

/** The object id of user `i` of tenant `n`. */
export function userIdOf(n: number, i: number): string {
  return `${hex(n, 8)}-0000-4000-8000-${hex(i, 12)}`;
}

/** `{ tenant, user }` indexes from a user id (or UPN), or undefined. */
export function parseUser(key: string): { tenant: number; user: number } | undefined {
  const byId = /^([0-9a-f]{8})-0000-4000-8000-([0-9a-f]{12})$/i.exec(key);
  const byUpn = /^user(\d+)@t(\d+)\.example$/i.exec(key);
  const tenant = byId ? Number.parseInt(byId[1] as string, 16) : byUpn ? Number(byUpn[2]) : -1;
  const user = byId ? Number.parseInt(byId[2] as string, 16) : byUpn ? Number(byUpn[1]) : -1;
  if (tenant < 0 || user < 0 || user >= USERS_PER_TENANT) return undefined;
  return { tenant, user };
}

export const upnOf = (n: number, i: number) => `user${i}@t${n}.example`;

/** True for users in a restricted unit. */
export const isProtectedUser = (i: number) => i % 1_000 === 3;

/** The restricted unit (0 or 1) a protected user sits in. */
export const restrictedUnitOf = (i: number) => Math.floor(i / 1_000) % RESTRICTED_UNITS;

/** The protected users of a tenant, in id order. */
export function protectedUsers(): number[] {
  const users: number[] = [];
  for (let i = 3; i < USERS_PER_TENANT; i += 1_000) users.push(i);
  return users;
}

/** The unit id of unit `u` of tenant `n`. */
export function unitIdOf(n: number, u: number): string {
  return `${hex(n, 8)}-0000-4000-9000-${hex(u, 12)}`;
}
