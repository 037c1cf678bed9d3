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

/** Routes are a fixed list and servers one per cloud: the bound only guards against a caller's surprise. */
const MAX_ROUTES = 1_000;

/** Graph roots seen (one per cloud, or a test's server): parsing one costs a tenant-cycle a `new URL`. */
const servers = new Map<string, GraphServer>();

/** The server of a request URL. */
export function graphServerOf(url: string): GraphServer {
  // The root is the URL up to the API version's path: `https://graph.microsoft.com/v1.0`.
  const hostStart = url.indexOf("//") + 2;
  const pathStart = url.indexOf("/", hostStart);
  const versionEnd = pathStart < 0 ? -1 : url.indexOf("/", pathStart + 1);
  if (hostStart < 2 || versionEnd < 0) return parseServer(url);
  const root = url.slice(0, versionEnd);
  let found = servers.get(root);
  if (found === undefined) {
    found = parseServer(url);
    if (servers.size >= MAX_ROUTES) servers.clear();
    servers.set(root, found);
  }
  return found;
}

function parseServer(url: string): GraphServer {
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

/**
 * What every attempt of one route to one server shares: its span name and its metrics' attribute sets,
 * built once instead of on every attempt (a quiet tenant-cycle sends one GET; rebuilding them was part
 * of its telemetry CPU, BENCHMARKS.md "OpenTelemetry"). Metric attribute objects are handed to the SDK
 * read-only, so one object serves every measurement.
 */
interface RouteTelemetry {
  readonly method: string;
  readonly template: string;
  readonly spanName: string;
  readonly server: GraphServer;
  /** `http.client.request.duration`'s attributes by status and error type. */
  readonly durationAttributes: Map<string, Attributes>;
  /** `rotation_exclusion.graph.requests`' attributes by status class. */
  readonly requestAttributes: Map<string, Attributes>;
}

const routes = new Map<string, RouteTelemetry>();

function routeTelemetry(route: string, server: GraphServer): RouteTelemetry {
  const key = `${server.address}\u0000${server.port}\u0000${server.versionPath}\u0000${route}`;
  let found = routes.get(key);
  if (found === undefined) {
    const { method, path } = splitRoute(route);
    const template = `${server.versionPath}${path}`;
    found = {
      method,
      template,
      spanName: `${method} ${template}`,
      server,
      durationAttributes: new Map(),
      requestAttributes: new Map(),
    };
    if (routes.size >= MAX_ROUTES) routes.clear();
    routes.set(key, found);
  }
  return found;
}

function durationAttributesOf(
  route: RouteTelemetry,
  status: number | undefined,
  failure: string | undefined,
): Attributes {
  const key = `${status}\u0000${failure}`;
  let found = route.durationAttributes.get(key);
  if (found === undefined) {
    found = {
      "http.request.method": route.method,
      "server.address": route.server.address,
      "server.port": route.server.port,
      "url.template": route.template,
    };
    if (status !== undefined) found["http.response.status_code"] = status;
    if (failure !== undefined) found["error.type"] = failure;
    route.durationAttributes.set(key, found);
  }
  return found;
}

function requestAttributesOf(route: RouteTelemetry, status: number | undefined): Attributes {
  const statusClassName = statusClass(status);
  let found = route.requestAttributes.get(statusClassName);
  if (found === undefined) {
    found = {
      "http.request.method": route.method,
      "rotation_exclusion.graph.status_class": statusClassName,
    };
    route.requestAttributes.set(statusClassName, found);
  }
  return found;
}

/** How an HTTP attempt ended: `status` when Graph answered, `errorType` when it failed. */
interface AttemptOutcome {
  readonly status?: number | undefined;
  readonly errorType?: string | undefined;
}

/** One HTTP attempt's span and figures. */
export interface AttemptTelemetry {
  /** Ends the attempt: `status` when Graph answered, `errorType` when it failed. */
  end(outcome: AttemptOutcome): void;
}

class Attempt implements AttemptTelemetry {
  private readonly startedAt = performance.now();

  constructor(
    private readonly route: RouteTelemetry,
    private readonly span: SafeSpan,
  ) {}

  end({ status, errorType }: AttemptOutcome) {
    const seconds = (performance.now() - this.startedAt) / 1_000;
    // error.type: the status for a 4xx/5xx answer (http-spans.md), else the adapter's failure code.
    const failure = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined);
    const { span, route } = this;
    if (status !== undefined && span.recording) span.set({ "http.response.status_code": status });
    if (failure !== undefined) span.fail(failure);
    span.end();
    scope.record((instruments) => {
      instruments.duration.record(seconds, durationAttributesOf(route, status, failure));
      instruments.requests.add(1, requestAttributesOf(route, status));
    });
  }
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
  let telemetry: RouteTelemetry;
  try {
    telemetry = routeTelemetry(route, server);
  } catch {
    // Telemetry never fails the request it describes.
    return NO_ATTEMPT;
  }
  const attributes: Attributes = {
    "http.request.method": telemetry.method,
    "server.address": server.address,
    "server.port": server.port,
    "url.template": telemetry.template,
    "rotation_exclusion.tenant.id": tenantId,
  };
  if (attempt > 1) attributes["http.request.resend_count"] = attempt - 1;
  return new Attempt(telemetry, scope.startSpan(telemetry.spanName, attributes, CLIENT));
}

const NO_ATTEMPT: AttemptTelemetry = { end() {} };
const CLIENT = { kind: SpanKind.CLIENT } as const;

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
