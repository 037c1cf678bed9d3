/**
 * What happens to one request, top-level or `$batch` item, in Graph's order: authentication (top-level
 * only), the tenant-wide throttle, retry-early rejection, injected faults and latency, the route's
 * handler, then faults that alter the answer. Every request ends in the request log.
 */
import { abortableSleep } from "@rotation-exclusion/core/internal";
import type { TenantModel } from "../tenant-model.js";
import { undocumentedQueryOption, unsupportedQueryOption } from "./documented-query-options.js";
import {
  type BatchItem,
  type BatchItemOutcome,
  type FakeGraphBatchOrder,
  type FakeGraphBatchOuterStatus,
  parseBatch,
  runBatch,
} from "./graph-batch.js";
import {
  type FaultBook,
  type FaultTarget,
  type PostEffect,
  retryAfter,
  terminalResponse,
} from "./graph-faults.js";
import {
  errorResponse,
  type GraphResponse,
  ODATA_JSON_CONTENT_TYPE,
  type ResponseStamp,
  responseStamp,
  truncatedJson,
} from "./graph-response.js";
import { describeTarget, isRouteRefusal, resolveRoute, runRoute } from "./graph-router.js";
import { createPageTokens } from "./page-tokens.js";
import { type FakeGraphRequestRecord, type RequestLog, redactHeaders } from "./request-log.js";
import type { GraphRequest, RouteSettings } from "./route-context.js";

/** A simple tenant-wide limit emulating Graph's identity throttling: N requests per window, then 429. */
export interface FakeGraphThrottle {
  readonly requests: number;
  readonly windowMs: number;
}

/**
 * Graph's limit of one app across all tenants, as a token bucket: a burst of `requests`, refilled at
 * `requests` per `windowMs`. Every tenant and every token of the server draws from it; past it Graph's
 * 429 carries `x-ms-throttle-scope: Application/…` (decision 0006).
 */
export interface FakeGraphAppLimit {
  readonly requests: number;
  readonly windowMs: number;
}

/** The shared bucket of a {@link FakeGraphAppLimit}: takes one request, or answers the seconds to wait. */
export type AppLimiter = (nowMs: number) => number | undefined;

/** Creates the bucket of an app-wide limit. */
export function createAppLimiter(limit: FakeGraphAppLimit): AppLimiter {
  const perMs = limit.requests / limit.windowMs;
  let tokens = limit.requests;
  let atMs = Number.NaN;
  return (nowMs) => {
    tokens = Number.isNaN(atMs) ? tokens : Math.min(limit.requests, tokens + (nowMs - atMs) * perMs);
    atMs = nowMs;
    if (tokens >= 1) {
      tokens -= 1;
      return undefined;
    }
    return (1 - tokens) / perMs / 1000;
  };
}

/** The scope header of the app-wide limit's 429. */
const APP_SCOPE = "Application/Read/00000000-0000-0000-0000-00000000a11a";

/** What the pipeline needs from the server. */
export interface PipelineDeps {
  readonly tenant: TenantModel;
  readonly settings: () => RouteSettings;
  readonly faults: FaultBook;
  readonly log: RequestLog;
  readonly clock: () => number;
  readonly baseUrl: () => string;
  readonly acceptToken: () => (token: string) => boolean;
  readonly latencyMs: () => number;
  readonly throttle: FakeGraphThrottle | undefined;
  /** The app-wide limit, shared by the pipelines of every tenant of the server. */
  readonly appLimiter: AppLimiter | undefined;
  readonly batchOrder: FakeGraphBatchOrder;
  readonly batchOuterStatus: FakeGraphBatchOuterStatus;
  readonly signal: AbortSignal;
  readonly recordPasswordChange: (userId: string) => void;
}

/** How a request ended. */
export type PipelineOutcome = BatchItemOutcome;

// Graph's challenge for a missing or refused token.
const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

