/**
 * Fault injection as data: each fault is a matcher (route, object, page, method, inside `$batch` or not),
 * an effect (throttling with every `Retry-After` format, 503/504, any Graph error, latency, connection
 * reset, malformed JSON, a replaced body or next link) and how many times it applies. Faults apply in
 * order, per request and per `$batch` item. With `enforceRetryAfter`, a client that retries before the
 * `Retry-After` time is throttled again, as Graph does.
 * See https://learn.microsoft.com/graph/throttling.
 */

import { createTestingError } from "../testing-error.js";
import { defaultError, errorResponse, type GraphResponse, type ResponseStamp } from "./graph-response.js";
import type { FakeGraphRoute } from "./route-context.js";

/** How a `Retry-After` header writes its delay: `2`, `1.5` or an HTTP-date (all seen in the wild). */
export type RetryAfterFormat = "seconds" | "decimal-seconds" | "http-date";

/** Which requests a fault applies to; every given field must match. An empty matcher matches all. */
export interface FakeGraphFaultMatch {
  readonly route?: FakeGraphRoute | readonly FakeGraphRoute[];
  /** A user (by id or UPN), unit, group or role definition id the request targets. */
  readonly objectId?: string;
  /** 1-based page of a listing (page 1 has no `$skiptoken`). */
  readonly page?: number;
  readonly method?: string;
  /** `true`: only `$batch` items; `false`: only top-level requests; absent: both. */
  readonly inBatch?: boolean;
  /** Only requests for this tenant (of a server with several tenants). */
  readonly tenantId?: string;
}

