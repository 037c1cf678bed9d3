import { describe, expect, it } from "vitest";
import { MAX_BATCH_REQUESTS, userPath } from "./check-users.js";

describe("userPath", () => {
  it("percent-encodes ids and UPNs into the path, never into a filter", () => {
    expect(userPath("o'brien@contoso.com", true)).toBe(
      "/users/o'brien%40contoso.com?$select=id,userPrincipalName,displayName,isManagementRestricted",
    );
    expect(userPath("a/b?c#d@contoso.com", false)).toBe(
      "/users/a%2Fb%3Fc%23d%40contoso.com?$select=id,userPrincipalName,displayName",
    );
    expect(userPath("' or 1 eq 1", false)).not.toContain("$filter");
    expect(userPath("adele_adatum.com#EXT#@contoso.com", false)).toContain(
      "adele_adatum.com%23EXT%23%40contoso.com",
    );
  });

  it("uses the key-in-parentheses form for a UPN starting with $, doubling quotes", () => {
    expect(userPath("$adele@contoso.com", false)).toBe(
      "/users('%24adele%40contoso.com')?$select=id,userPrincipalName,displayName",
    );
    expect(userPath("$o'hara@contoso.com", false)).toContain("users('%24o''hara%40contoso.com')");
  });

  it("never lets a key of dots walk up the path", () => {
    expect(userPath("..", false)).toMatch(/^\/users\/%2E%2E\?/);
  });

  it("batches at most 20 requests, Graph's limit", () => {
    expect(MAX_BATCH_REQUESTS).toBe(20);
  });
});