function authenticate(
  deps: PipelineDeps,
  request: GraphRequest,
  stamp: ResponseStamp,
): GraphResponse | undefined {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S.*)$/i.exec(header);
  const token = match?.[1]?.trim() ?? "";
  const headers = { "www-authenticate": WWW_AUTHENTICATE };
  if (token.length === 0) {
    return errorResponse(stamp, 401, "InvalidAuthenticationToken", "Access token is empty.", headers);
  }
  if (!deps.acceptToken()(token)) {
    return errorResponse(
      stamp,
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure.",
      headers,
    );
  }
  return undefined;
}

function applyPost(
  effect: PostEffect,
  response: GraphResponse,
  url: string,
  target: FaultTarget,
  authorization: string | undefined,
): GraphResponse {
  switch (effect.kind) {
    case "malformed-json":
      return {
        status: 200,
        headers: { ...response.headers, "content-type": ODATA_JSON_CONTENT_TYPE },
        rawBody: truncatedJson(response.body),
      };
    case "body":
      return { ...response, status: effect.status ?? response.status, body: effect.body };
    case "transform-body":
      return {
        ...response,
        status: effect.status ?? response.status,
        body: effect.transform(structuredClone(response.body), {
          url,
          route: target.route,
          objectIds: target.objectIds,
          page: target.page,
          authorization,
        }),
      };
    case "next-link": {
      const nextLink =
        effect.nextLink === "same-page"
          ? url
          : effect.nextLink === "other-host"
            ? url.replace(/^https:\/\/[^/]+/, "https://graph.invalid")
            : effect.nextLink;
      const body = typeof response.body === "object" && response.body !== null ? response.body : {};
      return { ...response, body: { ...body, "@odata.nextLink": nextLink } };
    }
  }
}

