/**
 * One package's OpenTelemetry scope (its name and version), through `@opentelemetry/api` only: its
 * instruments, made once per registered meter provider, and spans whose every method is safe to call.
 * Every call into the API is guarded: telemetry that throws (a broken exporter, meter or context
 * manager) is dropped, never allowed to change a verdict or fail a tenant (docs/decisions/0021-telemetry.md).
 */
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Meter,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

/** A span whose every method is safe to call, even when the tracer failed to start it. */
export interface SafeSpan {
  /** False when no SDK records it: skip building attributes. */
  readonly recording: boolean;
  /** The context with this span active, to start children in and to run the work under. */
  readonly context: Context | undefined;
  set(attributes: Attributes): void;
  /** Marks the span failed with `error.type` (a code, a status or an error's name; never a message). */
  fail(errorType: string): void;
  end(): void;
}

/** A package's telemetry: its instruments `I`, and its spans. */
export interface TelemetryScope<I> {
  /** Runs a recording with the instruments; a meter or instrument that throws loses the figure only. */
  record(recording: (instruments: I) => void): void;
  /** Starts a span under `parent` (default: the active context). Never throws. */
  startSpan(
    name: string,
    attributes: Attributes,
    options?: { readonly parent?: Context | undefined; readonly kind?: SpanKind },
  ): SafeSpan;
}

/**
 * A span started by a scope. A class, not a literal of closures: a quiet tenant-cycle starts three spans,
 * and the closures (three per span, one more per guarded call) were a measurable part of its telemetry
 * CPU (BENCHMARKS.md, "OpenTelemetry"). Every method swallows what the span throws.
 */
class GuardedSpan implements SafeSpan {
  constructor(
    private readonly span: Span | undefined,
    readonly recording: boolean,
    readonly context: Context | undefined,
  ) {}

  set(attributes: Attributes): void {
    try {
      this.span?.setAttributes(attributes);
    } catch {
      // Telemetry never fails the work it describes.
    }
  }

  fail(errorType: string): void {
    try {
      this.span?.setAttribute("error.type", errorType);
      this.span?.setStatus(ERROR_STATUS);
    } catch {
      // Telemetry never fails the work it describes.
    }
  }

  end(): void {
    try {
      this.span?.end();
    } catch {
      // Telemetry never fails the work it describes.
    }
  }
}

const ERROR_STATUS = { code: SpanStatusCode.ERROR } as const;
const NO_OPTIONS: { readonly parent?: Context | undefined; readonly kind?: SpanKind } = {};

/** Creates a package's telemetry scope; `createInstruments` is called once per meter provider. */
export function telemetryScope<I>(
  scope: { readonly name: string; readonly version: string },
  createInstruments: (meter: Meter) => I,
): TelemetryScope<I> {
  // Keyed by provider: a host (or a test) that registers another provider gets instruments of that one.
  const instrumentsByProvider = new WeakMap<object, I>();
  const tracers = new WeakMap<object, Tracer>();

  const instruments = (): I => {
    const provider = metrics.getMeterProvider();
    let found = instrumentsByProvider.get(provider);
    if (found === undefined) {
      found = createInstruments(provider.getMeter(scope.name, scope.version));
      instrumentsByProvider.set(provider, found);
    }
    return found;
  };
  const tracer = (): Tracer => {
    const provider = trace.getTracerProvider();
    let found = tracers.get(provider);
    if (found === undefined) {
      found = provider.getTracer(scope.name, scope.version);
      tracers.set(provider, found);
    }
    return found;
  };

  return {
    record(recording) {
      try {
        recording(instruments());
      } catch {
        // Telemetry never fails the work it describes.
      }
    },
    startSpan(name, attributes, options = NO_OPTIONS) {
      let span: Span | undefined;
      let parentContext: Context | undefined;
      let spanContext: Context | undefined;
      let recording = false;
      try {
        parentContext = options.parent ?? context.active();
        span = tracer().startSpan(
          name,
          { attributes, kind: options.kind ?? SpanKind.INTERNAL },
          parentContext,
        );
        recording = span.isRecording();
        // The no-op tracer's span (no SDK, no parent) has an invalid context: putting it in a context
        // would give children nothing, so its children start in the parent's context, and withSpan
        // skips entering one. A sampled-out span of an SDK has a valid context: its children must see
        // it (a parent-based sampler drops them with it), so it is set like a recording one.
        if (recording || isSpanContextValid(span.spanContext()))
          spanContext = trace.setSpan(parentContext, span);
      } catch {
        // Telemetry never fails the work it describes.
      }
      return new GuardedSpan(span, recording, spanContext ?? parentContext);
    },
  };
}

/**
 * Runs `work` with `span` active, so that spans started inside (the Graph adapter's requests) are its
 * children when the host registered a context manager. A context manager that throws runs `work` plain.
 */
export function withSpan<T>(span: SafeSpan, work: () => T): T {
  // A span that started no context of its own (the no-op tracer's) under the active one: nothing to enter.
  if (span.context === undefined) return work();
  let active: Context | undefined;
  try {
    active = context.active();
  } catch {
    // A context manager that throws: the work runs plain, as below.
  }
  if (active === undefined || active === span.context) return work();
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
