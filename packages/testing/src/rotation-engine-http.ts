/**
 * The rotation engine's one HTTP call, `PATCH /v1.0/users/{id}` over node:https or a host's fetch, how
 * a user is addressed, and how a Graph error answer becomes a {@link RotationEngineFailure}. Kept apart from the cycle logic so
 * each file stays small; the request body (the new password) never leaves this call.
 */
import { request as httpsRequest } from "node:https";

/** A failed password change, in Graph's words (never the password). */
export interface RotationEngineFailure {
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string;
  readonly requestId: string | null;
}

/** What Graph answered to a PATCH. */
export interface PatchResponse {
  readonly status: number;
  readonly requestId: string | null;
  readonly text: string;
}

/** How the PATCH is sent. */
export interface PatchTransport {
  /** Extra trusted CA (PEM). Ignored with `fetch`. */
  readonly ca?: string | undefined;
  /** Sends the PATCH instead of node:https. */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

function patchWithHttps(url: string, headers: Record<string, string>, body: string, ca: string | undefined) {
  return new Promise<PatchResponse>((resolve, reject) => {
    const requestOptions = { method: "PATCH", headers, ...(ca !== undefined ? { ca } : {}) };
    const request = httpsRequest(url, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const requestId = res.headers["request-id"];
        resolve({
          status: res.statusCode ?? 0,
          requestId: typeof requestId === "string" ? requestId : null,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
      res.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Sends one PATCH and reads the whole answer. It takes no abort signal on purpose: once a new password
 * is on its way, cancelling would leave the host not knowing whether the account's password changed.
 */
export async function sendPatch(
  url: string,
  headers: Record<string, string>,
  body: string,
  transport: PatchTransport,
): Promise<PatchResponse> {
  if (transport.fetch === undefined) return patchWithHttps(url, headers, body, transport.ca);
  const response = await transport.fetch(url, { method: "PATCH", headers, body });
  return {
    status: response.status,
    requestId: response.headers.get("request-id"),
    text: await response.text(),
  };
}

/**
 * The Graph path of a user, by object id, else by user principal name; `undefined` when the account
 * names neither. A UPN starting with `$` uses the key form `/users('{upn}')`, with `'` doubled (OData)
 * and percent-encoded, because Graph answers 400 to `/users/$x@y.com` (docs/decisions/0011).
 */
export function userPath(objectId: string | undefined, userPrincipalName: string | undefined) {
  if (objectId !== undefined && objectId !== "") return `/users/${encodeURIComponent(objectId)}`;
  if (userPrincipalName === undefined || userPrincipalName === "") return undefined;
  if (userPrincipalName.startsWith("$")) {
    return `/users('${encodeURIComponent(userPrincipalName.replaceAll("'", "''"))}')`;
  }
  return `/users/${encodeURIComponent(userPrincipalName)}`;
}

/** Reads Graph's error body (`{ error: { code, message } }`); the status line when there is none. */
export function graphError(response: PatchResponse): RotationEngineFailure {
  let code: string | null = null;
  let message = `Graph answered HTTP ${response.status}`;
  try {
    const error = (JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code === "string") code = error.code;
    if (typeof error?.message === "string") message = error.message;
  } catch {
    // Not a Graph error body: the status line is all we have.
  }
  return { status: response.status, code, message, requestId: response.requestId };
}
