/**
 * Fresh per-account checks through JSON batching (`POST /$batch`, at most 20 requests per batch:
 * https://learn.microsoft.com/graph/json-batching). Each item reads `/users/{id | userPrincipalName}`
 * with the id or UPN percent-encoded in the path, never spliced into a `$filter`. Items answered 429,
 * 503, 504 or 424 are sent again in the next attempt of the same logical request, so they share its
 * retry budget, deadline and Retry-After.
 */

import { isGuid } from "@rotation-exclusion/core/internal";
import type { AccountRef, DirectoryFailure, UserCheck } from "@rotation-exclusion/core/ports";
import { namesMissingRestrictedProperty, toDirectoryFailure } from "../errors/directory-failure.js";
import {
  createGraphDirectoryError,
  type GraphDirectoryError,
  isGraphDirectoryError,
} from "../errors/graph-directory-error.js";
import { errorFromResponse } from "../errors/graph-response-error.js";
import { RETRYABLE_STATUSES } from "../requests/retry-policy.js";
import { type DirectoryContext, graphUrl } from "./directory-context.js";
import { objectId, stringOrNull } from "./graph-json.js";

/** Graph's limit of requests in one JSON batch. */
export const MAX_BATCH_REQUESTS = 20;

/** Whether users can be asked for `isManagementRestricted`; flips to `unsupported` on Graph's 400. */
export interface UserCheckMode {
  propertySupported: boolean;
}

interface Item {
  readonly index: number;
  readonly key: string;
  lastError?: GraphDirectoryError;
}

/**
 * The batch-relative path of one user. A UPN that starts with `$` must use the key-in-parentheses form
 * (`/users('$x@y.com')`), because OData reserves a leading `$` for system segments; `#` and `/` are
 * percent-encoded. See https://learn.microsoft.com/graph/api/user-get (HTTP request, tips).
 */
export function userPath(key: string, withProperty: boolean): string {
  const select = withProperty
    ? "id,userPrincipalName,displayName,isManagementRestricted"
    : "id,userPrincipalName,displayName";
  const segment = key.startsWith("$")
    ? `users('${encodeURIComponent(key.replaceAll("'", "''"))}')`
    : // encodeURIComponent keeps "." so a key of only dots would walk up the path: encode those too.
      `users/${/^\.+$/.test(key) ? key.replaceAll(".", "%2E") : encodeURIComponent(key)}`;
  return `/${segment}?$select=${select}`;
}

function failed(failure: DirectoryFailure): UserCheck {
  return { outcome: "failed", failure };
}

type ItemAnswer = UserCheck | "requery";

function interpret(
  context: DirectoryContext,
  response: { status: number; headers: Record<string, string> | undefined; body: unknown },
  key: string,
  withProperty: boolean,
): ItemAnswer {
  const what = `Checking user ${key}`;
  if (response.status < 200 || response.status > 299) {
    const error = errorFromResponse(response.status, response.headers, response.body, {
      what,
      tenantId: context.tenantId,
    });
    if (withProperty && namesMissingRestrictedProperty(error)) return "requery";
    return failed(toDirectoryFailure(error));
  }
  const body = response.body;
  const id = objectId(body);
  const bad = (problem: string) =>
    failed({
      kind: "bad-response",
      message: `${what} on tenant ${context.tenantId}: ${problem}.`,
      status: response.status,
    });
  if (id === undefined) return bad("Graph returned a user without an id");
  // An answer about another object must never decide this account (a proxy, cache or batch bug):
  // a GUID key names the object, so anything else is a bad response, not evidence.
  if (isGuid(key) && id.toLowerCase() !== key.toLowerCase()) {
    return bad(`Graph answered for object ${id} instead`);
  }
  const user = {
    id,
    userPrincipalName: stringOrNull(body, "userPrincipalName"),
    displayName: stringOrNull(body, "displayName"),
  };
  if (!withProperty) return { outcome: "found", user, isManagementRestricted: "unavailable" };
  const flag = (body as Record<string, unknown>).isManagementRestricted;
  // Absent is not "false": Graph did not say. Null is Graph's default for "never restricted".
  if (flag === undefined) return bad("Graph did not return isManagementRestricted");
  if (flag !== true && flag !== false && flag !== null) return bad("isManagementRestricted is not a boolean");
  return { outcome: "found", user, isManagementRestricted: flag === true };
}

interface BatchItemResponse {
  status: number;
  headers: Record<string, string> | undefined;
  body: unknown;
}

/** An id Graph answered more than once: neither answer can be trusted (decision 0007 §3). */
const DUPLICATE = "duplicate";

function readBatchResponses(
  json: unknown,
  tenantId: string,
): Map<string, BatchItemResponse | typeof DUPLICATE> {
  const responses = (json as { responses?: unknown } | null)?.responses;
  if (!Array.isArray(responses)) {
    throw createGraphDirectoryError(
      "bad-response",
      `Checking users on tenant ${tenantId}: the $batch answer has no responses array.`,
    );
  }
  const byId = new Map<string, BatchItemResponse | typeof DUPLICATE>();
  for (const entry of responses) {
    if (typeof entry !== "object" || entry === null) continue;
    const { id, status, headers, body } = entry as Record<string, unknown>;
    if (typeof id !== "string" || typeof status !== "number") continue;
    const plainHeaders =
      typeof headers === "object" && headers !== null ? (headers as Record<string, string>) : undefined;
    byId.set(id, byId.has(id) ? DUPLICATE : { status, headers: plainHeaders, body });
  }
  return byId;
}

