/**
 * The one retry layer: runs a logical Graph request (first attempt plus retries) through p-retry with
 * {@link planRetry}'s decisions, a wall-clock deadline, the caller's AbortSignal, request statistics and
 * one log line per attempt.
 */
import { randomUUID } from "node:crypto";
import { abortableSleep, requestCost } from "@rotation-exclusion/core/internal";
import type { Logger } from "@rotation-exclusion/core/ports";
import pRetry from "p-retry";
import {
  createGraphDirectoryError,
  type GraphDirectoryError,
  isGraphDirectoryError,
} from "../errors/graph-directory-error.js";
import { errorFromResponse, type FailureContext, nextStepFor } from "../errors/graph-response-error.js";
import type { ResponseHeaders } from "../transport/graph-http.js";
import type { GraphHttpRequest, GraphTransport } from "../transport/graph-transport.js";
import {
  type AttemptTelemetry,
  type GraphServer,
  graphServerOf,
  recordRetry,
  recordThrottled,
  recordWait,
  startAttempt,
} from "./graph-telemetry.js";
import type { RequestStats } from "./request-stats.js";
import { parseRetryAfterMs, planRetry, type RetryPolicy } from "./retry-policy.js";
import { type TenantThrottleBudget, throttleScopeOf } from "./throttle-budget.js";

/** A 2xx answer with its JSON body parsed. */
export interface GraphResult {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly json: unknown;
}

/** One logical request. */
export interface GraphCall<T> {
  /** Method and path template for logs and statistics, without ids or query values (`GET /users/{id}`). */
  readonly route: string;
  /** What this request does, for messages ("Listing restricted units"). */
  readonly what: string;
  /** True for reads (GET, `$batch` of GETs): network errors may be retried. */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Builds the attempt's request; called once per attempt (a `$batch` sends only what is still pending). */
  readonly request: () => Omit<GraphHttpRequest, "signal">;
  /**
   * Non-2xx statuses whose body `accept` reads like a 2xx one. `$batch` declares `[424]`: Graph may fail
   * the batch itself with 424 when an item is throttled, and the items still say which (decision 0007 §2).
   */
  readonly acceptStatuses?: readonly number[] | undefined;
  /** Interprets a 2xx answer; may throw a GraphDirectoryError with a retryable status to ask for a retry. */
  readonly accept: (result: GraphResult) => T;
}

/** Options of {@link createRequestRunner}. */
export interface RequestRunnerOptions {
  readonly transport: GraphTransport;
  readonly policy: RetryPolicy;
  readonly stats: RequestStats;
  readonly logger: Logger;
  readonly tenantId: string;
  /** Source of jitter in [0, 1). */
  readonly random?: () => number;
  /** Client-side throttle budget: every attempt waits for its cost before it is sent. */
  readonly budget?: TenantThrottleBudget | undefined;
}

/** Runs logical requests with the retry policy. */
export interface RequestRunner {
  /**
   * Resolves with `accept`'s value, or rejects with a GraphDirectoryError once the policy gives up.
   * Rejects with the signal's reason as soon as the caller's signal aborts.
   */
  run<T>(call: GraphCall<T>): Promise<T>;
}

