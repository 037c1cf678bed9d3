/**
 * Synthetic tenants, computed and never stored: a user id encodes (tenant, index), so the fake server and
 * the account stores answer for any user without holding any. Two shapes:
 *
 * - `large` (the strategy tables): 100,000 users, every 1,000th user (i % 1,000 === 3) in one of two
 *   restricted units, so 100 protected users; 20 units in all.
 * - `mixed` (production-like cells): by tenant index, 60 % small (40 users), 30 % medium (400), 10 % large;
 *   small and medium tenants keep two emergency-access accounts (users 3 and 7), one per restricted unit,
 *   as Microsoft recommends. Graph's per-tenant limits follow the size (3,500 / 5,000 / 8,000 RU per 10 s).
 *
 * A tenant's `epoch` (raised by the bench to model a protected-set change) adds user `11 + epoch` to its
 * first restricted unit.
 */

/** Administrative units per tenant; units 0 and 1 are restricted. */
export const UNITS_PER_TENANT = 20;
export const RESTRICTED_UNITS = 2;

/** Users per large synthetic tenant. */
export const USERS_PER_TENANT = 100_000;

export type TenantShape = "large" | "mixed";
export type TenantSize = "small" | "medium" | "large";

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

/** The unit id of unit `u` of tenant `n`. */
export function unitIdOf(n: number, u: number): string {
  return `${hex(n, 8)}-0000-4000-9000-${hex(u, 12)}`;
}

export const upnOf = (n: number, i: number) => `user${i}@t${n}.example`;

/** The size of tenant `n` in a shape. */
export function sizeOf(shape: TenantShape, n: number): TenantSize {
  if (shape === "large") return "large";
  const bucket = n % 10;
  return bucket < 6 ? "small" : bucket < 9 ? "medium" : "large";
}

/** Users in a tenant of a size. */
export const USERS_OF: Readonly<Record<TenantSize, number>> = {
  small: 40,
  medium: 400,
  large: USERS_PER_TENANT,
};

/** Managed accounts of tenant `n` in the mixed shape (the host manages its admins, not every user). */
export const MIXED_ACCOUNTS: Readonly<Record<TenantSize, number>> = { small: 10, medium: 40, large: 200 };

/** `{ tenant, user }` indexes from a user id (or UPN), or undefined. */
export function parseUser(key: string): { tenant: number; user: number } | undefined {
  const byId = /^([0-9a-f]{8})-0000-4000-8000-([0-9a-f]{12})$/i.exec(key);
  const byUpn = /^user(\d+)@t(\d+)\.example$/i.exec(key);
  const tenant = byId ? Number.parseInt(byId[1] as string, 16) : byUpn ? Number(byUpn[2]) : -1;
  const user = byId ? Number.parseInt(byId[2] as string, 16) : byUpn ? Number(byUpn[1]) : -1;
  if (tenant < 0 || user < 0) return undefined;
  return { tenant, user };
}

/**
 * The protected users of a tenant of `size` at `epoch`, by restricted unit: `[unit 0 members, unit 1
 * members]`, each in id order.
 */
export function restrictedMembers(size: TenantSize, epoch: number): readonly [number[], number[]] {
  const units: [number[], number[]] = [[], []];
  if (size === "large") {
    for (let i = 3; i < USERS_PER_TENANT; i += 1_000)
      units[Math.floor(i / 1_000) % RESTRICTED_UNITS]?.push(i);
  } else {
    units[0].push(3);
    units[1].push(7);
  }
  if (epoch > 0) units[0].push(11 + epoch - 1);
  units[0].sort((a, b) => a - b);
  return units;
}

/**
 * The members of restricted unit `u` when a tenant has more than two restricted units (the unit-delta
 * cell's tenant with 1,000): units 0 and 1 as {@link restrictedMembers}, every further unit one of the
 * two emergency-access accounts (user 3 or 7), so the protected set stays the same.
 */
export function restrictedUnitMembers(size: TenantSize, epoch: number, u: number): readonly number[] {
  if (u < RESTRICTED_UNITS) return restrictedMembers(size, epoch)[u] ?? [];
  return [u % 2 === 0 ? 3 : 7];
}

/** Every protected user of a tenant, in id order. */
export function protectedUsersOf(size: TenantSize, epoch: number): number[] {
  const [a, b] = restrictedMembers(size, epoch);
  return [...a, ...b].sort((x, y) => x - y);
}
