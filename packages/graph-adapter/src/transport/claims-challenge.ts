/**
 * Continuous Access Evaluation: a 401 whose `WWW-Authenticate` carries `error="insufficient_claims"` and
 * `claims="<base64 JSON>"` asks for a new token that satisfies those claims. The credential takes them
 * decoded, as `GetTokenOptions.claims` (what Azure's own challenge handler passes).
 * See https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */

// Challenges are short; a huge header is not one we should decode.
const MAX_CLAIMS_CHARS = 16 * 1024;

/**
 * The decoded `claims` JSON of a `WWW-Authenticate` challenge, or `undefined` when there is none or it
 * does not decode to JSON. Never throws.
 *
 * @example
 * claimsFromChallenge('Bearer error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="'); // '{"access_token":{}}'
 */
export function claimsFromChallenge(header: string | null | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = /(?:^|[\s,])claims\s*=\s*"([^"]*)"/i.exec(header);
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length === 0 || encoded.length > MAX_CLAIMS_CHARS) return undefined;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return undefined;
  try {
    // Node's base64 decoder also reads the URL-safe alphabet.
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    JSON.parse(decoded);
    return decoded;
  } catch {
    return undefined;
  }
}
