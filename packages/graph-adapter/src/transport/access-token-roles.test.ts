import { describe, expect, it } from "vitest";
import { accessTokenRoles, MEMBER_READ_HIDDEN, watchAccessTokenRoles } from "./access-token-roles.js";

/** An unsigned JWT-shaped token whose payload carries `roles`, as Entra's app tokens do. */
function fakeAccessToken(roles: readonly string[] | undefined, serial: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const payload = { aud: "https://graph.microsoft.com", ...(roles !== undefined ? { roles } : {}) };
  return `${part({ typ: "JWT", alg: "none" })}.${part(payload)}.SECRET-TOKEN-${serial}`;
}

describe("accessTokenRoles", () => {
  it("reads the roles claim of a JWT payload", () => {
    const token = fakeAccessToken([MEMBER_READ_HIDDEN, "User.Read.All"], 1);
    expect([...accessTokenRoles(token)]).toEqual([MEMBER_READ_HIDDEN, "User.Read.All"]);
  });

  it("knows nothing from opaque tokens, payloads without roles, and junk", () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const token of [
      "opaque-token",
      fakeAccessToken(undefined, 1),
      `${part({})}.${part({ roles: "Member.Read.Hidden" })}.sig`,
      `${part({})}.${part({ roles: [42, null] })}.sig`,
      `${part({})}.not json!.sig`,
      `${part({})}.${Buffer.from("not json").toString("base64url")}.sig`,
      `${part({})}.${part({ roles: [MEMBER_READ_HIDDEN] })}`,
      "",
    ]) {
      expect(accessTokenRoles(token).has(MEMBER_READ_HIDDEN)).toBe(false);
    }
  });

  it("remembers the roles of the last token a wrapped credential handed out", async () => {
    const tokens = [fakeAccessToken([MEMBER_READ_HIDDEN], 1), "opaque"];
    const watched = watchAccessTokenRoles({
      getToken: async () => ({ token: tokens.shift() ?? "", expiresOnTimestamp: Date.now() + 60_000 }),
    });
    expect(watched.roles().size).toBe(0);
    const first = await watched.credential.getToken("scope");
    expect(first?.token).toContain("SECRET-TOKEN-1");
    expect(watched.roles().has(MEMBER_READ_HIDDEN)).toBe(true);
    await watched.credential.getToken("scope");
    expect(watched.roles().has(MEMBER_READ_HIDDEN)).toBe(false);
  });
});
