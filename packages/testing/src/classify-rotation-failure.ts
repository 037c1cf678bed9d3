/**
 * Normalizes what a host's password-change call throws into core's {@link RotationFailure}: plain
 * `{ status, code, message }` objects, Graph SDK-style errors (`statusCode`, `code`, `requestId`) and
 * Graph error bodies (`{ error: { code, message } }`, possibly under `body`).
 */
import type { RotationFailure } from "@rotation-exclusion/core";

type Bag = Record<string, unknown>;

const asBag = (value: unknown): Bag | undefined =>
  typeof value === "object" && value !== null ? (value as Bag) : undefined;
const asString = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
const asStatus = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;

function parsedBody(value: unknown): Bag | undefined {
  if (typeof value !== "string") return asBag(value);
  try {
    return asBag(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/**
 * Reads status, Graph error code, message and request id from an error-like value; `undefined` when it
 * carries none of them (then the host's error is not a directory answer at all).
 *
 * @example
 * classifyRotationFailure({ statusCode: 403, code: "Authorization_RequestDenied", message: "..." });
 */
export function classifyRotationFailure(error: unknown): RotationFailure | undefined {
  const bag = asBag(error);
  if (!bag) return undefined;
  const response = asBag(bag.response);
  const body = parsedBody(bag.body) ?? parsedBody(response?.body);
  const graphError = asBag(body?.error) ?? asBag(bag.error);
  const headers = asBag(bag.headers) ?? asBag(response?.headers);
  const status = asStatus(bag.status) ?? asStatus(bag.statusCode) ?? asStatus(response?.status);
  const code = asString(graphError?.code) ?? asString(bag.code);
  const message = asString(graphError?.message) ?? asString(bag.message);
  const requestId =
    asString(bag.requestId) ??
    asString(asBag(graphError?.innerError)?.["request-id"]) ??
    asString(headers?.["request-id"]);
  if (status === undefined && code === undefined && message === undefined && requestId === undefined) {
    return undefined;
  }
  return {
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}
