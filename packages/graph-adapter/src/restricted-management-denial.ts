/**
 * Recognizes Graph's refusal to modify an account that sits in a restricted management administrative
 * unit, whatever shape the host's error has (the SDK's GraphError, our GraphDirectoryError, a raw Graph
 * error body, a `$batch` item, or a plain `{ status, code, message }`).
 * See https://learn.microsoft.com/entra/identity/role-based-access-control/admin-units-restricted-management
 */
import { describesRestrictedManagementDenial, type RotationFailure } from "@rotation-exclusion/core";
import { isGraphDirectoryError } from "./graph-directory-error.js";
import { parseGraphErrorBody } from "./graph-error-body.js";

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === "object" && value !== null;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Graph's error body, given as an object or as JSON text (the SDK keeps the inner `error` as text). */
function graphErrorBody(value: unknown): { code?: string; message?: string; requestId?: string } | undefined {
  const { code, message, requestId } = parseGraphErrorBody(value, { bareErrorObject: true });
  if (code === undefined && message === undefined) return undefined;
  return {
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}

function failure(
  status: number | undefined,
  code: string | undefined,
  message: string | undefined,
  requestId: string | undefined,
): RotationFailure {
  return {
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}

/**
 * Normalizes a failed Graph call, in any of the shapes hosts meet, into core's {@link RotationFailure}.
 * Returns `undefined` for values that carry no HTTP status, Graph code or message. Never throws.
 */
export function normalizeGraphFailure(error: unknown): RotationFailure | undefined {
  try {
    if (!isObject(error)) return undefined;
    if (isGraphDirectoryError(error)) {
      return failure(error.status, error.graphCode, error.graphMessage ?? error.message, error.requestId);
    }
    // SDK GraphError: statusCode, code, requestId, and the Graph error object as JSON text in `body`.
    const status = numberOrUndefined(error.statusCode) ?? numberOrUndefined(error.status);
    const body = graphErrorBody(error.body) ?? graphErrorBody(error);
    const code = body?.code ?? stringOrUndefined(error.code);
    const message = body?.message ?? stringOrUndefined(error.message);
    const requestId = stringOrUndefined(error.requestId) ?? body?.requestId;
    if (status === undefined && code === undefined && message === undefined) return undefined;
    return failure(status, code, message, requestId);
  } catch {
    // A hostile getter must not turn classification into a crash.
    return undefined;
  }
}

/**
 * True for Graph's 403 `Authorization_RequestDenied` whose message names a restricted management
 * administrative unit: the account is protected and must be excluded, not retried. False (never a
 * throw) for anything else, including a plain `Authorization_RequestDenied` (a missing app role).
 *
 * @example
 * try { await rotate(user) } catch (error) { if (isRestrictedManagementDenial(error)) exclude(user) }
 */
export function isRestrictedManagementDenial(error: unknown): boolean {
  if (isGraphDirectoryError(error) && error.code === "restricted-management-denied") return true;
  const normalized = normalizeGraphFailure(error);
  if (normalized === undefined || normalized.code === undefined) return false;
  return describesRestrictedManagementDenial(normalized);
}
