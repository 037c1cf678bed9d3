/**
 * Turns an unknown thrown value into a short, log-safe summary. Errors from adapters and stores can
 * echo request details, so anything that looks like a bearer token, a JWT or a password in a connection
 * URL is cut out first.
 */

const BEARER = /bearer\s+[\w\-.~+/]+=*/gi;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const SECRET_FIELD =
  /((?:client_secret|password|access_token|refresh_token)["']?\s*[:=]\s*)["']?[^\s"'&,}]+/gi;
// The password of a URL's user info (`redis://:secret@host`, `postgres://user:secret@host/db`).
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*):[^\s/@]*@/gi;
const MAX_LENGTH = 300;

/** Redacts token-like text from a message and caps its length. */
export function redactSecrets(text: string): string {
  const redacted = text
    .replace(BEARER, "Bearer [redacted]")
    .replace(JWT, "[redacted]")
    .replace(SECRET_FIELD, "$1[redacted]")
    .replace(URL_PASSWORD, "$1:[redacted]@");
  return redacted.length > MAX_LENGTH ? `${redacted.slice(0, MAX_LENGTH)}…` : redacted;
}

/** `{ name, message }` of a thrown value, redacted; safe to log and to put in a report. */
export function summarizeError(error: unknown): { readonly name: string; readonly message: string } {
  if (error instanceof Error) return { name: error.name, message: redactSecrets(String(error.message)) };
  return { name: typeof error, message: redactSecrets(String(error)) };
}
