/**
 * Registers the OpenTelemetry SDK with in-memory exporters for one test, the way a host registers its
 * own SDK, and undoes it on dispose: `await using telemetry = captureTelemetry();`.
 */
import { type Attributes, context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type DataPoint, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** A metric reader that only answers `collect()`. */
class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One metric data point, flattened. */
export interface CapturedPoint {
  readonly scope: string;
  readonly name: string;
  readonly unit: string;
  readonly attributes: Attributes;
  /** A sum's or gauge's value, or a histogram's `{ count, sum }`. */
  readonly value: number | { readonly count: number; readonly sum: number };
}

export interface TelemetryCapture extends AsyncDisposable {
  spans(): readonly ReadableSpan[];
  /** Every data point collected so far (cumulative). */
  points(name?: string): Promise<CapturedPoint[]>;
}

export function captureTelemetry(): TelemetryCapture {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => exporter.getFinishedSpans(),
    async points(name) {
      const { resourceMetrics } = await reader.collect();
      const found: CapturedPoint[] = [];
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          if (name !== undefined && metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints as DataPoint<unknown>[]) {
            const raw = point.value as number | { count: number; sum?: number };
            found.push({
              scope: scopeMetrics.scope.name,
              name: metric.descriptor.name,
              unit: metric.descriptor.unit,
              attributes: point.attributes,
              value: typeof raw === "number" ? raw : { count: raw.count, sum: raw.sum ?? 0 },
            });
          }
        }
      }
      return found;
    },
    async [Symbol.asyncDispose]() {
      trace.disable();
      metrics.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The sum of the values of `name`'s points whose attributes include `match`. */
export function total(points: readonly CapturedPoint[], name: string, match: Attributes = {}): number {
  let sum = 0;
  for (const point of points) {
    if (point.name !== name) continue;
    if (!Object.entries(match).every(([key, value]) => point.attributes[key] === value)) continue;
    sum += typeof point.value === "number" ? point.value : point.value.count;
  }
  return sum;
}

/** Every attribute value of every span and metric point, as strings, to search for secrets. */
export function everyAttributeValue(
  spans: readonly ReadableSpan[],
  points: readonly CapturedPoint[],
): string[] {
  const values: string[] = [];
  const add = (attributes: Attributes) => {
    for (const [key, value] of Object.entries(attributes)) values.push(`${key}=${String(value)}`);
  };
  for (const span of spans) {
    values.push(span.name);
    add(span.attributes);
    for (const event of span.events) add(event.attributes ?? {});
    if (span.status.message !== undefined) values.push(span.status.message);
  }
  for (const point of points) add(point.attributes);
  return values;
}
