/** Shared pieces of the contract suite: the fault-to-failure table and id helpers. */
import type { DirectoryFailureKind } from "@rotation-exclusion/core/ports";
import type { ContractFaultKind } from "./directory-harness.js";

/**
 * The failure kinds a reader may report for each contract fault. `server-error` allows `throttled` too:
 * a 503 with Retry-After is throttling by Graph's own account.
 */
export const EXPECTED_FAILURE_KINDS = {
  throttled: ["throttled"],
  forbidden: ["permission-missing"],
  unsupported: ["unsupported"],
  "server-error": ["unavailable", "throttled"],
  network: ["unavailable"],
  "bad-response": ["bad-response"],
  "not-found": ["not-found"],
  unauthorized: ["authentication-failed"],
} as const satisfies Record<ContractFaultKind, readonly DirectoryFailureKind[]>;

/** Faults that make sense on any listing or lookup (not `unsupported`, which is protected-users only). */
export const TRANSPORT_FAULTS = [
  "throttled",
  "forbidden",
  "server-error",
  "network",
  "bad-response",
  "unauthorized",
] as const;

/** Ids sorted, for order-insensitive comparison (Graph does not promise an order). */
export const sortedIds = (ids: Iterable<string>): string[] => [...ids].sort();