/** Creates the runner. */
export function createRequestRunner(options: RequestRunnerOptions): RequestRunner {
  const { transport, policy, stats, tenantId, budget } = options;
  const random = options.random ?? Math.random;
  const log = options.logger;
  // Every request of a directory goes to its one Graph root: parsed for telemetry on the first attempt.
  let server: GraphServer | undefined;

  async function attempt<T>(
    call: GraphCall<T>,
    attemptNumber: number,
    signal: AbortSignal,
    deadlineError: () => GraphDirectoryError,
  ): Promise<T> {
    const context: FailureContext = { what: call.what, tenantId };
    const built = call.request();
    // A fresh id per attempt, so a support case can name the exact request even without a response body.
    const clientRequestId = randomUUID();
    const request = { ...built, headers: { ...built.headers, "client-request-id": clientRequestId } };
    const line = { method: request.method, route: call.route, attempt: attemptNumber, clientRequestId };
    let response: Awaited<ReturnType<GraphTransport["send"]>>;
    let startedAt = performance.now();
    let telemetry: AttemptTelemetry | undefined;
    try {
      // Slow down before Graph has to say 429: wait for this attempt's cost in the shared budget.
      if (budget !== undefined) {
        await budget.acquire(requestCost(request.method, request.url, request.body), signal);
        // A budget that let the attempt go at once still took a few microtasks; a wait of its own is a
        // timer of at least 1 ms. Not recording the former saves every quiet attempt a measurement.
        const waitedMs = performance.now() - startedAt;
        if (waitedMs >= 1) recordWait("throttle_budget", waitedMs);
      }
      startedAt = performance.now();
      stats.recordRequest(call.route);
      server ??= graphServerOf(request.url);
      telemetry = startAttempt(call.route, server, attemptNumber, tenantId);
      response = await transport.send({ ...request, signal });
    } catch (error) {
      const durationMs = Math.round(performance.now() - startedAt);
      telemetry?.end({
        errorType: signal.aborted
          ? call.signal?.aborted
            ? "aborted"
            : "deadline-exceeded"
          : isGraphDirectoryError(error)
            ? error.code
            : "network",
      });
      if (signal.aborted) {
        if (call.signal?.aborted) throw call.signal.reason;
        throw deadlineError();
      }
      if (isGraphDirectoryError(error)) {
        log.warn({ ...line, durationMs, code: error.code }, "graph request failed");
        throw error;
      }
      log.warn({ ...line, durationMs, code: "network" }, "graph request failed");
      throw createGraphDirectoryError(
        "network",
        `${call.what} on tenant ${tenantId} failed: no answer from Microsoft Graph. ${nextStepFor("network")}`,
        { cause: error },
      );
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const requestId = response.headers.get("request-id") ?? undefined;
    const { status } = response;
    telemetry?.end({ status });
    if (status === 429 || ((status === 503 || status === 504) && response.headers.has("retry-after"))) {
      stats.recordThrottled(call.route);
      const throttleScope = throttleScopeOf(response.headers.get("x-ms-throttle-scope"));
      recordThrottled(status, throttleScope);
      budget?.reportThrottled(parseRetryAfterMs(response.headers.get("retry-after")) ?? 0, throttleScope);
    }
    if ((status < 200 || status > 299) && !(call.acceptStatuses ?? []).includes(status)) {
      log.warn({ ...line, status, requestId, durationMs }, "graph request failed");
      throw errorFromResponse(status, response.headers, response.text, context);
    }
    log.debug({ ...line, status, requestId, durationMs }, "graph request");
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch (error) {
      throw createGraphDirectoryError(
        "bad-response",
        `${call.what} on tenant ${tenantId}: Graph answered HTTP ${status} with a body that is not JSON. ${nextStepFor("bad-response")}`,
        { cause: error, status, requestId },
      );
    }
    try {
      return call.accept({ status, headers: response.headers, json });
    } catch (error) {
      // A 2xx (or accepted 424) whose items were throttled, as a $batch can be: the tenant's budget
      // must hear of it as it hears of an outer 429, or it keeps sending at a rate Graph refuses.
      if (isGraphDirectoryError(error) && error.status === 429 && status !== 429) {
        budget?.reportThrottled(error.retryAfterMs ?? 0);
      }
      throw error;
    }
  }

  return {
    async run(call) {
      call.signal?.throwIfAborted();
      const startedAt = performance.now();
      // One controller per call, aborted by its deadline or by the caller's signal. Linked by a listener
      // removed when the call settles, not AbortSignal.any: on Node 20 a derived signal with listeners
      // (fetch leaves one) stays reachable from the caller's long-lived signal and is aborted by it later.
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), policy.deadlineMs);
      const { signal } = stop;
      const followCaller = () => stop.abort(call.signal?.reason);
      call.signal?.addEventListener("abort", followCaller, { once: true });
      const deadlineError = () =>
        createGraphDirectoryError(
          "deadline-exceeded",
          `${call.what} on tenant ${tenantId} did not finish within ${policy.deadlineMs} ms. ${nextStepFor("deadline-exceeded")}`,
        );
      let attemptNumber = 0;
      try {
        return await pRetry(
          (n) => {
            attemptNumber = n;
            return attempt(call, n, signal, deadlineError);
          },
          {
            retries: Math.max(0, policy.maxAttempts - 1),
            // Delays come from planRetry (Retry-After or jittered backoff), slept in shouldRetry.
            minTimeout: 0,
            maxTimeout: 0,
            shouldRetry: async ({ error }) => {
              if (!isGraphDirectoryError(error) || error.code === "deadline-exceeded") return false;
              const plan = planRetry(
                {
                  attempt: attemptNumber,
                  status: error.code === "network" ? undefined : error.status,
                  retryAfterMs: error.retryAfterMs,
                  // Without a status only a network error is worth repeating (not a refused origin or token).
                  idempotent: call.idempotent && error.code === "network",
                  elapsedMs: performance.now() - startedAt,
                },
                policy,
                random,
              );
              if (!plan.retry) {
                if (plan.reason === "deadline" || plan.reason === "retry-after-too-long") {
                  log.warn(
                    {
                      route: call.route,
                      attempt: attemptNumber,
                      reason: plan.reason,
                      retryAfterMs: error.retryAfterMs,
                    },
                    "graph request gives up",
                  );
                }
                return false;
              }
              stats.recordRetry(call.route);
              recordRetry(call.route, error.status);
              log.info(
                { route: call.route, attempt: attemptNumber, status: error.status, delayMs: plan.delayMs },
                "graph request retry scheduled",
              );
              const sleptFrom = performance.now();
              try {
                await abortableSleep(plan.delayMs, signal);
                recordWait(
                  error.retryAfterMs === undefined ? "backoff" : "retry_after",
                  performance.now() - sleptFrom,
                );
              } catch {
                if (call.signal?.aborted) throw call.signal.reason;
                throw deadlineError();
              }
              return true;
            },
          },
        );
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        throw error;
      } finally {
        clearTimeout(timer);
        call.signal?.removeEventListener("abort", followCaller);
      }
    },
  };
}
