/**
 * Which Graph application permissions the app holds, read from the `roles` claim of the access tokens
 * the adapter already obtains. A hidden-membership unit answers 200 with a short or empty member list
 * when the app lacks Member.Read.Hidden (docs/decisions/0002 §4), so only a permission we have seen in
 * the token (or one the host vouches for) makes such a list authoritative.
 *
 * The token is decoded, not verified: it came from our own credential and is only ever used to decide
 * whether to trust a listing *more*; an unreadable token means "not known", never "granted". The token
 * itself is never logged, stored or put in an error.
 * See https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference (`roles`).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** The application permission that lets an app list members of hidden-membership units. */
export const MEMBER_READ_HIDDEN = "Member.Read.Hidden";

// Entra tokens are a few KB; anything far larger is not one, and is not worth decoding.
const MAX_PAYLOAD_CHARS = 64 * 1024;

const NONE: ReadonlySet<string> = new Set();

/**
 * The `roles` claim of a JWT access token (application permissions), or an empty set when the token is
 * not a JWT, its payload is not JSON, or it has no `roles` array. Never throws.
 *
 * @example
 * accessTokenRoles(token).has("Member.Read.Hidden");
 */
export function accessTokenRoles(token: string): ReadonlySet<string> {
  try {
    const parts = token.split(".");
    const payload = parts[1];
    if (parts.length !== 3 || payload === undefined || payload.length > MAX_PAYLOAD_CHARS) return NONE;
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(payload)) return NONE;
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const roles = (claims as { roles?: unknown } | null)?.roles;
    if (!Array.isArray(roles)) return NONE;
    return new Set(roles.filter((role): role is string => typeof role === "string"));
  } catch {
    return NONE;
  }
}

/** A credential wrapper that remembers the application permissions of the last token it handed out. */
export interface RoleWatchingCredential {
  /** Hand this to the transport in place of the original credential. */
  readonly credential: TokenCredential;
  /** The roles of the most recent token (empty before the first one). */
  roles(): ReadonlySet<string>;
}

/** Wraps `credential` so every token it returns is inspected for its `roles` claim (and nothing else). */
export function watchAccessTokenRoles(credential: TokenCredential): RoleWatchingCredential {
  let latest = NONE;
  return {
    credential: {
      async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
        const token = await credential.getToken(scopes, options);
        if (token !== null) latest = accessTokenRoles(token.token);
        return token;
      },
    },
    roles: () => latest,
  };
}
