/**
 * The faults a soak injects, as data for the fake Graph server: throttling with and without
 * `Retry-After`, 503 and 504, connection resets, answers slower than the adapter's deadline, truncated
 * and malformed JSON, a `@odata.nextLink` that repeats its own page forever, and per-item `$batch`
 * failures. None of them lies: a fault may hide the truth, never forge evidence.
 */
import {
  FAKE_GRAPH_LISTING_ROUTES,
  type FakeGraphFault,
  type FakeGraphFaultMatch,
  type FakeGraphRoute,
} from "@rotation-exclusion/testing";
import type { SeededRandom } from "./seeded-random.js";

/** The kinds of fault a soak injects (the tally counts each). */
export type SoakFaultKind =
  | "throttled-retry-after"
  | "throttled-no-retry-after"
  | "unavailable-503"
  | "unavailable-504"
  | "connection-reset"
  | "slow-past-deadline"
  | "truncated-json"
  | "malformed-json"
  | "next-link-loop"
  | "batch-item-failure";

/** Every fault kind, in tally order. */
export const SOAK_FAULT_KINDS = [
  "throttled-retry-after",
  "throttled-no-retry-after",
  "unavailable-503",
  "unavailable-504",
  "connection-reset",
  "slow-past-deadline",
  "truncated-json",
  "malformed-json",
  "next-link-loop",
  "batch-item-failure",
] as const satisfies readonly SoakFaultKind[];

/** A fault to add to a server, with the kind it counts as. */
export interface SoakFault {
  readonly kind: SoakFaultKind;
  readonly fault: FakeGraphFault;
}

// Routes whose answers are listings: the fake server's own list, so a new listing route is faulted too.
const LISTING_ROUTES = FAKE_GRAPH_LISTING_ROUTES;

/** Every route a soak cycle uses, the password change included. */
const ANY_ROUTE = [...LISTING_ROUTES, "users.get", "users.patch", "batch"] as const;

/** How a fault that would outlast the deadline is timed. */
export interface SoakFaultTiming {
  /** The adapter's per-request deadline; `slow-past-deadline` waits longer than this. */
  readonly deadlineMs: number;
}

// A fault applies once to three times, or for the whole cycle (the server's faults are cleared after it).
function times(rng: SeededRandom): number {
  return rng.chance(0.3) ? Number.POSITIVE_INFINITY : rng.int(1, 3);
}

function on(routes: readonly FakeGraphRoute[], rng: SeededRandom): FakeGraphFaultMatch {
  return { route: rng.pick(routes), inBatch: false };
}

/** Draws one fault of the given kind. */
export function drawFault(kind: SoakFaultKind, rng: SeededRandom, timing: SoakFaultTiming): SoakFault {
  const make = (fault: FakeGraphFault): SoakFault => ({ kind, fault });
  switch (kind) {
    case "throttled-retry-after":
      return make({
        match: on(ANY_ROUTE, rng),
        // Mostly short enough to wait for; sometimes longer than the adapter will wait (gives up at once).
        effect: {
          kind: "throttled",
          retryAfterSeconds: rng.chance(0.8) ? 0.02 : 30,
          retryAfterFormat: "decimal-seconds",
        },
        times: times(rng),
      });
    case "throttled-no-retry-after":
      return make({
        match: on(ANY_ROUTE, rng),
        effect: { kind: "error", status: 429, code: "TooManyRequests", message: "Too many requests." },
        times: times(rng),
      });
    case "unavailable-503":
      return make({
        match: on(ANY_ROUTE, rng),
        effect: { kind: "unavailable", status: 503 },
        times: times(rng),
      });
    case "unavailable-504":
      return make({
        match: on(ANY_ROUTE, rng),
        effect: { kind: "unavailable", status: 504 },
        times: times(rng),
      });
    case "connection-reset":
      return make({ match: on(ANY_ROUTE, rng), effect: { kind: "reset" }, times: times(rng) });
    case "slow-past-deadline":
      return make({
        match: on(ANY_ROUTE, rng),
        effect: { kind: "latency", delayMs: timing.deadlineMs + 150 },
        times: rng.int(1, 2),
      });
    case "truncated-json":
      return make({ match: on(LISTING_ROUTES, rng), effect: { kind: "malformed-json" }, times: times(rng) });
    case "malformed-json": {
      // Decided now, not per request: the run must replay from its seed whatever the request order.
      const dropValue = rng.chance(0.5);
      return make({
        match: on(LISTING_ROUTES, rng),
        effect: {
          kind: "transform-body",
          transform: (body) =>
            dropValue ? { "@odata.context": "soak", items: body } : { value: "not a list" },
        },
        times: times(rng),
      });
    }
    case "next-link-loop":
      return make({
        match: on(LISTING_ROUTES, rng),
        effect: { kind: "next-link", nextLink: "same-page" },
        times: Number.POSITIVE_INFINITY,
      });
    case "batch-item-failure":
      return make({
        match: { route: "users.get", inBatch: true },
        effect: rng.pick([
          { kind: "throttled", retryAfterSeconds: 0.02, retryAfterFormat: "decimal-seconds" },
          { kind: "unavailable", status: 503 },
          { kind: "error", status: 500 },
          { kind: "reset" },
        ] as const),
        times: times(rng),
      });
  }
}

/** Draws one to three faults for a faulty cycle. */
export function drawFaults(rng: SeededRandom, timing: SoakFaultTiming): SoakFault[] {
  return Array.from({ length: rng.int(1, 3) }, () => drawFault(rng.pick(SOAK_FAULT_KINDS), rng, timing));
}