/** What a fault does to a matching request. */
export type FakeGraphFaultEffect =
  | {
      /** 429 TooManyRequests with `Retry-After`. */
      readonly kind: "throttled";
      /** Default 1. */
      readonly retryAfterSeconds?: number;
      /** Default `seconds`. */
      readonly retryAfterFormat?: RetryAfterFormat;
      /** Throttle again any matching request sent before the `Retry-After` time. Default false. */
      readonly enforceRetryAfter?: boolean;
      readonly code?: string;
      readonly message?: string;
      /** More response headers, such as `x-ms-throttle-scope` (`Application/…` for the app-wide limit). */
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      /** 503 or 504, optionally with `Retry-After`. */
      readonly kind: "unavailable";
      /** Default 503. */
      readonly status?: 503 | 504;
      readonly retryAfterSeconds?: number;
      readonly retryAfterFormat?: RetryAfterFormat;
      readonly enforceRetryAfter?: boolean;
    }
  | {
      /** Any status with Graph's error body; code and message default to Graph's for the status. */
      readonly kind: "error";
      readonly status: number;
      readonly code?: string;
      readonly message?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Waits before answering; other faults and the handler still apply. */
  | { readonly kind: "latency"; readonly delayMs: number }
  /**
   * Destroys the connection without an answer. Inside `$batch` the item answers 504 instead; match
   * route `batch` to drop the whole `$batch` request's connection.
   */
  | { readonly kind: "reset" }
  /** 200 whose JSON body is cut in half. */
  | { readonly kind: "malformed-json" }
  /** Replaces the body (and optionally the status) of the real answer. */
  | { readonly kind: "body"; readonly body: unknown; readonly status?: number }
  /** Rewrites the body of the real answer (drop `value`, change types, ...). */
  | {
      readonly kind: "transform-body";
      readonly transform: (body: unknown, request: FakeGraphFaultRequest) => unknown;
      /** Replaces the status too (an error body built from the request, say). Default: the real one. */
      readonly status?: number;
    }
  /**
   * Sets `@odata.nextLink`: `same-page` (the request's own URL: a listing that never ends), `other-host`
   * (the same path on another host, which a client must not follow with its token), or a literal URL.
   */
  | { readonly kind: "next-link"; readonly nextLink: "same-page" | "other-host" | (string & {}) };

/** A fault: a matcher, an effect, and how many times it applies (default: forever). */
export interface FakeGraphFault {
  readonly match?: FakeGraphFaultMatch;
  readonly effect: FakeGraphFaultEffect;
  readonly times?: number;
}

/** A request as `transform-body` sees it. */
export interface FakeGraphFaultRequest {
  /** The absolute URL of the request (for a `$batch` item: as if sent alone). */
  readonly url: string;
  readonly route: FakeGraphRoute | undefined;
  readonly objectIds: readonly string[];
  readonly page: number | undefined;
  /**
   * The request's `Authorization` header as sent (for a `$batch` item: the outer request's), so a
   * fault can echo it back the way a misbehaving proxy or API does, to test that clients redact it.
   */
  readonly authorization: string | undefined;
}

/** A fault added to a running server: how often it applied, and a way to remove it. */
export interface FakeGraphFaultHandle {
  readonly fault: FakeGraphFault;
  /** Times the fault applied (retry-early rejections not counted). */
  readonly hits: number;
  /** Applications left (`Infinity` for a persistent fault). */
  readonly remaining: number;
  remove(): void;
}

/** What fault matching knows about a request. */
export interface FaultTarget {
  readonly route: FakeGraphRoute | undefined;
  readonly objectIds: readonly string[];
  readonly page: number | undefined;
  readonly method: string;
  readonly inBatch: boolean;
  /** The tenant answering the request. */
  readonly tenantId?: string;
}

/** Effects that replace the handler's answer. */
export type TerminalEffect = Extract<
  FakeGraphFaultEffect,
  { kind: "throttled" | "unavailable" | "error" | "reset" }
>;
/** Effects that alter the handler's answer. */
export type PostEffect = Extract<
  FakeGraphFaultEffect,
  { kind: "malformed-json" | "body" | "transform-body" | "next-link" }
>;

/** The faults that apply to one request. */
export interface FaultPlan {
  readonly delayMs: number;
  readonly terminal: TerminalEffect | undefined;
  readonly post: PostEffect | undefined;
}

interface FaultSlot {
  readonly fault: FakeGraphFault;
  remaining: number;
  hits: number;
  blockedUntilMs: number | undefined;
  removed: boolean;
}

function matches(match: FakeGraphFaultMatch | undefined, target: FaultTarget): boolean {
  if (match === undefined) return true;
  if (match.route !== undefined) {
    const routes: readonly FakeGraphRoute[] = typeof match.route === "string" ? [match.route] : match.route;
    if (target.route === undefined || !routes.includes(target.route)) return false;
  }
  if (match.objectId !== undefined) {
    const wanted = match.objectId.toLowerCase();
    if (!target.objectIds.some((id) => id.toLowerCase() === wanted)) return false;
  }
  if (match.page !== undefined && target.page !== match.page) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (match.inBatch !== undefined && match.inBatch !== target.inBatch) return false;
  if (match.tenantId !== undefined && match.tenantId.toLowerCase() !== target.tenantId?.toLowerCase())
    return false;
  return true;
}

/** A `Retry-After` header value for a delay, and when that delay ends. */
export function retryAfter(
  seconds: number,
  format: RetryAfterFormat,
  nowMs: number,
): { readonly header: string; readonly untilMs: number } {
  switch (format) {
    case "seconds": {
      const whole = Math.max(0, Math.ceil(seconds));
      return { header: String(whole), untilMs: nowMs + whole * 1000 };
    }
    case "decimal-seconds":
      return {
        header: Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds),
        untilMs: nowMs + seconds * 1000,
      };
    case "http-date": {
      // An HTTP-date has whole seconds; round up so a client that waits until it is never early.
      const untilMs = Math.ceil((nowMs + seconds * 1000) / 1000) * 1000;
      return { header: new Date(untilMs).toUTCString(), untilMs };
    }
  }
}

function retryAfterSettings(effect: Extract<TerminalEffect, { kind: "throttled" | "unavailable" }>) {
  const seconds = effect.retryAfterSeconds ?? (effect.kind === "throttled" ? 1 : undefined);
  return { seconds, format: effect.retryAfterFormat ?? "seconds" };
}

