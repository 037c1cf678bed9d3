/**
 * What a failed token request means. The authority refusing the credential (an `AADSTS` code) is
 * `unauthorized`, which core reports as `authentication-failed`: nothing will change until someone fixes
 * the credential or the consent. An authority that cannot be reached is `network`, like any outage.
 * The code is kept (hosts and support search for it); the authority's description is not, since Microsoft
 * asks apps not to depend on its text and it carries tenant and trace details a report does not need.
 * See https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
import { createGraphDirectoryError, type GraphDirectoryError } from "../errors/graph-directory-error.js";

// What the codes a rotation service meets most mean, and what to do (Entra's error code reference).
const AADSTS: Readonly<Record<string, string>> = {
  "7000215": "the client secret is not valid; use the secret's value, not its id",
  "7000222": "the client secret has expired; create a new one",
  "700016":
    "the application is not found in the tenant; it may lack consent there, or belong to another tenant or cloud",
  "65001": "the application has no consent in the tenant; an administrator of the tenant must grant it",
  "90002": "the tenant does not exist in this cloud",
};

function errorResponseOf(error: unknown): { errorCodes?: unknown; errorDescription?: unknown } | undefined {
  const response = (error as { errorResponse?: unknown } | null)?.errorResponse;
  return typeof response === "object" && response !== null ? response : undefined;
}

/** The `AADSTS` code of an authority's refusal (`"7000215"`), or `undefined` when there is none. */
export function aadstsCode(error: unknown): string | undefined {
  const response = errorResponseOf(error);
  const codes = response?.errorCodes;
  if (Array.isArray(codes) && Number.isInteger(codes[0])) return String(codes[0]);
  for (const text of [response?.errorDescription, (error as { message?: unknown } | null)?.message]) {
    const match = typeof text === "string" ? /\bAADSTS(\d{5,8})\b/.exec(text) : null;
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** The adapter's error for a token request that failed. */
export function tokenRequestError(error: unknown, tenantId: string, scope: string): GraphDirectoryError {
  const code = aadstsCode(error);
  if (code !== undefined) {
    const meaning = AADSTS[code] ?? "see Entra's error code reference";
    return createGraphDirectoryError(
      "unauthorized",
      `The authority refused a Microsoft Graph token for tenant ${tenantId} (AADSTS${code}: ${meaning}). Fix the app's credential or consent for this tenant; retrying will not help until then.`,
      { graphCode: `AADSTS${code}` },
    );
  }
  const name = (error as { name?: unknown } | null)?.name;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  // The authority answered and refused, without a code we can read.
  if (name === "AuthenticationError" && typeof status === "number" && status >= 400 && status < 500) {
    return createGraphDirectoryError(
      "unauthorized",
      `The authority refused a Microsoft Graph token for tenant ${tenantId} (HTTP ${status}). Check the app registration's credential and that it belongs to this tenant and cloud.`,
      { status },
    );
  }
  // Unreachable, unavailable or anything else: an outage until shown otherwise.
  return createGraphDirectoryError(
    "network",
    `Could not get a Microsoft Graph token for tenant ${tenantId} (scope ${scope}): the token endpoint could not be reached or did not answer (${typeof name === "string" ? name : "error"}); the next cycle will try again.`,
    { cause: error },
  );
}
