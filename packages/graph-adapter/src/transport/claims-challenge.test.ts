import { describe, expect, it } from "vitest";
import { claimsFromChallenge } from "./claims-challenge.js";

describe("claimsFromChallenge", () => {
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}';

  it("decodes the claims of a CAE challenge (standard or URL-safe base64)", () => {
    const standard = Buffer.from(claims).toString("base64");
    expect(claimsFromChallenge(`Bearer realm="", error="insufficient_claims", claims="${standard}"`)).toBe(
      claims,
    );
    const urlSafe = Buffer.from(claims).toString("base64url");
    expect(claimsFromChallenge(`Bearer CLAIMS="${urlSafe}", error="insufficient_claims"`)).toBe(claims);
  });

  it("returns undefined without a claims parameter, or when it is not base64 JSON", () => {
    expect(claimsFromChallenge(null)).toBeUndefined();
    expect(
      claimsFromChallenge('Bearer realm="", client_id="00000003-0000-0000-c000-000000000000"'),
    ).toBeUndefined();
    expect(claimsFromChallenge('Bearer claims=""')).toBeUndefined();
    expect(claimsFromChallenge('Bearer claims="not base64!"')).toBeUndefined();
    expect(
      claimsFromChallenge(`Bearer claims="${Buffer.from("not json").toString("base64")}"`),
    ).toBeUndefined();
    // A parameter that merely ends in "claims" is not the claims parameter.
    expect(claimsFromChallenge(`Bearer xclaims="${Buffer.from(claims).toString("base64")}"`)).toBeUndefined();
  });
});
