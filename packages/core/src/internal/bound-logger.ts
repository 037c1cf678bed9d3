/**
 * A host's logger bound to fixed fields (the tenant), made safe to call: a logger that throws never
 * turns a verdict or a read into a failure, and a field named like a secret never reaches the host's
 * logger, however a caller built its object.
 */
import { type Logger, silentLogger } from "../ports/logger.js";
import { isPlainObject } from "./input-checks.js";

// Field names (lower case) whose values are never logged, at the top level or one object down.
const SECRET_FIELDS = new Set([
  "authorization",
  "token",
  "accesstoken",
  "access_token",
  "refresh_token",
  "clientsecret",
  "client_secret",
  "password",
  "secret",
  "cookie",
]);

function withoutSecrets(obj: object, depth = 0): object {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(obj)) {
    let safe = value;
    if (SECRET_FIELDS.has(key.toLowerCase())) safe = "[redacted]";
    else if (depth === 0 && isPlainObject(value)) safe = withoutSecrets(value, 1);
    if (safe !== value) {
      copy ??= { ...obj } as Record<string, unknown>;
      copy[key] = safe;
    }
  }
  return copy ?? obj;
}

/**
 * The logger every line of which carries `fields` (e.g. `{ tenantId }`), with secret-named fields
 * redacted and the host's logger's own failures swallowed. The silent logger stays silent for free.
 */
export function bindLogger(logger: Logger, fields: Readonly<Record<string, unknown>>): Logger {
  if (logger === silentLogger) return silentLogger;
  const bind =
    (level: keyof Logger) =>
    (obj: object, msg?: string): void => {
      try {
        const line = { ...fields, ...withoutSecrets(obj) };
        if (msg === undefined) logger[level](line);
        else logger[level](line, msg);
      } catch {
        // Logging is best effort.
      }
    };
  return { debug: bind("debug"), info: bind("info"), warn: bind("warn"), error: bind("error") };
}
