/**
 * Microsoft Graph's documented throttling limits for one app registration and what each request costs
 * against them, shared by the Graph adapter's client-side budget and the testing kit's fake Graph, so the
 * fake enforces exactly what the client paces itself by.
 * Sources: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits and
 * https://learn.microsoft.com/graph/throttling (the global limit); docs/decisions/0006-throttling-and-retry-after.md.
 */

/** Entra's tenant sizes for throttling: small under 50 users, medium 50 to 500, large above 500. */
export type TenantSize = "small" | "medium" | "large";

/** The limits a budget enforces, before `headroom`. Windows in milliseconds. */
export interface ThrottleLimits {
  /** Resource units per window for one application + tenant pair, by tenant size. */
  readonly tenantResourceUnits: Readonly<Record<TenantSize, number>>;
  readonly tenantWindowMs: number;
  /** Resource units per window for the application across all tenants. */
  readonly appResourceUnits: number;
  readonly appWindowMs: number;
  /** Writes per window for one application + tenant pair. */
  readonly tenantWrites: number;
  readonly tenantWriteWindowMs: number;
  /** Writes per window for the application across all tenants. */
  readonly appWrites: number;
  readonly appWriteWindowMs: number;
  /** Requests of any kind per window for the application across all tenants (Graph's global limit). */
  readonly appRequests: number;
  readonly appRequestWindowMs: number;
}

/**
 * Microsoft's documented limits for one app registration: identity and access resource units per app
 * and tenant (by tenant size) and per app across all tenants, writes, and Graph's global request limit
 * per app across all tenants (130,000 requests per 10 s; older pages said 2,000 per second).
 */
export const IDENTITY_THROTTLE_LIMITS = {
  tenantResourceUnits: { small: 3_500, medium: 5_000, large: 8_000 },
  tenantWindowMs: 10_000,
  appResourceUnits: 150_000,
  appWindowMs: 20_000,
  tenantWrites: 3_000,
  tenantWriteWindowMs: 150_000,
  appWrites: 35_000,
  appWriteWindowMs: 300_000,
  appRequests: 130_000,
  appRequestWindowMs: 10_000,
} as const satisfies ThrottleLimits;

/** What one HTTP request costs against the limits. */
export interface RequestCost {
  readonly resourceUnits: number;
  readonly writes: number;
  /** HTTP requests counted against the global limit (a `$batch` counts its items). */
  readonly requests: number;
}

const OPERATION_COST: readonly [RegExp, number][] = [
  [/^\/users$/i, 2],
  [/^\/groups\/[^/]+\/members$/i, 3],
  [/^\/groups\/[^/]+\/transitiveMembers$/i, 5],
  [/^\/directoryObjects\/getByIds$/i, 5],
];

/**
 * The documented cost of one request: a GET costs 1 resource unit (`/users` 2, group members 3,
 * transitive members 5, getByIds 5), `$select` saves 1, `$expand` adds 1, `$top` under 20 saves 1, never
 * below 1; a write costs 1 resource unit and 1 write. A `$batch` costs the sum of its items.
 */
export function requestCost(method: string, url: string, body?: unknown): RequestCost {
  const path = url.replace(/^https?:\/\/[^/]+/i, "").replace(/^\/(v1\.0|beta)/i, "");
  const [pathOnly = "", query = ""] = path.split("?", 2);
  if (method.toUpperCase() === "POST" && /^\/?\$batch$/i.test(pathOnly)) {
    const items = (body as { requests?: unknown } | undefined)?.requests;
    const total = { resourceUnits: 0, writes: 0, requests: 0 };
    for (const item of Array.isArray(items) ? items : []) {
      const { method: m, url: u } = item as { method?: unknown; url?: unknown };
      const cost = requestCost(typeof m === "string" ? m : "GET", typeof u === "string" ? u : "/");
      total.resourceUnits += cost.resourceUnits;
      total.writes += cost.writes;
      total.requests += 1;
    }
    return total.requests === 0 ? { resourceUnits: 1, writes: 0, requests: 1 } : total;
  }
  if (method.toUpperCase() !== "GET") return { resourceUnits: 1, writes: 1, requests: 1 };
  const normalized = pathOnly.startsWith("/") ? pathOnly : `/${pathOnly}`;
  let units = OPERATION_COST.find(([pattern]) => pattern.test(normalized))?.[1] ?? 1;
  const params = new URLSearchParams(query);
  if (params.has("$select")) units -= 1;
  if (params.has("$expand")) units += 1;
  const top = Number(params.get("$top"));
  if (params.has("$top") && top < 20) units -= 1;
  return { resourceUnits: Math.max(1, units), writes: 0, requests: 1 };
}