async function runChunk(
  context: DirectoryContext,
  items: readonly Item[],
  withProperty: boolean,
  results: UserCheck[],
  signal: AbortSignal | undefined,
): Promise<Item[]> {
  const pending = new Map(items.map((item, n) => [String(n + 1), item]));
  const requery: Item[] = [];
  try {
    await context.runner.run({
      route: "POST /$batch",
      what: `Checking ${items.length} users`,
      idempotent: true,
      signal,
      // An outer 424 still carries every item's answer; throttled items are re-batched below.
      acceptStatuses: [424],
      request: () => ({
        method: "POST",
        url: graphUrl(context, "/$batch"),
        body: {
          requests: [...pending].map(([id, item]) => ({
            id,
            method: "GET",
            url: userPath(item.key, withProperty),
          })),
        },
      }),
      accept: ({ status, headers, json }) => {
        if (status === 424 && !Array.isArray((json as { responses?: unknown } | null)?.responses)) {
          // A 424 without items is a plain failure of the whole batch: retried like any other.
          throw errorFromResponse(status, headers, json, {
            what: `Checking ${pending.size} users`,
            tenantId: context.tenantId,
          });
        }
        const responses = readBatchResponses(json, context.tenantId);
        let retry: { status: number; retryAfterMs: number | undefined } | undefined;
        for (const [id, item] of pending) {
          const response = responses.get(id);
          if (response === undefined || response === DUPLICATE) {
            const problem = response === undefined ? "has no response for it" : "answers it more than once";
            results[item.index] = failed({
              kind: "bad-response",
              message: `Checking user ${item.key} on tenant ${context.tenantId}: the $batch answer ${problem}.`,
            });
            pending.delete(id);
            continue;
          }
          if (RETRYABLE_STATUSES.has(response.status)) {
            if (response.status === 429) context.stats.recordThrottled("GET /users/{id}");
            item.lastError = errorFromResponse(response.status, response.headers, response.body, {
              what: `Checking user ${item.key}`,
              tenantId: context.tenantId,
            });
            // The longest Retry-After of any item is the floor for re-sending them together.
            const waits = [retry?.retryAfterMs, item.lastError.retryAfterMs].filter((ms) => ms !== undefined);
            retry = {
              status: retry?.status === 429 ? 429 : response.status,
              retryAfterMs: waits.length > 0 ? Math.max(...waits) : undefined,
            };
            continue;
          }
          const answer = interpret(context, response, item.key, withProperty);
          if (answer === "requery") requery.push(item);
          else results[item.index] = answer;
          pending.delete(id);
        }
        if (retry !== undefined) {
          // Ask the retry layer for another attempt; only the items still pending are sent again.
          throw createGraphDirectoryError(
            retry.status === 429 ? "throttled" : "server-error",
            `Checking users on tenant ${context.tenantId}: ${pending.size} items answered HTTP ${retry.status}.`,
            { status: retry.status, retryAfterMs: retry.retryAfterMs },
          );
        }
      },
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (!isGraphDirectoryError(error)) throw error;
    for (const item of pending.values()) {
      // An item that was throttled keeps its own answer's details; the rest share the batch's failure.
      const cause = item.lastError ?? error;
      results[item.index] = failed(toDirectoryFailure(cause));
    }
  }
  return requery;
}

/** Checks each ref; one answer per ref, in order. Rejects only with the caller's abort reason. */
export async function checkUsers(
  context: DirectoryContext,
  refs: readonly AccountRef[],
  mode: UserCheckMode,
  signal: AbortSignal | undefined,
): Promise<UserCheck[]> {
  signal?.throwIfAborted();
  const results: UserCheck[] = new Array(refs.length);
  const items: Item[] = [];
  refs.forEach((ref, index) => {
    const key = ref.id ?? ref.userPrincipalName;
    if (typeof key !== "string" || key.trim() === "") {
      results[index] = failed({
        kind: "not-found",
        message: "An account reference without an id or UPN was given.",
      });
    } else {
      items.push({ index, key });
    }
  });
  for (let start = 0; start < items.length; start += MAX_BATCH_REQUESTS) {
    const chunk = items.slice(start, start + MAX_BATCH_REQUESTS);
    const requery = await runChunk(context, chunk, mode.propertySupported, results, signal);
    if (requery.length > 0) {
      // Graph said this cloud has no isManagementRestricted: remember it and ask again without it.
      mode.propertySupported = false;
      context.logger.warn(
        {},
        "isManagementRestricted is not supported here; user checks report it unavailable",
      );
      await runChunk(context, requery, false, results, signal);
    }
  }
  return results;
}