/** Creates the request pipeline of one server. */
export function createGraphPipeline(
  deps: PipelineDeps,
): (request: GraphRequest, batchItemId?: string) => Promise<PipelineOutcome> {
  // One signing key per server: a nextLink of one fake server is foreign to every other.
  const pageTokens = createPageTokens();
  let windowStartMs = Number.NEGATIVE_INFINITY;
  let windowCount = 0;

  function throttleLimit(nowMs: number): number | undefined {
    const limit = deps.throttle;
    if (limit === undefined) return undefined;
    if (nowMs - windowStartMs >= limit.windowMs) {
      windowStartMs = nowMs;
      windowCount = 0;
    }
    windowCount += 1;
    return windowCount > limit.requests ? (windowStartMs + limit.windowMs - nowMs) / 1000 : undefined;
  }

  async function handle(request: GraphRequest, batchItemId?: string): Promise<PipelineOutcome> {
    const sequence = deps.log.nextSequence();
    const nowMs = deps.clock();
    const startedAt = performance.now();
    const stamp = responseStamp(request.headers["client-request-id"], nowMs);
    const resolved = resolveRoute(request.method, request.path);
    const match = isRouteRefusal(resolved) ? undefined : resolved;
    const described = match === undefined ? undefined : describeTarget(deps.tenant, match, request.query);
    const target: FaultTarget = {
      route: match?.route,
      objectIds: described?.objectIds ?? [],
      page: described?.page,
      method: request.method,
      inBatch: request.inBatch,
      tenantId: deps.tenant.tenantId,
    };
    const url = `${deps.baseUrl()}${request.path}${request.rawQuery.length > 0 ? `?${request.rawQuery}` : ""}`;
    let retryEarly = false;
    let fault: FakeGraphRequestRecord["fault"];

    const decide = async (): Promise<PipelineOutcome> => {
      const respond = (response: GraphResponse): PipelineOutcome => ({ kind: "response", response });
      if (!request.inBatch) {
        const denied = authenticate(deps, request, stamp);
        if (denied !== undefined) return respond(denied);
      }
      // Graph evaluates batch items individually against throttling limits; the envelope is not counted.
      const appLimited = match?.route === "batch" ? undefined : deps.appLimiter?.(nowMs);
      if (appLimited !== undefined) {
        fault = "app-limit";
        return respond(
          errorResponse(stamp, 429, "TooManyRequests", "Too many requests.", {
            "retry-after": retryAfter(appLimited, "seconds", nowMs).header,
            "x-ms-throttle-scope": APP_SCOPE,
          }),
        );
      }
      const limited = match?.route === "batch" ? undefined : throttleLimit(nowMs);
      if (limited !== undefined) {
        fault = "throttle-limit";
        return respond(
          errorResponse(stamp, 429, "TooManyRequests", "Too many requests.", {
            "retry-after": retryAfter(limited, "seconds", nowMs).header,
          }),
        );
      }
      const early = deps.faults.retryEarly(target, nowMs);
      if (early !== undefined && early.effect.kind !== "reset") {
        retryEarly = true;
        fault = early.effect.kind;
        return respond(terminalResponse(stamp, early.effect, early.remainingSeconds));
      }
      const plan = deps.faults.plan(target, nowMs);
      const waitMs = plan.delayMs + (request.inBatch ? 0 : deps.latencyMs());
      await abortableSleep(waitMs, deps.signal);
      if (plan.terminal !== undefined) {
        fault = plan.terminal.kind;
        if (plan.terminal.kind === "reset") return { kind: "reset" };
        return respond(terminalResponse(stamp, plan.terminal));
      }
      let response: GraphResponse;
      const settings = deps.settings();
      // Strict mode: an option the route's Microsoft page does not name is refused before the route runs.
      const undocumented =
        match !== undefined && settings.strictQueryOptions
          ? undocumentedQueryOption(match.route, request.query)
          : undefined;
      if (isRouteRefusal(resolved)) {
        response = errorResponse(stamp, resolved.status, resolved.code, resolved.message);
      } else if (undocumented !== undefined) {
        response = unsupportedQueryOption(stamp, undocumented);
      } else if (resolved.route === "batch") {
        response = await handleBatch(request, stamp);
      } else {
        response = runRoute(resolved.route, {
          route: resolved.route,
          tenant: deps.tenant,
          settings,
          baseUrl: deps.baseUrl(),
          request,
          stamp,
          params: resolved.params,
          recordPasswordChange: deps.recordPasswordChange,
          pageTokens,
        });
      }
      if (plan.post !== undefined) {
        fault = plan.post.kind;
        response = applyPost(
          plan.post,
          response,
          url,
          target,
          request.outerAuthorization ?? request.headers.authorization,
        );
      }
      return respond(response);
    };

    const outcome = await decide();
    deps.log.add({
      sequence,
      tenantId: deps.tenant.tenantId,
      method: request.method.toUpperCase(),
      path: request.path,
      query: Object.fromEntries(request.query),
      route: target.route,
      objectIds: target.objectIds,
      page: target.page,
      status: outcome.kind === "reset" ? 0 : outcome.response.status,
      receivedAtMs: nowMs,
      durationMs: performance.now() - startedAt,
      inBatch: request.inBatch,
      batchItemId,
      retryEarly,
      fault,
      requestId: stamp.requestId,
      headers: redactHeaders(request.headers),
    });
    return outcome;
  }

  async function handleBatch(request: GraphRequest, stamp: ResponseStamp): Promise<GraphResponse> {
    if (request.bodyInvalid) return errorResponse(stamp, 400, "BadRequest", "Invalid batch payload format.");
    const items = parseBatch(stamp, request.body);
    if (!Array.isArray(items)) return items;
    return runBatch(
      stamp,
      items,
      deps.batchOrder,
      (item: BatchItem) => {
        const relative = item.url.startsWith("/") ? item.url : `/${item.url}`;
        const queryStart = relative.indexOf("?");
        const pathPart = queryStart === -1 ? relative : relative.slice(0, queryStart);
        const rawQuery = queryStart === -1 ? "" : relative.slice(queryStart + 1);
        return handle(
          {
            method: item.method.toUpperCase(),
            path: `/v1.0${pathPart}`,
            rawQuery,
            query: new URLSearchParams(rawQuery),
            headers: item.headers,
            body: item.body,
            bodyInvalid: false,
            inBatch: true,
            outerAuthorization: request.headers.authorization,
          },
          item.id,
        );
      },
      deps.batchOuterStatus,
    );
  }

  return handle;
}
