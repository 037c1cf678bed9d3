/**
 * Client CPU of one quiet tenant-cycle with no OpenTelemetry SDK registered (the API's no-ops) against
 * the same cycle with the SDK registered: a tracer provider with an in-memory span exporter, a meter
 * provider whose metrics are collected after every cycle (as a periodic exporter would), and the
 * AsyncLocalStorage context manager a Node host registers. Interleaved in one process, medians.
 */
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { type BenchWorld, runCycle } from "./strategies.js";

export interface TelemetryCpuResult {
  readonly tenants: number;
  readonly rounds: number;
  /** Median client CPU per quiet tenant-cycle without an SDK, ms. */
  readonly withoutSdkCpuMs: number;
  /** Median client CPU per quiet tenant-cycle with the SDK and in-memory exporters, ms. */
  readonly withSdkCpuMs: number;
  /** Spans and metric data points of the last instrumented cycle. */
  readonly spansPerCycle: number;
  readonly metricPointsPerCycle: number;
}

/** A reader the cell collects itself after each cycle. */
class CycleMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function measureTelemetryCpu(world: BenchWorld, rounds: number): Promise<TelemetryCpuResult> {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new CycleMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  const register = () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  };
  const unregister = () => {
    trace.disable();
    metrics.disable();
    context.disable();
  };
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.reduce(
      (sum, scope) => sum + scope.metrics.reduce((n, metric) => n + metric.dataPoints.length, 0),
      0,
    );
  };

  await runCycle(world, "a"); // cold: reads the unit evidence once
  await runCycle(world, "a"); // warm-up without an SDK
  register();
  await runCycle(world, "a"); // warm-up with one
  await collect();
  unregister();
  spans.reset();

  const without: number[] = [];
  const withSdk: number[] = [];
  let spansPerCycle = 0;
  let metricPointsPerCycle = 0;
  for (let round = 0; round < rounds; round += 1) {
    let from = process.cpuUsage();
    await runCycle(world, "a");
    without.push(cpuMs(from) / world.tenants);

    register();
    from = process.cpuUsage();
    await runCycle(world, "a");
    metricPointsPerCycle = await collect();
    withSdk.push(cpuMs(from) / world.tenants);
    unregister();
    spansPerCycle = spans.getFinishedSpans().length;
    spans.reset();
  }
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  return {
    tenants: world.tenants,
    rounds,
    withoutSdkCpuMs: median(without),
    withSdkCpuMs: median(withSdk),
    spansPerCycle,
    metricPointsPerCycle,
  };
}
