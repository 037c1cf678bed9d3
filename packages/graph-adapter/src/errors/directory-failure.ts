/**
 * Maps the adapter's errors to core's `DirectoryFailure`: the kind core reasons about, plus the status,
 * Graph code and request id a report needs. Never a token.
 */
import type { DirectoryFailure, DirectoryFailureKind } from "@rotation-exclusion/core/ports";
import type { GraphDirectoryError, GraphDirectoryErrorCode } from "./graph-directory-error.js";

const KIND: Record<GraphDirectoryErrorCode, DirectoryFailureKind> = {
  throttled: "throttled",
  forbidden: "permission-missing",
  "restricted-management-denied": "permission-missing",
  "not-found": "not-found",
  "bad-response": "bad-response",
  // A 400 we did not expect: the directory refused the query; core must not draw conclusions from it.
  "bad-request": "unavailable",
  // 401 after the one refresh, or the authority refused the token: the credential itself is the problem.
  unauthorized: "authentication-failed",
  network: "unavailable",
  "deadline-exceeded": "unavailable",
  "server-error": "unavailable",
  aborted: "unavailable",
  "invalid-options": "unavailable",
};

/** The failure for an error; `kind` overrides the default mapping (for example `unsupported`). */
export function toDirectoryFailure(
  error: GraphDirectoryError,
  kind?: DirectoryFailureKind,
): DirectoryFailure {
  return {
    kind: kind ?? KIND[error.code],
    message: error.message,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.graphCode !== undefined ? { code: error.graphCode } : {}),
    ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
  };
}

/** True for Graph's 400 that names `isManagementRestricted`: the cloud does not have the property. */
export function namesMissingRestrictedProperty(error: GraphDirectoryError): boolean {
  return (
    error.status === 400 &&
    typeof error.graphMessage === "string" &&
    error.graphMessage.toLowerCase().includes("ismanagementrestricted")
  );
}

// The codes Graph answers PIM reads with in a tenant without the licence; Microsoft documents neither
// (decision 0008), so both are read the same way: the read is unsupported, never "no holders".
const LICENCE_CODES = new Set(["aadpremiumlicenserequired", "pimlicenserequired"]);

/**
 * Graph's answer for a tenant without Entra ID P2 / ID Governance: 400 `AadPremiumLicenseRequired`,
 * "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license." (older
 * wording: "The tenant needs an AAD Premium 2 license."), or `PimLicenseRequired`. See decision 0008.
 */
export function needsPremiumLicence(error: GraphDirectoryError): boolean {
  if (error.status !== 400 && error.status !== 403) return false;
  if (LICENCE_CODES.has(error.graphCode?.toLowerCase() ?? "")) return true;
  return /needs (to have )?(an )?(aad premium|microsoft entra id p2)/i.test(error.graphMessage ?? "");
}
