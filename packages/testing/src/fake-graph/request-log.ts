/**
 * The fake server's record of every request it answered (each `$batch` item too, marked), for assertions
 * like "the throttled request was sent exactly 1 + retries times, never before its Retry-After". Headers
 * are kept with credentials redacted; bodies are never kept (a PATCH body holds a password).
 */
import type { FakeGraphFaultEffect } from "./graph-faults.js";
import type { FakeGraphRoute } from "./route-context.js";

/** One answered request. */
export interface FakeGraphRequestRecord {
  /** 1-based order of arrival. */
  readonly sequence: number;
  /** The tenant that answered: the one the bearer token names (`tid`), or the server's first tenant. */
  readonly tenantId: string;
  readonly method: string;
  /** Path as sent (percent-encoded), starting with `/v1.0`. */
  readonly path: string;
  /** Decoded query options (`$filter`, `$select`, ...). */
  readonly query: Readonly<Record<string, string>>;
  /** `undefined` for a path no route serves. */
  readonly route: FakeGraphRoute | undefined;
  /** Objects the request targets (ids or UPNs as sent, plus resolved user ids). */
  readonly objectIds: readonly string[];
  /** 1-based page of a listing. */
  readonly page: number | undefined;
  /** HTTP status answered; 0 when the connection was reset instead. */
  readonly status: number;
  /** Clock time (ms since epoch, the server's `clock`) when the request arrived. */
  readonly receivedAtMs: number;
  /** Time to answer, including injected latency. */
  readonly durationMs: number;
  readonly inBatch: boolean;
  /** The item `id` of a `$batch` item. */
  readonly batchItemId: string | undefined;
  /** True when this request came before an enforced `Retry-After` had passed and was throttled again. */
  readonly retryEarly: boolean;
  /** The kind of the fault effect that decided the answer, if any (latency not counted). */
  readonly fault: FakeGraphFaultEffect["kind"] | "throttle-limit" | "app-limit" | undefined;
  /** Graph's `request-id` of the answer. */
  readonly requestId: string;
  /** Request headers (lower-case names), `authorization` redacted. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Request counts of a fake server. */
export interface FakeGraphStats {
  readonly requests: number;
  /** Requests per route; `unknown` for paths no route serves. */
  readonly byRoute: Readonly<Partial<Record<FakeGraphRoute | "unknown", number>>>;
  /** Answers with status 429. */
  readonly throttled: number;
  readonly retryEarly: number;
  /** Connections reset by a fault. */
  readonly resets: number;
}

const SECRET_HEADERS: ReadonlySet<string> = new Set(["authorization", "cookie", "proxy-authorization"]);

/** Copies headers with credentials replaced, so no token ever reaches the log. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = SECRET_HEADERS.has(name) ? "[redacted]" : value;
  }
  return result;
}

/** The log of one server. */
export interface RequestLog {
  readonly records: readonly FakeGraphRequestRecord[];
  /** Reserves the next sequence number (at arrival, so order is arrival order). */
  nextSequence(): number;
  add(record: FakeGraphRequestRecord): void;
  clear(): void;
  stats(): FakeGraphStats;
}

/** Creates an empty {@link RequestLog}. */
export function createRequestLog(): RequestLog {
  const records: FakeGraphRequestRecord[] = [];
  let sequence = 0;
  return {
    records,
    nextSequence() {
      sequence += 1;
      return sequence;
    },
    add(record) {
      // Insert in arrival order: a slow request that arrived first is listed first.
      let index = records.length;
      while (index > 0 && (records[index - 1] as FakeGraphRequestRecord).sequence > record.sequence)
        index -= 1;
      records.splice(index, 0, record);
    },
    clear() {
      records.length = 0;
    },
    stats() {
      const byRoute: Partial<Record<FakeGraphRoute | "unknown", number>> = {};
      let throttled = 0;
      let retryEarly = 0;
      let resets = 0;
      for (const record of records) {
        const key = record.route ?? "unknown";
        byRoute[key] = (byRoute[key] ?? 0) + 1;
        if (record.status === 429) throttled += 1;
        if (record.retryEarly) retryEarly += 1;
        if (record.status === 0) resets += 1;
      }
      return { requests: records.length, byRoute, throttled, retryEarly, resets };
    },
  };
}
