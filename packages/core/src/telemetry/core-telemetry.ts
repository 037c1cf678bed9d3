/**
 * Core's OpenTelemetry instrumentation: spans and instruments under the scope `@rotation-exclusion/core`,
 * through `@opentelemetry/api` only, so they cost next to nothing when the host registered no SDK. Every
 * call into the API is guarded: telemetry that throws (a broken exporter, meter or context manager) is
 * dropped, never allowed to change a verdict or fail a tenant (docs/decisions/0021-telemetry.md).
 */
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Gauge,
  type Histogram,
  metrics,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

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
}

// Instruments are made once per registered meter provider: a host (or a test) that registers another
// provider gets instruments of that one, and a cycle does not pay for creating them again.
const byProvider = new WeakMap<object, CoreInstruments>();

function createInstruments(): CoreInstruments {
  const meter = metrics.getMeter(CORE_SCOPE.name, CORE_SCOPE.version);
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
    streakTenants: meter.createGauge("rotation_exclusion.cycle.incomplete_streak.tenants", {
      unit: "{tenant}",
      description: "At the end of a cycle: its tenants whose incomplete streak reached the threshold.",
    }),
  };
}

/** Core's instruments from the registered meter provider, or `undefined` when the provider throws. */
export function coreInstruments(): CoreInstruments | undefined {
  try {
    const provider = metrics.getMeterProvider();
    let found = byProvider.get(provider);
    if (found === undefined) {
      found = createInstruments();
      byProvider.set(provider, found);
    }
    return found;
  } catch {
    return undefined;
  }
}

/** Runs a recording; a meter or instrument that throws loses the figure, nothing else. */
export function record(recording: (instruments: CoreInstruments) => void): void {
  const instruments = coreInstruments();
  if (instruments === undefined) return;
  try {
    recording(instruments);
  } catch {
    // Telemetry never fails the work it describes.
  }
}

/** A span whose every method is safe to call, even when the tracer failed to start it. */
export interface SafeSpan {
  /** False when no SDK records it: skip building attributes. */
  readonly recording: boolean;
  /** The context with this span active, to start children in and to run the work under. */
  readonly context: Context | undefined;
  set(attributes: Attributes): void;
  /** Marks the span failed with `error.type` (a code or an error's name, never a message with data). */
  fail(errorType: string): void;
  end(): void;
}

const tracers = new WeakMap<object, Tracer>();

function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  let found = tracers.get(provider);
  if (found === undefined) {
    found = provider.getTracer(CORE_SCOPE.name, CORE_SCOPE.version);
    tracers.set(provider, found);
  }
  return found;
}

const guarded = (action: () => void) => {
  try {
    action();
  } catch {
    // Telemetry never fails the work it describes.
  }
};

/** Starts an INTERNAL span of core under `parent` (default: the active context). Never throws. */
export function startSpan(name: string, attributes: Attributes, parent?: Context | undefined): SafeSpan {
  let span: Span | undefined;
  let parentContext: Context | undefined;
  try {
    parentContext = parent ?? context.active();
    span = tracer().startSpan(name, { attributes }, parentContext);
  } catch {
    span = undefined;
  }
  let spanContext: Context | undefined;
  try {
    if (span !== undefined && parentContext !== undefined) spanContext = trace.setSpan(parentContext, span);
  } catch {
    spanContext = undefined;
  }
  const started = span;
  let recording = false;
  guarded(() => {
    recording = started?.isRecording() ?? false;
  });
  return {
    recording,
    context: spanContext ?? parentContext,
    set: (more) => guarded(() => started?.setAttributes(more)),
    fail: (errorType) =>
      guarded(() => {
        started?.setAttribute("error.type", errorType);
        started?.setStatus({ code: SpanStatusCode.ERROR });
      }),
    end: () => guarded(() => started?.end()),
  };
}

/**
 * Runs `work` with `span` active, so that spans started inside (the Graph adapter's requests) are its
 * children when the host registered a context manager. A context manager that throws runs `work` plain.
 */
export function withSpan<T>(span: SafeSpan, work: () => T): T {
  if (span.context === undefined) return work();
  let entered = false;
  try {
    return context.with(span.context, () => {
      entered = true;
      return work();
    });
  } catch (error) {
    if (entered) throw error;
    return work();
  }
}
