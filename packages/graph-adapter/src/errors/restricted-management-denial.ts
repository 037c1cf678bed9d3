/**
 * Recognizes Graph's refusal to modify an account that sits in a restricted management administrative
 * unit, whatever shape the host's error has (the SDK's GraphError, our GraphDirectoryError, a raw Graph
 * error body, a `$batch` item, or a plain `{ status, code, message }`), read through core's one failure
 * normaliser and decided by core's one rule (docs/decisions/0003-rmau-write-denial-as-evidence.md).
 * See https://learn.microsoft.com/entra/identity/role-based-access-control/admin-units-restricted-management
 */

import type { RotationFailure } from "@rotation-exclusion/core";
import { describesRestrictedManagementDenial } from "@rotation-exclusion/core";
import { normalizeRotationFailure } from "@rotation-exclusion/core/internal";
import { isGraphDirectoryError } from "./graph-directory-error.js";

/**
 * Normalizes a failed Graph call, in any of the shapes hosts meet, into core's {@link RotationFailure}
 * (the directory's `classifyFailure`). Returns `undefined` for values that carry no HTTP status, Graph
 * code or message. Never throws.
 */
export function normalizeGraphFailure(error: unknown): RotationFailure | undefined {
  if (isGraphDirectoryError(error)) {
    return normalizeRotationFailure({
      status: error.status,
      code: error.graphCode,
      message: error.graphMessage ?? error.message,
      requestId: error.requestId,
    });
  }
  return normalizeRotationFailure(error);
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
  return normalized !== undefined && describesRestrictedManagementDenial(normalized);
}
