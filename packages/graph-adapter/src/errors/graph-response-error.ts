/**
 * Turns a non-2xx Graph answer (a whole response, or one `$batch` item) into a GraphDirectoryError with
 * Graph's code, message and request id, and a next step a person can act on.
 * See https://learn.microsoft.com/graph/errors
 */

import { parseGraphErrorBody } from "@rotation-exclusion/core/internal";
import { parseRetryAfterMs } from "../requests/retry-policy.js";
import type { ResponseHeaders } from "../transport/graph-http.js";
import {
  createGraphDirectoryError,
  type GraphDirectoryError,
  type GraphDirectoryErrorCode,
} from "./graph-directory-error.js";
import { isRestrictedManagementDenial } from "./restricted-management-denial.js";

function codeFor(status: number, denial: boolean): GraphDirectoryErrorCode {
  if (status === 429) return "throttled";
  if (status === 401) return "unauthorized";
  if (status === 403) return denial ? "restricted-management-denied" : "forbidden";
  if (status === 404) return "not-found";
  if (status >= 500 || status === 424) return "server-error";
  if (status >= 400) return "bad-request";
  return "bad-response";
}

const NEXT_STEP: Record<GraphDirectoryErrorCode, string> = {
  throttled: "Graph is throttling this app; the next cycle will try again.",
  unauthorized: "Check the app registration's credential and that it belongs to this tenant and cloud.",
  forbidden: "Grant the app the Graph application permission this read needs (and admin consent).",
  "restricted-management-denied":
    "The object sits in a restricted management administrative unit; only administrators scoped to that unit may modify it.",
  "not-found": "The object does not exist or is not visible to the app.",
  "bad-request": "Graph rejected the query; this cloud may not support it yet.",
  network: "Check connectivity to Microsoft Graph; the next cycle will try again.",
  "bad-response": "Graph answered with something it does not document; the next cycle will try again.",
  "deadline-exceeded": "The request ran out of time; the next cycle will try again.",
  aborted: "The caller cancelled the request.",
  "server-error": "Graph had a transient failure; the next cycle will try again.",
  "invalid-options": "Fix the adapter options.",
};

/** The next step to suggest for a code, in plain words. */
export function nextStepFor(code: GraphDirectoryErrorCode): string {
  return NEXT_STEP[code];
}

/**
 * The error's message without its generic next step: what failed, for a caller that knows the precise
 * next step (core names the permission a role read needs).
 */
export function whatFailed(error: GraphDirectoryError): string {
  const step = ` ${NEXT_STEP[error.code]}`;
  return error.message.endsWith(step) ? error.message.slice(0, -step.length) : error.message;
}

/** Where the failure happened, for messages: "Listing users with isManagementRestricted on tenant t". */
export interface FailureContext {
  readonly what: string;
  readonly tenantId: string;
}

/**
 * Creates the error for one non-2xx answer. `headers` may be a fetch `Headers` or a `$batch` item's
 * plain header object.
 */
export function errorFromResponse(
  status: number,
  headers: ResponseHeaders | Readonly<Record<string, string>> | undefined,
  body: unknown,
  context: FailureContext,
): GraphDirectoryError {
  const header = (name: string): string | undefined => {
    if (headers === undefined) return undefined;
    // Not `instanceof Headers`: undici's fetch (used with a custom CA) has its own Headers class.
    if (typeof (headers as ResponseHeaders).get === "function")
      return (headers as ResponseHeaders).get(name) ?? undefined;
    const plain = headers as Readonly<Record<string, string>>;
    const key = Object.keys(plain).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : plain[key];
  };
  const graph = parseGraphErrorBody(body);
  const denial =
    status === 403 && isRestrictedManagementDenial({ status, code: graph.code, message: graph.message });
  const code = codeFor(status, denial);
  // Graph's own id, never the `client-request-id` it echoes (that one is ours: docs/decisions/0004).
  const requestId = header("request-id") ?? graph.requestId;
  const said = graph.code !== undefined ? ` ${graph.code}${graph.message ? `: ${graph.message}` : ""}` : "";
  const failed = `${context.what} on tenant ${context.tenantId} failed with HTTP ${status}${said}`;
  // Graph's own message usually ends its sentence already ("...complete the operation.").
  const stop = /[.!?]$/.test(failed) ? "" : ".";
  return createGraphDirectoryError(code, `${failed}${stop} ${NEXT_STEP[code]}`, {
    status,
    graphCode: graph.code,
    graphMessage: graph.message,
    requestId,
    retryAfterMs: parseRetryAfterMs(header("retry-after")),
  });
}
