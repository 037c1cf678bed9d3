/**
 * Request statistics of one Graph directory: attempts sent, retries, throttled answers, per endpoint.
 */
import type { DirectoryStats } from "@rotation-exclusion/core/ports";

/** Counts requests; `snapshot()` returns an immutable copy in core's {@link DirectoryStats} shape. */
export interface RequestStats {
  /** One HTTP attempt sent to `route` (a method and path template, like `GET /users`). */
  recordRequest(route: string): void;
  /** One retry scheduled on `route` (a `$batch` re-send of failed items counts once). */
  recordRetry(route: string): void;
  /** One throttled answer (429, or a 503/504 carrying Retry-After) on `route`. */
  recordThrottled(route: string): void;
  snapshot(): DirectoryStats;
}

/** Creates an empty {@link RequestStats}. */
export function createRequestStats(): RequestStats {
  const byEndpoint = new Map<string, { requests: number; retries: number; throttled: number }>();
  const totals = { requests: 0, retries: 0, throttled: 0 };
  const bump = (route: string, key: keyof typeof totals) => {
    let entry = byEndpoint.get(route);
    if (entry === undefined) {
      entry = { requests: 0, retries: 0, throttled: 0 };
      byEndpoint.set(route, entry);
    }
    entry[key] += 1;
    totals[key] += 1;
  };
  return {
    recordRequest: (route) => bump(route, "requests"),
    recordRetry: (route) => bump(route, "retries"),
    recordThrottled: (route) => bump(route, "throttled"),
    snapshot() {
      return {
        ...totals,
        byEndpoint: Object.fromEntries([...byEndpoint].map(([route, entry]) => [route, { ...entry }])),
      };
    },
  };
}
