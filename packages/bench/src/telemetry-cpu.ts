/**
 * Client CPU of one quiet tenant-cycle with no OpenTelemetry SDK registered (the API's no-ops) against
 * the same cycle with the SDK registered: a tracer provider batching spans to an in-memory exporter (as a
 * production host batches to OTLP), a meter provider whose metrics are collected after every cycle (as a
 * periodic exporter would), first without and then with the AsyncLocalStorage context manager a Node
 * host registers for nested spans. Interleaved in one process, medians.
 */
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { type BenchWorld, runCycle } from "./strategies.js";

export interface TelemetryCpuResult {
  readonly tenants: number;
  readonly rounds: number;
  /** Median client CPU per quiet tenant-cycle without an SDK, ms. */
  readonly withoutSdkCpuMs: number;
  /** Median client CPU per quiet tenant-cycle with the SDK and in-memory exporters, no context manager, ms. */
  readonly withSdkCpuMs: number;
  /** The same with the AsyncLocalStorage context manager registered too, ms. */
  readonly withSdkAndContextCpuMs: number;
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
  const processor = new BatchSpanProcessor(spans, { maxQueueSize: 100_000, maxExportBatchSize: 5_000 });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const reader = new CycleMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  const register = (withContext: boolean) => {
    if (withContext) context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  };
  const unregister = () => {
    trace.disable();
    metrics.disable();
    context.disable();
    contextManager.disable();
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
  register(true);
  await runCycle(world, "a"); // warm-up with one
  await collect();
  await processor.forceFlush();
  unregister();
  spans.reset();

  const without: number[] = [];
  const withSdk: number[] = [];
  const withContext: number[] = [];
  let spansPerCycle = 0;
  let metricPointsPerCycle = 0;
  for (let round = 0; round < rounds; round += 1) {
    let from = process.cpuUsage();
    await runCycle(world, "a");
    without.push(cpuMs(from) / world.tenants);

    for (const [contextManagerToo, samples] of [
      [false, withSdk],
      [true, withContext],
    ] as const) {
      register(contextManagerToo);
      from = process.cpuUsage();
      await runCycle(world, "a");
      metricPointsPerCycle = await collect();
      // The batch's export is part of the SDK's cost: flushed inside the measured window.
      await processor.forceFlush();
      samples.push(cpuMs(from) / world.tenants);
      unregister();
      spansPerCycle = spans.getFinishedSpans().length;
      spans.reset();
    }
  }
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  return {
    tenants: world.tenants,
    rounds,
    withoutSdkCpuMs: median(without),
    withSdkCpuMs: median(withSdk),
    withSdkAndContextCpuMs: median(withContext),
    spansPerCycle,
    metricPointsPerCycle,
  };
}
