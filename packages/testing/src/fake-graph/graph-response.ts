/**
 * Microsoft Graph's response envelopes, as the fake server emits them: the OData JSON content type, the
 * `{ error: { code, message, innerError } }` error body, and the request ids every response carries.
 * See https://learn.microsoft.com/graph/errors and https://learn.microsoft.com/graph/json-batching.
 */
import { randomUUID } from "node:crypto";

/** The content type of Graph's successful JSON responses. */
export const ODATA_JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Graph's answer to one request, before it is written to the wire or into a `$batch` response. */
export interface GraphResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body; absent for 204. */
  readonly body?: unknown;
  /** Text to send instead of `body` (a malformed-JSON fault). */
  readonly rawBody?: string;
}

/** What every response of one request shares: its ids and when Graph saw it. */
export interface ResponseStamp {
  readonly requestId: string;
  readonly clientRequestId: string;
  readonly nowMs: number;
}

/** A fresh stamp; `client-request-id` echoes the caller's header as Graph does, or is generated. */
export function responseStamp(clientRequestId: string | undefined, nowMs: number): ResponseStamp {
  return { requestId: randomUUID(), clientRequestId: clientRequestId ?? randomUUID(), nowMs };
}

function commonHeaders(stamp: ResponseStamp): Record<string, string> {
  return {
    "cache-control": "no-cache",
    "request-id": stamp.requestId,
    "client-request-id": stamp.clientRequestId,
    "strict-transport-security": "max-age=31536000",
  };
}

/** A 200 (or other 2xx) OData JSON response. */
export function jsonResponse(stamp: ResponseStamp, body: unknown, status = 200): GraphResponse {
  return {
    status,
    headers: { ...commonHeaders(stamp), "content-type": ODATA_JSON_CONTENT_TYPE, "odata-version": "4.0" },
    body,
  };
}

/** A 204 No Content (a successful PATCH). */
export function noContentResponse(stamp: ResponseStamp): GraphResponse {
  return { status: 204, headers: commonHeaders(stamp) };
}

/** Graph's `innerError.date`: UTC, second precision, no zone suffix (`2025-02-13T10:17:05`). */
function innerErrorDate(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 19);
}

/** A Graph error response with the documented body shape. */
export function errorResponse(
  stamp: ResponseStamp,
  status: number,
  code: string,
  message: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): GraphResponse {
  return {
    status,
    headers: { ...commonHeaders(stamp), "content-type": "application/json", ...extraHeaders },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: innerErrorDate(stamp.nowMs),
          "request-id": stamp.requestId,
          "client-request-id": stamp.clientRequestId,
        },
      },
    },
  };
}

/** Graph's wording for the usual error statuses, used when a fault names only a status. */
export const DEFAULT_ERRORS: Readonly<Record<number, { readonly code: string; readonly message: string }>> = {
  400: { code: "Request_BadRequest", message: "Invalid request." },
  401: { code: "InvalidAuthenticationToken", message: "Access token validation failure." },
  403: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
  404: {
    code: "Request_ResourceNotFound",
    message: "Resource does not exist or one of its queried reference-property objects are not present.",
  },
  429: { code: "TooManyRequests", message: "Too many requests." },
  500: { code: "generalException", message: "General exception while processing." },
  503: { code: "serviceNotAvailable", message: "Service unavailable." },
  504: { code: "UnknownError", message: "Gateway timeout." },
};

/** The error for a status, in Graph's words where known. */
export function defaultError(status: number): { readonly code: string; readonly message: string } {
  return DEFAULT_ERRORS[status] ?? { code: "UnknownError", message: `Request failed with status ${status}.` };
}

/** 403 Authorization_RequestDenied, Graph's answer when the app lacks a permission. */
export function forbidden(stamp: ResponseStamp): GraphResponse {
  return errorResponse(
    stamp,
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );
}

/** 404 Request_ResourceNotFound for a directory object, in Graph's words. */
export function resourceNotFound(stamp: ResponseStamp, key: string): GraphResponse {
  return errorResponse(
    stamp,
    404,
    "Request_ResourceNotFound",
    `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** 400 for a property the type does not have (also what a cloud without `isManagementRestricted` says). */
export function unknownProperty(stamp: ResponseStamp, property: string, type: string): GraphResponse {
  return errorResponse(
    stamp,
    400,
    "Request_BadRequest",
    `Could not find a property named '${property}' on type 'microsoft.graph.${type}'.`,
  );
}

/** Returns the JSON text of a body cut in half, so that no JSON parser accepts it. */
export function truncatedJson(body: unknown): string {
  const text = JSON.stringify(body ?? {});
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
