/**
 * `POST /$batch` (JSON batching): up to 20 requests with relative URLs, each run through the same routes
 * and faults as a top-level request, answered as `{ responses: [{ id, status, headers, body }] }` in an
 * order Graph does not promise to keep.
 * See https://learn.microsoft.com/graph/json-batching.
 */
import { errorResponse, type GraphResponse, jsonResponse, type ResponseStamp } from "./graph-response.js";

/** Graph's limit of requests in one batch. */
export const MAX_BATCH_REQUESTS = 20;

/** One item of a batch, validated. */
export interface BatchItem {
  readonly id: string;
  readonly method: string;
  /** Relative to the version root, with or without a leading slash (`/users/x?$select=id`). */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

/** How an item ended: an answer, or a dropped connection (which a batch cannot carry). */
export type BatchItemOutcome =
  | { readonly kind: "response"; readonly response: GraphResponse }
  | { readonly kind: "reset" };

/** Order of the `responses` array: Graph may reorder it, so clients must correlate by `id`. */
export type FakeGraphBatchOrder = "reversed" | "request";

/**
 * The status of the `$batch` response itself. `ok`: always 200, as the batching page says. `failed-dependency`:
 * 424 (Failed Dependency) with the same `responses` body when any item answered 400 or more, as the
 * throttling page says ("The batch itself fails with a status code of 424"). Clients must read the
 * items either way (docs/decisions/0007 §2).
 */
export type FakeGraphBatchOuterStatus = "ok" | "failed-dependency";

function invalidPayload(stamp: ResponseStamp, message = "Invalid batch payload format."): GraphResponse {
  return errorResponse(stamp, 400, "BadRequest", message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates a batch body into items, or answers Graph's 400 for the whole batch. */
export function parseBatch(stamp: ResponseStamp, body: unknown): BatchItem[] | GraphResponse {
  if (!isRecord(body) || !Array.isArray(body.requests)) return invalidPayload(stamp);
  const requests: unknown[] = body.requests;
  if (requests.length === 0) return invalidPayload(stamp);
  if (requests.length > MAX_BATCH_REQUESTS) {
    return invalidPayload(
      stamp,
      `Number of requests in the batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
    );
  }
  const items: BatchItem[] = [];
  const ids = new Set<string>();
  for (const request of requests) {
    if (!isRecord(request)) return invalidPayload(stamp);
    const { id, method, url } = request;
    if (typeof id !== "string" || id.length === 0 || typeof method !== "string" || typeof url !== "string") {
      return invalidPayload(stamp);
    }
    if (ids.has(id)) return invalidPayload(stamp, `Request Id : ${id} already exists in the batch.`);
    ids.add(id);
    const headers: Record<string, string> = {};
    if (isRecord(request.headers)) {
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers[name.toLowerCase()] = value;
      }
    }
    if (request.body !== undefined && headers["content-type"] === undefined) {
      return invalidPayload(stamp, `Write request id : ${id} does not contain Content-Type header or body.`);
    }
    const dependsOn = Array.isArray(request.dependsOn)
      ? request.dependsOn.filter((dep): dep is string => typeof dep === "string")
      : [];
    items.push({ id, method, url, headers, body: request.body, dependsOn });
  }
  for (const item of items) {
    if (item.dependsOn.some((dep) => !ids.has(dep))) return invalidPayload(stamp);
  }
  return items;
}

const INNER_HEADER_NAMES: Readonly<Record<string, string>> = {
  "cache-control": "Cache-Control",
  "content-type": "Content-Type",
  "odata-version": "OData-Version",
  "retry-after": "Retry-After",
  location: "Location",
};

// Item headers are the resource's own (Content-Type, Retry-After, ...), not the outer request ids.
function innerHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const canonical = INNER_HEADER_NAMES[name] ?? (name.startsWith("x-") ? name : undefined);
    if (canonical !== undefined) result[canonical] = value;
  }
  return result;
}

function itemResponse(id: string, response: GraphResponse): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id,
    status: response.status,
    headers: innerHeaders(response.headers),
  };
  // A malformed item body travels as text: the client gets a string where it expects an object.
  if (response.rawBody !== undefined) item.body = response.rawBody;
  else if (response.body !== undefined) item.body = response.body;
  return item;
}

/** Runs the items one after another (honouring `dependsOn`) and answers the batch. */
export async function runBatch(
  stamp: ResponseStamp,
  items: readonly BatchItem[],
  order: FakeGraphBatchOrder,
  runItem: (item: BatchItem) => Promise<BatchItemOutcome>,
  outerStatus: FakeGraphBatchOuterStatus = "ok",
): Promise<GraphResponse> {
  const statuses = new Map<string, number>();
  const responses: Record<string, unknown>[] = [];
  for (const item of items) {
    let response: GraphResponse;
    const failedDependency = item.dependsOn.some((dep) => {
      const status = statuses.get(dep);
      return status === undefined || status >= 400;
    });
    if (failedDependency) {
      response = errorResponse(stamp, 424, "FailedDependency", "A request this request depends on failed.");
    } else {
      const outcome = await runItem(item);
      // A batch item cannot drop its connection; the gateway answers 504 for it instead.
      response =
        outcome.kind === "reset"
          ? errorResponse(stamp, 504, "UnknownError", "The backend connection was reset before it answered.")
          : outcome.response;
    }
    statuses.set(item.id, response.status);
    responses.push(itemResponse(item.id, response));
  }
  if (order === "reversed") responses.reverse();
  const anyFailed = [...statuses.values()].some((status) => status >= 400);
  return jsonResponse(stamp, { responses }, outerStatus === "failed-dependency" && anyFailed ? 424 : 200);
}
