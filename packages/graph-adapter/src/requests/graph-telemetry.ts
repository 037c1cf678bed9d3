/**
 * The Graph adapter's OpenTelemetry instrumentation, under the scope `@rotation-exclusion/graph-adapter`:
 * one CLIENT span per HTTP attempt, following the HTTP client semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/http/http-spans/), and the request, retry, throttling and
 * waiting metrics. A span or metric never carries a token, a query value or a UPN: `url.full` is left
 * out (Graph paths can hold a UPN, decision 0011) and the low-cardinality `url.template` stands in for it
 * (docs/decisions/0021-telemetry.md).
 */
import type { Attributes, Counter, Histogram, Meter } from "@opentelemetry/api";
import { SpanKind } from "@opentelemetry/api";
import { type SafeSpan, telemetryScope } from "@rotation-exclusion/core/internal";

/** The instrumentation scope: the package's name and version (a test keeps the version in step). */
export const GRAPH_ADAPTER_SCOPE = { name: "@rotation-exclusion/graph-adapter", version: "0.0.0" } as const;

/** Why a request waited before it was sent. */
export type GraphWaitCause = "retry_after" | "backoff" | "throttle_budget";

interface GraphInstruments {
  readonly duration: Histogram;
  readonly requests: Counter;
  readonly retries: Counter;
  readonly throttled: Counter;
  readonly waitTime: Counter;
}

const scope = telemetryScope<GraphInstruments>(GRAPH_ADAPTER_SCOPE, (meter: Meter) => ({
  // The semantic conventions' own metric, with its attributes (http-metrics.md).
  duration: meter.createHistogram("http.client.request.duration", {
    unit: "s",
    description: "Duration of HTTP client requests.",
    advice: {
      explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    },
  }),
  requests: meter.createCounter("rotation_exclusion.graph.requests", {
    unit: "{request}",
    description:
      "HTTP attempts sent to Microsoft Graph, by status class (2xx, 4xx, 5xx, or none without an answer).",
  }),
  retries: meter.createCounter("rotation_exclusion.graph.retries", {
    unit: "{retry}",
    description: "Retries of Graph requests scheduled by the retry policy.",
  }),
  throttled: meter.createCounter("rotation_exclusion.graph.throttled", {
    unit: "{response}",
    description: "Throttled Graph answers: 429, or 503/504 with Retry-After.",
  }),
  waitTime: meter.createCounter("rotation_exclusion.graph.wait.time", {
    unit: "s",
    description:
      "Time Graph requests waited before being sent: for Retry-After, a backoff, or the throttle budget.",
  }),
}));

/** Where requests go, from the directory's Graph root: constant for a runner, so parsed once. */
export interface GraphServer {
  readonly address: string;
  readonly port: number;
  /** The API version's path (`/v1.0`), which `url.template` starts with. */
  readonly versionPath: string;
}

/** The server of a request URL. */
export function graphServerOf(url: string): GraphServer {
  const parsed = new URL(url);
  const port = parsed.port === "" ? (parsed.protocol === "http:" ? 80 : 443) : Number(parsed.port);
  const versionPath = /^\/[^/]+/.exec(parsed.pathname)?.[0] ?? "";
  return { address: parsed.hostname, port, versionPath };
}

/** The method and path template of a route (`GET /users/{id}`). */
function splitRoute(route: string): { method: string; path: string } {
  const space = route.indexOf(" ");
  return space < 0
    ? { method: "_OTHER", path: route }
    : { method: route.slice(0, space), path: route.slice(space + 1) };
}

const statusClass = (status: number | undefined) =>
  status === undefined ? "none" : `${Math.floor(status / 100)}xx`;

/** One HTTP attempt's span and figures. */
export interface AttemptTelemetry {
  /** Ends the attempt: `status` when Graph answered, `errorType` when it failed. */
  end(outcome: { readonly status?: number | undefined; readonly errorType?: string | undefined }): void;
}

/**
 * Starts the CLIENT span of one HTTP attempt, named `{method} {url.template}`. `attempt` is 1-based; a
 * resend carries `http.request.resend_count` (http-spans.md, "HTTP request retries and redirects").
 */
export function startAttempt(
  route: string,
  server: GraphServer,
  attempt: number,
  tenantId: string,
): AttemptTelemetry {
  const { method, path } = splitRoute(route);
  const template = `${server.versionPath}${path}`;
  const common: Attributes = {
    "http.request.method": method,
    "server.address": server.address,
    "server.port": server.port,
    "url.template": template,
  };
  const span: SafeSpan = scope.startSpan(
    `${method} ${template}`,
    {
      ...common,
      ...(attempt > 1 ? { "http.request.resend_count": attempt - 1 } : {}),
      "rotation_exclusion.tenant.id": tenantId,
    },
    { kind: SpanKind.CLIENT },
  );
  const startedAt = performance.now();
  return {
    end({ status, errorType }) {
      const seconds = (performance.now() - startedAt) / 1_000;
      // error.type: the status for a 4xx/5xx answer (http-spans.md), else the adapter's failure code.
      const failure = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined);
      const attributes: Attributes = { ...common };
      if (status !== undefined) attributes["http.response.status_code"] = status;
      if (failure !== undefined) attributes["error.type"] = failure;
      if (status !== undefined) span.set({ "http.response.status_code": status });
      if (failure !== undefined) span.fail(failure);
      span.end();
      scope.record((instruments) => {
        instruments.duration.record(seconds, attributes);
        instruments.requests.add(1, {
          "http.request.method": method,
          "rotation_exclusion.graph.status_class": statusClass(status),
        });
      });
    },
  };
}

/** A retry the policy scheduled after a failed attempt (`status` when Graph answered). */
export function recordRetry(route: string, status: number | undefined): void {
  scope.record((instruments) => {
    instruments.retries.add(1, {
      "http.request.method": splitRoute(route).method,
      "rotation_exclusion.graph.status_class": statusClass(status),
    });
  });
}

/** A throttled answer, with the limit Graph said was hit. */
export function recordThrottled(status: number, throttleScope: "tenant" | "application"): void {
  scope.record((instruments) => {
    instruments.throttled.add(1, {
      "http.response.status_code": status,
      "rotation_exclusion.graph.throttle_scope": throttleScope,
    });
  });
}

/** Time a request waited before it was sent. */
export function recordWait(cause: GraphWaitCause, ms: number): void {
  if (!(ms > 0)) return;
  scope.record((instruments) => {
    instruments.waitTime.add(ms / 1_000, { "rotation_exclusion.graph.wait.cause": cause });
  });
}
