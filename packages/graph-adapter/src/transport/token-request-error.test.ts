import { AuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { describe, expect, test } from "vitest";
import { toDirectoryFailure } from "../errors/directory-failure.js";
import { tokenRequestError } from "./token-request-error.js";

const TENANT = "11111111-2222-4333-8444-555555555555";
const SCOPE = "https://graph.microsoft.com/.default";

// As MSAL reports an authority's refusal through @azure/identity: an OAuth error body.
function refused(code: number, description: string): AuthenticationError {
  return new AuthenticationError(400, {
    error: "invalid_client",
    error_description: `AADSTS${code}: ${description} Trace ID: 0000 Correlation ID: 1111 Timestamp: 2026-12-01 00:00:00Z`,
    error_codes: [code],
  });
}

describe("tokenRequestError", () => {
  test.each([
    [7000215, "Invalid client secret provided.", "not valid"],
    [7000222, "The provided client secret keys for app '2222' are expired.", "expired"],
    [
      700016,
      "Application with identifier '2222' was not found in the directory 'contoso'.",
      "not found in the tenant",
    ],
    [65001, "The user or administrator has not consented to use the application.", "no consent"],
    [90002, "Tenant 'contoso' not found.", "does not exist"],
  ])(
    "AADSTS%i is authentication-failed, with the code kept and the authority's words left out",
    (code, description, meaning) => {
      const error = tokenRequestError(refused(code, description), TENANT, SCOPE);
      expect(error.code).toBe("unauthorized");
      expect(error.graphCode).toBe(`AADSTS${code}`);
      expect(error.message).toContain(`AADSTS${code}`);
      expect(error.message).toContain(meaning);
      expect(error.message).not.toContain(description);
      expect(error.message).not.toContain("Trace ID");
      expect(error.cause).toBeUndefined();
      expect(toDirectoryFailure(error)).toMatchObject({
        kind: "authentication-failed",
        code: `AADSTS${code}`,
      });
    },
  );

  test("an unknown AADSTS code found only in the message still counts as a refusal", () => {
    const error = tokenRequestError(new Error("AADSTS1234567: something new"), TENANT, SCOPE);
    expect(toDirectoryFailure(error)).toMatchObject({ kind: "authentication-failed", code: "AADSTS1234567" });
  });

  test("an authority that cannot be reached, or a credential that throws anything else, is unavailable", () => {
    for (const thrown of [
      new CredentialUnavailableError("endpoints_resolution_error: See https://aka.ms/msal.js.errors"),
      new TypeError("fetch failed"),
      new AuthenticationError(503, { error: "temporarily_unavailable", error_description: "busy" }),
    ]) {
      const error = tokenRequestError(thrown, TENANT, SCOPE);
      expect(error.code).toBe("network");
      expect(toDirectoryFailure(error).kind).toBe("unavailable");
    }
  });
});