/** Graph's answer for a terminal effect (not `reset`), with `Retry-After` where the effect has one. */
export function terminalResponse(
  stamp: ResponseStamp,
  effect: Exclude<TerminalEffect, { kind: "reset" }>,
  retryAfterSecondsOverride?: number,
): GraphResponse {
  if (effect.kind === "error") {
    const fallback = defaultError(effect.status);
    return errorResponse(
      stamp,
      effect.status,
      effect.code ?? fallback.code,
      effect.message ?? fallback.message,
      effect.headers,
    );
  }
  const status = effect.kind === "throttled" ? 429 : (effect.status ?? 503);
  const fallback = defaultError(status);
  const { seconds, format } = retryAfterSettings(effect);
  const delay = retryAfterSecondsOverride ?? seconds;
  const extra = effect.kind === "throttled" ? effect.headers : undefined;
  const headers = {
    ...extra,
    ...(delay === undefined ? {} : { "retry-after": retryAfter(delay, format, stamp.nowMs).header }),
  };
  const code = effect.kind === "throttled" ? (effect.code ?? fallback.code) : fallback.code;
  const message = effect.kind === "throttled" ? (effect.message ?? fallback.message) : fallback.message;
  return errorResponse(stamp, status, code, message, headers);
}

/** The faults of one server: added, matched, counted. */
export interface FaultBook {
  add(fault: FakeGraphFault): FakeGraphFaultHandle;
  clear(): void;
  /** The effect and remaining seconds when a matching request comes before an enforced `Retry-After`. */
  retryEarly(
    target: FaultTarget,
    nowMs: number,
  ): { effect: TerminalEffect; remainingSeconds: number } | undefined;
  /** Applies matching faults in order: latency adds up; the first other effect ends the search. */
  plan(target: FaultTarget, nowMs: number): FaultPlan;
}

/** Creates an empty {@link FaultBook}. */
export function createFaultBook(): FaultBook {
  let slots: FaultSlot[] = [];

  function validate(fault: FakeGraphFault): void {
    const times = fault.times ?? Number.POSITIVE_INFINITY;
    if (!(times >= 0)) {
      throw createTestingError(
        "invalid-argument",
        `Fault times must be 0 or more, got ${String(fault.times)}.`,
      );
    }
  }

  return {
    add(fault) {
      validate(fault);
      const slot: FaultSlot = {
        fault,
        remaining: fault.times ?? Number.POSITIVE_INFINITY,
        hits: 0,
        blockedUntilMs: undefined,
        removed: false,
      };
      slots.push(slot);
      return {
        fault,
        get hits() {
          return slot.hits;
        },
        get remaining() {
          return slot.remaining;
        },
        remove() {
          slot.removed = true;
          slots = slots.filter((candidate) => candidate !== slot);
        },
      };
    },
    clear() {
      for (const slot of slots) slot.removed = true;
      slots = [];
    },
    retryEarly(target, nowMs) {
      for (const slot of slots) {
        if (slot.blockedUntilMs === undefined || slot.blockedUntilMs <= nowMs) continue;
        if (!matches(slot.fault.match, target)) continue;
        return {
          effect: slot.fault.effect as TerminalEffect,
          remainingSeconds: (slot.blockedUntilMs - nowMs) / 1000,
        };
      }
      return undefined;
    },
    plan(target, nowMs) {
      let delayMs = 0;
      for (const slot of slots) {
        if (slot.remaining <= 0 || !matches(slot.fault.match, target)) continue;
        slot.remaining -= 1;
        slot.hits += 1;
        const { effect } = slot.fault;
        if (effect.kind === "latency") {
          delayMs += effect.delayMs;
          continue;
        }
        if (
          (effect.kind === "throttled" || effect.kind === "unavailable") &&
          effect.enforceRetryAfter === true
        ) {
          const { seconds, format } = retryAfterSettings(effect);
          if (seconds !== undefined) slot.blockedUntilMs = retryAfter(seconds, format, nowMs).untilMs;
        }
        if (
          effect.kind === "throttled" ||
          effect.kind === "unavailable" ||
          effect.kind === "error" ||
          effect.kind === "reset"
        ) {
          return { delayMs, terminal: effect, post: undefined };
        }
        return { delayMs, terminal: undefined, post: effect };
      }
      return { delayMs, terminal: undefined, post: undefined };
    },
  };
}
