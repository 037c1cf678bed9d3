/**
 * Fault injection for the in-memory directory, as data: the contract's faults plus role-read faults,
 * each persistent unless it names `times` (a transient fault: fail that many matching calls, then heal).
 */
import type { DirectoryFailure } from "@rotation-exclusion/core/ports";
import type { ContractFault, ContractFaultKind } from "./contract/directory-harness.js";

/** A fault on one step of a role-holder read. */
export type RoleReadFault =
  | {
      readonly operation: "role-definition" | "active-assignments" | "eligible-assignments";
      readonly kind: ContractFaultKind;
    }
  | { readonly operation: "group-members"; readonly groupId: string; readonly kind: ContractFaultKind };

/**
 * A fault the in-memory directory injects. Without `times` it strikes every matching call (as contract
 * faults do); with `times: n` it strikes the first n matching calls and then the call succeeds, like a
 * throttling burst that a retry layer outlasts.
 */
export type InMemoryFault = (ContractFault | RoleReadFault) & { readonly times?: number };

/** The live set of faults of one directory; matching a fault spends one of its `times`. */
export interface FaultPlan {
  /** The kind of the first live fault that matches, spending one use of it; `undefined` when none. */
  take(matches: (fault: InMemoryFault) => boolean): ContractFaultKind | undefined;
  /** Whether a live fault matches, without spending it. */
  has(matches: (fault: InMemoryFault) => boolean): boolean;
  add(fault: InMemoryFault): void;
  clear(): void;
}

/** Creates the live fault set of one in-memory directory. */
export function createFaultPlan(initial: readonly InMemoryFault[]): FaultPlan {
  const live: { fault: InMemoryFault; remaining: number }[] = [];
  const plan: FaultPlan = {
    take(matches) {
      const entry = live.find((candidate) => candidate.remaining > 0 && matches(candidate.fault));
      if (!entry) return undefined;
      entry.remaining -= 1;
      return entry.fault.kind;
    },
    has: (matches) => live.some((candidate) => candidate.remaining > 0 && matches(candidate.fault)),
    add(fault) {
      live.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      live.length = 0;
    },
  };
  for (const fault of initial) plan.add(fault);
  return plan;
}

/**
 * The failure a Graph reader reports for a fault that outlasted its retries, with Graph's status and
 * error code, so assertions on in-memory and Graph-backed readers look alike.
 */
export function failureForFault(kind: ContractFaultKind, what: string): DirectoryFailure {
  switch (kind) {
    case "throttled":
      return {
        kind: "throttled",
        status: 429,
        code: "TooManyRequests",
        message: `${what}: throttled (429).`,
      };
    case "forbidden":
      return {
        kind: "permission-missing",
        status: 403,
        code: "Authorization_RequestDenied",
        message: `${what}: insufficient privileges (403); grant the app the documented permission.`,
      };
    case "unsupported":
      return {
        kind: "unsupported",
        status: 400,
        code: "Request_UnsupportedQuery",
        message: `${what}: the directory does not support filtering on isManagementRestricted (400).`,
      };
    case "server-error":
      return {
        kind: "unavailable",
        status: 503,
        code: "ServiceUnavailable",
        message: `${what}: service unavailable (503).`,
      };
    case "network":
      return { kind: "unavailable", message: `${what}: the connection was reset.` };
    case "bad-response":
      return { kind: "bad-response", status: 200, message: `${what}: the response body is not valid JSON.` };
    case "unauthorized":
      return {
        kind: "authentication-failed",
        status: 401,
        code: "InvalidAuthenticationToken",
        message: `${what}: the access token was refused (401) after a fresh one was fetched; check the app's credential and consent.`,
      };
    case "not-found":
      return {
        kind: "not-found",
        status: 404,
        code: "Request_ResourceNotFound",
        message: `${what}: the object does not exist (404).`,
      };
  }
}
