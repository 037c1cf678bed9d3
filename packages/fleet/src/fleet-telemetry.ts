/**
 * The fleet worker's OpenTelemetry instrumentation, under the scope `@rotation-exclusion/fleet`: one
 * CONSUMER span per tenant job it processes (the messaging conventions' "process" span), with core's
 * cycle and tenant-run spans and the adapter's Graph spans inside it, and a count of jobs by result.
 * Through `@opentelemetry/api` only, guarded so that telemetry never fails a job
 * (docs/decisions/0021-telemetry.md).
 */
import type { Counter, Histogram, Meter } from "@opentelemetry/api";
import { SpanKind } from "@opentelemetry/api";
import { type SafeSpan, telemetryScope, withSpan } from "@rotation-exclusion/core/internal";

/** The instrumentation scope: the package's name and version (a test keeps the version in step). */
export const FLEET_SCOPE = { name: "@rotation-exclusion/fleet", version: "0.0.0" } as const;

/** How a job ended for this worker: the tenant's status, or what happened to the job instead. */
export type FleetJobResult = "done" | "partial" | "failed" | "deferred" | "requeued" | "lock_lost" | "error";

interface FleetInstruments {
  readonly jobs: Counter;
  readonly jobDuration: Histogram;
}

const scope = telemetryScope<FleetInstruments>(FLEET_SCOPE, (meter: Meter) => ({
  jobs: meter.createCounter("rotation_exclusion.fleet.jobs", {
    unit: "{job}",
    description: "Tenant jobs a worker processed, by result.",
  }),
  jobDuration: meter.createHistogram("rotation_exclusion.fleet.job.duration", {
    unit: "s",
    description: "Time a worker spent on one tenant job.",
  }),
}));

/** One job's span and figures. */
export interface JobTelemetry {
  /** Runs the job's work with its span active. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Ends the job's span and counts it. */
  end(result: FleetJobResult, attributes?: Readonly<Record<string, string | number>>): void;
}

/** Starts the span of one tenant job taken from `queueName`. */
export function startJob(queueName: string, tenantId: string, worker: string, attempt: number): JobTelemetry {
  const span: SafeSpan = scope.startSpan(
    `process ${queueName}`,
    {
      "messaging.system": "bullmq",
      "messaging.operation.type": "process",
      "messaging.destination.name": queueName,
      "rotation_exclusion.tenant.id": tenantId,
      "rotation_exclusion.fleet.worker": worker,
      "rotation_exclusion.fleet.job.attempt": attempt,
    },
    { kind: SpanKind.CONSUMER },
  );
  const startedAt = performance.now();
  return {
    run: (work) => withSpan(span, work),
    end(result, attributes = {}) {
      span.set({ "rotation_exclusion.fleet.job.result": result, ...attributes });
      if (result === "error" || result === "lock_lost") span.fail(result);
      span.end();
      const seconds = (performance.now() - startedAt) / 1_000;
      scope.record((instruments) => {
        instruments.jobs.add(1, { "rotation_exclusion.fleet.job.result": result });
        instruments.jobDuration.record(seconds, { "rotation_exclusion.fleet.job.result": result });
      });
    },
  };
}
