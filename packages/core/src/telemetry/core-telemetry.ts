/**
 * Core's OpenTelemetry instrumentation: spans and instruments under the scope `@rotation-exclusion/core`,
 * through `@opentelemetry/api` only, so they cost next to nothing when the host registered no SDK. Every
 * call into the API is guarded: telemetry that throws (a broken exporter, meter or context manager) is
 * dropped, never allowed to change a verdict or fail a tenant (docs/decisions/0021-telemetry.md).
 */
import type { Attributes, Context, Counter, Gauge, Histogram, Meter } from "@opentelemetry/api";
import { type SafeSpan, type TelemetryScope, telemetryScope, withSpan } from "../internal/telemetry-scope.js";

export { type SafeSpan, withSpan };

/** The instrumentation scope: the package's name and version (a test keeps the version in step). */
export const CORE_SCOPE = { name: "@rotation-exclusion/core", version: "0.0.0" } as const;

/** Core's instruments; names, units and attributes are listed in the core README's telemetry table. */
export interface CoreInstruments {
  readonly cycleDuration: Histogram;
  readonly tenantRuns: Counter;
  readonly accountOutcomes: Counter;
  readonly accountVerdicts: Counter;
  readonly snapshotRefreshes: Counter;
  readonly snapshotAge: Histogram;
  readonly streakExceeded: Counter;
  readonly streakTenants: Gauge;
  readonly roleImports: Counter;
}

function createInstruments(meter: Meter): CoreInstruments {
  return {
    cycleDuration: meter.createHistogram("rotation_exclusion.cycle.duration", {
      unit: "s",
      description: "Duration of one exclusion cycle over many tenants.",
    }),
    tenantRuns: meter.createCounter("rotation_exclusion.tenant.runs", {
      unit: "{run}",
      description: "Tenant runs, by outcome and by whether the snapshot was complete.",
    }),
    accountOutcomes: meter.createCounter("rotation_exclusion.account.outcomes", {
      unit: "{account}",
      description: "Managed accounts by what a tenant run did with them.",
    }),
    accountVerdicts: meter.createCounter("rotation_exclusion.account.verdicts", {
      unit: "{verdict}",
      description: "Verdicts of managed accounts, by status and reason code.",
    }),
    snapshotRefreshes: meter.createCounter("rotation_exclusion.snapshot.refreshes", {
      unit: "{refresh}",
      description: "Tenant snapshot refreshes, by whether the snapshot was complete and why not.",
    }),
    snapshotAge: meter.createHistogram("rotation_exclusion.snapshot.age", {
      unit: "s",
      description: "At a refresh: age of the unit evidence used, and time since the last complete snapshot.",
    }),
    streakExceeded: meter.createCounter("rotation_exclusion.tenant.incomplete_streak.exceeded", {
      unit: "{run}",
      description:
        "Tenant runs whose snapshot was incomplete for at least the threshold's number of refreshes in a row.",
    }),
    roleImports: meter.createCounter("rotation_exclusion.role_import.runs", {
      unit: "{import}",
      description:
        "Role imports applied, by how many tenant-wide Global Administrators they found protected (0, 1, 2+).",
    }),
    streakTenants: meter.createGauge("rotation_exclusion.cycle.incomplete_streak.tenants", {
      unit: "{tenant}",
      description: "At the end of a cycle: its tenants whose incomplete streak reached the threshold.",
    }),
  };
}

const scope: TelemetryScope<CoreInstruments> = telemetryScope(CORE_SCOPE, createInstruments);

/** Runs a recording; a meter or instrument that throws loses the figure, nothing else. */
export const record = scope.record;

/** Starts an INTERNAL span of core under `parent` (default: the active context). Never throws. */
export const startSpan = (name: string, attributes: Attributes, parent?: Context | undefined): SafeSpan =>
  scope.startSpan(name, attributes, { parent });
