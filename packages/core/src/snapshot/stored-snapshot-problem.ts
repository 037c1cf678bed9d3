/**
 * The check of what a snapshot store loads: a store is outside our control (a row edited by hand, a
 * format from another version, another tenant's key), so its answer is checked like any input.
 */
import { isRecord } from "../internal/input-checks.js";
import { STORED_SNAPSHOT_VERSION } from "../ports/snapshot-store.js";

const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isStringArray = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

function isUserList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (user) =>
        isRecord(user) &&
        typeof user.id === "string" &&
        (user.userPrincipalName === null || typeof user.userPrincipalName === "string") &&
        (user.displayName === null || typeof user.displayName === "string"),
    )
  );
}

function isUnitList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (unit) =>
        isRecord(unit) &&
        typeof unit.id === "string" &&
        (unit.membershipType === "assigned" || unit.membershipType === "dynamic") &&
        (unit.visibility === "public" || unit.visibility === "hiddenMembership") &&
        isRecord(unit.members) &&
        typeof unit.members.complete === "boolean" &&
        ["userIds", "groupIds", "deviceIds", "otherIds"].every((key) =>
          isStringArray((unit.members as Record<string, unknown>)[key]),
        ),
    )
  );
}

/**
 * Why a loaded value cannot be used as the stored snapshot of `tenantId`, or `undefined` when it can.
 * A store is outside our control (a row edited by hand, a format from another version, another
 * tenant's key), so its answer is checked like any input before any of it is trusted.
 */
export function storedSnapshotProblem(value: unknown, tenantId: string, nowMs: number): string | undefined {
  if (!isRecord(value)) return "not an object";
  if (value.version !== STORED_SNAPSHOT_VERSION) return `unknown version ${String(value.version)}`;
  if (typeof value.tenantId !== "string" || value.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    return "stored for another tenant";
  }
  if (!isTime(value.protectedAtMs) || !isTime(value.unitsAtMs)) return "read times missing";
  // A read time in the future would make a snapshot look fresh for longer than the configured ages.
  if (value.protectedAtMs > nowMs || value.unitsAtMs > nowMs) return "read times in the future";
  if (value.lastCompleteAtMs !== undefined) {
    if (!isTime(value.lastCompleteAtMs)) return "bad lastCompleteAtMs";
    // A later last-complete time would make a remembered denial look stale (decideVerdict drops denials
    // older than the last complete snapshot), and the last complete read is never after the stored one.
    if (value.lastCompleteAtMs > nowMs || value.lastCompleteAtMs > value.protectedAtMs) {
      return "lastCompleteAtMs after the stored read";
    }
  }
  if (value.unitsDeltaLink !== undefined && typeof value.unitsDeltaLink !== "string") {
    return "bad unitsDeltaLink";
  }
  if (
    value.incompleteStreak !== undefined &&
    !(Number.isSafeInteger(value.incompleteStreak) && (value.incompleteStreak as number) >= 0)
  ) {
    return "bad incompleteStreak";
  }
  const p = value.protectedRead;
  if (
    !isRecord(p) ||
    !["available", "unsupported", "forbidden"].includes(p.primarySignal as string) ||
    typeof p.complete !== "boolean" ||
    !isUserList(p.users)
  ) {
    return "malformed protected-set read";
  }
  const u = value.unitsRead;
  if (!isRecord(u) || typeof u.complete !== "boolean" || !isUnitList(u.units)) {
    return "malformed unit read";
  }
  return undefined;
}
