/**
 * The `$skiptoken`s of the fake server's `@odata.nextLink`s. Opaque to clients, as Graph's are, and
 * accepted back only from the listing they were issued for (the same route, object and query options)
 * by the server that issued them: each server signs its tokens with a key of its own. A forged token,
 * one edited by hand, or one taken from another listing or another server is refused, as Graph refuses a
 * page token it did not issue ("Don't try to extract the `$skiptoken` or `$skip` value and use it in a
 * different request": https://learn.microsoft.com/graph/paging).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Where a page starts: its 1-based number and the offset of its first item. */
export interface PagePosition {
  readonly page: number;
  readonly offset: number;
}

/** Issues and reads back one server's page tokens. */
export interface PageTokens {
  /** A token for the page at `position` of the listing named by `listing`. */
  issue(listing: string, position: PagePosition): string;
  /** The position a token stands for, or `undefined` unless this server issued it for `listing`. */
  read(listing: string, token: string): PagePosition | undefined;
}

// Graph's skip tokens are opaque base64 blobs; ours carry the page, the offset and a signature.
const PREFIX = "RFNwdAIAAQAAAA";

interface TokenBody {
  readonly p: number;
  readonly o: number;
  readonly s: string;
}

function tokenBody(token: string): TokenBody | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(PREFIX.length), "base64url").toString());
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { p, o, s } = parsed as Partial<Record<keyof TokenBody, unknown>>;
    if (!Number.isInteger(p) || !Number.isInteger(o) || typeof s !== "string") return undefined;
    return (p as number) >= 2 && (o as number) >= 0 ? { p: p as number, o: o as number, s } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page number a token claims, unverified: only to name the page a request asks for (fault matching,
 * the request log). Whether the token is accepted is decided by {@link PageTokens.read}.
 */
export function claimedPage(token: string): number | undefined {
  return tokenBody(token)?.p;
}

/** Page tokens signed with a fresh random key: one per server. */
export function createPageTokens(): PageTokens {
  const key = randomBytes(32);
  const sign = (listing: string, { page, offset }: PagePosition) =>
    createHmac("sha256", key).update(`${page}\n${offset}\n${listing}`).digest("base64url");
  return {
    issue(listing, position) {
      const body: TokenBody = { p: position.page, o: position.offset, s: sign(listing, position) };
      return PREFIX + Buffer.from(JSON.stringify(body)).toString("base64url");
    },
    read(listing, token) {
      const body = tokenBody(token);
      if (body === undefined) return undefined;
      const position = { page: body.p, offset: body.o };
      const expected = Buffer.from(sign(listing, position));
      const given = Buffer.from(body.s);
      return given.length === expected.length && timingSafeEqual(given, expected) ? position : undefined;
    },
  };
}
