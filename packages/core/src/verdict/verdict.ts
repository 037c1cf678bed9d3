/**
 * Why an account got its verdict. The list is fixed: hosts switch on it, reports and stores persist it.
 *
 * - `restricted-flag`: Entra reports `isManagementRestricted: true` for the user.
 * - `unit-member`: the user is a direct member of a readable restricted management administrative unit.
 * - `rotation-denied-by-unit`: a write to the user was denied because it sits in such a unit.
 * - `not-restricted`: a complete read shows the user in no restricted unit.
 * - the rest explain an `unknown` verdict: why we could not tell this time. `authentication-failed`:
 *   our credential for this tenant was refused (fix the credential or the consent), as opposed to
 *   `directory-unavailable`: Graph or the network is down (try again later).
 */
export type ReasonCode =
  | "restricted-flag"
  | "unit-member"
  | "rotation-denied-by-unit"
  | "not-restricted"
  | "throttled"
  | "permission-missing"
  | "not-found"
  | "snapshot-incomplete"
  | "bad-response"
  | "directory-unavailable"
  | "authentication-failed"
  | "aborted";

/** The reason codes that make an account `protected`. */
export type ProtectedReasonCode = "restricted-flag" | "unit-member" | "rotation-denied-by-unit";

/** The reason codes of an `unknown` verdict. */
export type UnknownReasonCode = Exclude<ReasonCode, ProtectedReasonCode | "not-restricted">;

/** All reason codes, in a stable order (for validation and documentation). */
export const REASON_CODES = [
  "restricted-flag",
  "unit-member",
  "rotation-denied-by-unit",
  "not-restricted",
  "throttled",
  "permission-missing",
  "not-found",
  "snapshot-incomplete",
  "bad-response",
  "directory-unavailable",
  "authentication-failed",
  "aborted",
] as const satisfies readonly ReasonCode[];

/** One signal that the account is protected, with when it was seen (ISO 8601). */
export type Evidence =
  | { readonly kind: "restricted-flag"; readonly observedAt: string }
  | {
      readonly kind: "unit-member";
      readonly unitId: string;
      readonly unitDisplayName: string | null;
      readonly observedAt: string;
    }
  | {
      readonly kind: "rotation-denied";
      /** Graph's error message, which names the restricted management administrative unit. */
      readonly message: string;
      readonly status: number | null;
      readonly code: string | null;
      readonly requestId: string | null;
      readonly observedAt: string;
    };

interface VerdictBase {
  /** Entra object id, when known (an account known only by UPN that could not be resolved has none). */
  readonly accountId: string | null;
  readonly userPrincipalName: string | null;
  /** Human-readable explanation, safe to log and show. */
  readonly reason: string;
  /** Every signal that applied. Empty for `not-protected` and most `unknown` verdicts. */
  readonly evidence: readonly Evidence[];
  /** Restricted units the account is a direct member of, where known. */
  readonly unitIds: readonly string[];
  /** When the information behind this verdict was read (ISO 8601). */
  readonly observedAt: string;
}

/** The account must not be rotated: positive evidence says it sits in a restricted unit. */
export interface ProtectedVerdict extends VerdictBase {
  readonly status: "protected";
  readonly reasonCode: ProtectedReasonCode;
}

/** A complete read shows the account in no restricted unit: it may be rotated. */
export interface NotProtectedVerdict extends VerdictBase {
  readonly status: "not-protected";
  readonly reasonCode: "not-restricted";
}

/** We could not tell this time: skip the account this cycle, persist nothing. */
export interface UnknownVerdict extends VerdictBase {
  readonly status: "unknown";
  readonly reasonCode: UnknownReasonCode;
}

/** The protection verdict for one account. */
export type Verdict = ProtectedVerdict | NotProtectedVerdict | UnknownVerdict;

/** `protected`, `not-protected` or `unknown`. */
export type VerdictStatus = Verdict["status"];
