// @ts-check
/**
 * What a host adds to see the fleet's OpenTelemetry figures: the SDK registered at start-up, here with a
 * compact console exporter (a real host sends them to its collector with an OTLP or Prometheus exporter
 * instead). Metrics are printed at every export (every 60 s, and once at shutdown); spans are counted by
 * name and status, with the slowest tenant run's trace printed as a tree at shutdown.
 */
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

/** @param {string} name the worker's name, on every printed line */
export function startConsoleTelemetry(name) {
  const say = (/** @type {string} */ text) => process.stdout.write(`${name} telemetry: ${text}\n`);
  /** @type {Map<string, number>} */
  const spanCounts = new Map();
  /** @type {import("@opentelemetry/sdk-trace-base").ReadableSpan[]} */
  const kept = [];
  /** @type {import("@opentelemetry/sdk-trace-base").ReadableSpan | undefined} */
  let slowestRun;
  const ms = (/** @type {[number, number]} */ [s, ns]) => s * 1_000 + ns / 1e6;
  /** @type {import("@opentelemetry/sdk-trace-base").SpanExporter} */
  const spanExporter = {
    export(spans, done) {
      for (const span of spans) {
        const key = `${span.name}${span.status.code === 2 ? " (error)" : ""}`;
        spanCounts.set(key, (spanCounts.get(key) ?? 0) + 1);
        kept.push(span);
        if (
          span.name === "rotation_exclusion.tenant_run" &&
          ms(span.duration) > ms(slowestRun?.duration ?? [0, 0])
        )
          slowestRun = span;
      }
      // Keep a bounded window: enough to find the slowest run's children.
      if (kept.length > 20_000) kept.splice(0, kept.length - 10_000);
      done({ code: 0 });
    },
    async shutdown() {
      say(`spans ${JSON.stringify(Object.fromEntries(spanCounts))}`);
      if (slowestRun === undefined) return;
      const traceId = slowestRun.spanContext().traceId;
      const inTrace = kept.filter((span) => span.spanContext().traceId === traceId);
      const print = (/** @type {typeof slowestRun} */ span, /** @type {string} */ indent) => {
        if (span === undefined) return;
        const attributes = Object.entries(span.attributes)
          .filter(([key]) => !key.startsWith("rotation_exclusion.accounts."))
          .map(([key, value]) => `${key}=${value}`)
          .join(" ");
        say(`${indent}${span.name} ${ms(span.duration).toFixed(1)} ms ${attributes}`);
        for (const child of inTrace.filter((c) => c.parentSpanContext?.spanId === span.spanContext().spanId))
          print(child, `${indent}  `);
      };
      say("the slowest tenant run's trace:");
      const root = inTrace.find((span) => span.parentSpanContext === undefined);
      print(root ?? slowestRun, "  ");
    },
  };
  /** @type {import("@opentelemetry/sdk-metrics").PushMetricExporter} */
  const metricExporter = {
    export(resourceMetrics, done) {
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints) {
            const value = /** @type {number | {count: number, sum?: number}} */ (point.value);
            const shown =
              typeof value === "number"
                ? String(Math.round(value * 1_000) / 1_000)
                : `count=${value.count} sum=${(value.sum ?? 0).toFixed(3)}`;
            const attributes = Object.entries(point.attributes)
              .map(([key, v]) => `${key.replace(/^rotation_exclusion\./, "")}=${v}`)
              .join(",");
            say(`${metric.descriptor.name}{${attributes}} ${shown} ${metric.descriptor.unit}`);
          }
        }
      }
      done({ code: 0 });
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    /** Exports the last figures and prints the summary. */
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}
