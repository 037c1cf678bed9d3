/**
 * The one failure normaliser: whatever a host's password-change call threw or answered (a plain
 * `{ status, code, message }`, a `{ status, body }` as fetch-based clients hold it with the body as an
 * object or JSON text, the Graph SDK's GraphError with `statusCode` and the inner error as JSON text in
 * `body`, a `response` carrying status, headers and body, or a bare Graph error body), read into core's
 * {@link RotationFailure}. `recordRotationFailure`, the Graph adapter's `isRestrictedManagementDenial` and
 * the testing kit's readers all read failures through it. See docs/decisions/0004-error-body-and-request-id.md.
 */
import { parseGraphErrorBody } from "../internal/graph-error-body.js";
import { isRecord } from "../internal/input-checks.js";
import type { RotationFailure } from "../ports/directory-reader.js";

type Loose = Record<string, unknown>;

const asObject = (value: unknown): Loose | undefined => (isRecord(value) ? value : undefined);
const asText = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;
const asStatus = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;

function header(headers: unknown, name: string): string | undefined {
  if (typeof (headers as { get?: unknown } | undefined)?.get === "function") {
    return asText((headers as { get(name: string): unknown }).get(name));
  }
  return asText(asObject(headers)?.[name]);
}

/**
 * Reads HTTP status, Graph error code, message and request id from an error-like value; `undefined`
 * when it carries no status, code or message (then it is not a directory answer at all). Never throws,
 * even on a value whose getters do.
 *
 * @example
 * normalizeRotationFailure({ status: 403, body: '{"error":{"code":"Authorization_RequestDenied","message":"…"}}' });
 * // { status: 403, code: "Authorization_RequestDenied", message: "…" }
 */
export function normalizeRotationFailure(value: unknown): RotationFailure | undefined {
  try {
    const error = asObject(value);
    if (error === undefined) return undefined;
    const response = asObject(error.response);
    // The Graph error body: under `body` (the SDK keeps the inner error there as text), under the
    // response, or the value itself (`{ error: { code, message } }`).
    const bodies = [error.body, response?.body, response?.data, error];
    let body: ReturnType<typeof parseGraphErrorBody> | undefined;
    for (const candidate of bodies) {
      if (candidate === undefined) continue;
      const parsed = parseGraphErrorBody(candidate, { bareErrorObject: candidate !== error });
      if (parsed.code !== undefined || parsed.message !== undefined) {
        body = parsed;
        break;
      }
    }
    const status = asStatus(error.status) ?? asStatus(error.statusCode) ?? asStatus(response?.status);
    const code = body?.code ?? asText(error.code);
    const message = body?.message ?? asText(error.message);
    const requestId =
      asText(error.requestId) ??
      header(error.headers, "request-id") ??
      header(response?.headers, "request-id") ??
      body?.requestId;
    if (status === undefined && code === undefined && message === undefined) return undefined;
    return {
      ...(status !== undefined ? { status } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    };
  } catch {
    // A hostile getter must not turn reading a failure into a crash.
    return undefined;
  }
}
