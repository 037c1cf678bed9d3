/** Merges validated documents and live reads into one {@link PostureReport}. */
import type { PostureReport } from "./posture-report.js";
import type { ReportSource } from "./report-input.js";

/** A tenant as a tenant list names it. */
export interface TenantListEntry {
  readonly tenantId: string;
  readonly displayName: string | null;
  readonly cloud: string | null;
}

/** Options of {@link buildPostureReport}. */
export interface BuildPostureReportOptions {
  /** The version written as `generator.version`. */
  readonly generatorVersion: string;
  /** Default `@rotation-exclusion/report`. */
  readonly generatorName?: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  /** A tenant read longer ago is flagged stale. Default 24. */
  readonly staleAfterHours?: number;
  /** Names, clouds and order of tenants (a tenant list file); tenants not in it follow, by name then id. */
  readonly tenants?: readonly TenantListEntry[];
  /** Tenants whose live read failed outright: listed as incomplete with the (redacted) error. */
  readonly failedTenants?: readonly { readonly tenantId: string; readonly error: string }[];
}

/**
 * Builds the report.
 *
 * @example
 * const report = buildPostureReport([parseReportInput("a.json", bytes)], { generatorVersion: "1.2.0" });
 */
export function buildPostureReport(
  sources: readonly ReportSource[],
  options: BuildPostureReportOptions,
): PostureReport {
  void sources;
  void options;
  throw new Error("not implemented yet");
}
