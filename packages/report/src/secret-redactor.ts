/**
 * Redaction of everything the command line prints and every report renders. The CLI passes every byte
 * written to stdout or stderr (tables, the JSON document, log lines, error lines) through one redactor,
 * and the report passes every string of its inputs through it at render time (inputs may predate it), so
 * no path can forget it: known
 * secrets (the Graph token, the client secret, the certificate password, every token a credential hands
 * out during the run) and anything shaped like a bearer credential or a JWT are replaced by `[redacted]`.
 * Shapes matter because a Graph stand-in or proxy may echo a header the CLI never saw as a value.
 */
/** Where text is written: a stream, or anything with `write` (and, for a terminal, `isTTY`/`columns`). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** The mark that replaces a secret. */
export const REDACTED = "[redacted]";

/** Collects the secrets of one run and removes them, and secret-shaped text, from what is printed. */
export interface SecretRedactor {
  /** Adds a secret (a token a credential just returned, say); values under 4 characters are ignored. */
  add(secret: string): void;
  /** The text without any known secret, bearer credential or JWT. */
  redact(text: string): string;
  /** A sink that redacts everything before it reaches `sink`. */
  wrap(sink: TextSink): TextSink;
}

// `Bearer <credential>` (an Authorization header value), however it is quoted or escaped around it.
const BEARER = /\b(Bearer)(\s+|%20|\+)(?!\[redacted\])[^\s"'\\,;&<>]+/gi;
// A JWT (JWS compact form; JWE has more segments and is covered by its first three): base64url JSON
// header, always starting with `eyJ` (`{"`), a payload and a signature segment. No word boundary before
// it: a token glued to text (`%22eyJ…` in a URL-encoded body, `token_eyJ…`) is still a token.
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

// Shorter values would garble ordinary words in every message.
const MIN_SECRET_LENGTH = 4;

/** The forms a secret takes in printed text: as is, JSON-escaped, URL-encoded. */
function printedForms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

/**
 * Creates the redactor of one run with the secrets known at start.
 *
 * @example
 * const redactor = createSecretRedactor([process.env.GRAPH_ACCESS_TOKEN ?? ""]);
 * const stderr = redactor.wrap(process.stderr);
 */
export function createSecretRedactor(initial: Iterable<string> = []): SecretRedactor {
  let forms: string[] = [];
  const add = (secret: string) => {
    const trimmed = secret.trim();
    const candidates = [secret, trimmed].filter((value) => value.length >= MIN_SECRET_LENGTH);
    const next = new Set([...forms, ...candidates.flatMap(printedForms)]);
    // Longest first, so a value containing another is replaced whole.
    forms = [...next].sort((a, b) => b.length - a.length);
  };
  for (const secret of initial) add(secret);
  const redact = (text: string) => {
    let out = text;
    for (const form of forms) out = out.split(form).join(REDACTED);
    return out.replace(BEARER, `$1$2${REDACTED}`).replace(JWT, REDACTED);
  };
  return {
    add,
    redact,
    wrap: (sink) => ({
      write: (text: string) => sink.write(redact(text)),
      get isTTY() {
        return sink.isTTY;
      },
      get columns() {
        return sink.columns;
      },
    }),
  };
}
