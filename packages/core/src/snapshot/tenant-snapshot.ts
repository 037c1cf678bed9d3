/**
 * The tenant snapshot: the protected set (users with `isManagementRestricted: true`) plus the unit
 * evidence (restricted units and their direct members), with one meaning of "complete" used everywhere.
 */
import type {
  DirectoryFailure,
  DirectoryFailureKind,
  DirectoryUser,
  PrimarySignal,
  ProtectedUsersRead,
  RestrictedUnit,
  RestrictedUnitsRead,
} from "../ports/directory-reader.js";
import type { UnknownReasonCode } from "../verdict/verdict.js";
import { collectFindings, type Finding, isUnitReadable } from "./finding.js";

/** A restricted unit as the snapshot holds it, with whether its members could be read. */
export interface SnapshotUnit extends RestrictedUnit {
  /**
   * Members read completely and, for a hidden-membership unit, Member.Read.Hidden confirmed: only then
   * does the list prove who is not a member.
   */
  readonly readable: boolean;
}

/** One directory failure met while taking the snapshot, and where. */
export interface SnapshotFailure {
  readonly source: "protected-users" | "unit-list" | "unit-members";
  /** The unit whose members failed (for `unit-members`). */
  readonly unitId?: string | undefined;
  readonly failure: DirectoryFailure;
}

/** Why the snapshot is not complete, in verdict terms (`unknown` verdicts carry it). */
export interface IncompleteCause {
  readonly reasonCode: UnknownReasonCode;
  readonly reason: string;
  /** The unit that caused it, when a unit did. */
  readonly unitId?: string | undefined;
}

/** A read-only view of what the guard knows about the tenant. */
export interface TenantSnapshot {
  readonly tenantId: string;
  readonly primarySignal: PrimarySignal;
  /**
   * With the primary signal available: the protected-set read was complete. Otherwise: the unit list
   * was complete and every restricted unit was readable.
   */
  readonly complete: boolean;
  /** Users read with `isManagementRestricted: true`, by lower-case object id (partial reads included). */
  readonly protectedUsers: ReadonlyMap<string, DirectoryUser>;
  readonly protectedSetComplete: boolean;
  /** When the protected set was read (ISO 8601). */
  readonly protectedSetObservedAt: string;
  readonly units: readonly SnapshotUnit[];
  readonly unitListComplete: boolean;
  /** When the units were read (ISO 8601); unit evidence is refreshed less often than the protected set. */
  readonly unitEvidenceObservedAt: string;
  readonly findings: readonly Finding[];
  /** Every failure met by the reads behind this snapshot. */
  readonly failures: readonly SnapshotFailure[];
  /** Why the snapshot is incomplete; `undefined` when it is complete. */
  readonly incompleteCause: IncompleteCause | undefined;
  /**
   * A round of unit change tracking broke part way (decision 0016): the unit evidence is the last complete
   * one and the lost pages may have added or removed members, so only Entra's own flag or a remembered
   * denial decides this cycle; every other account is `unknown`, never `not-protected` (rule 2).
   */
  readonly unitChangesBroken: boolean;
}

/** Maps a directory failure kind to the reason code of an `unknown` verdict. */
export function unknownReasonFor(kind: DirectoryFailureKind | undefined): UnknownReasonCode {
  switch (kind) {
    case "throttled":
      return "throttled";
    case "permission-missing":
      return "permission-missing";
    case "bad-response":
      return "bad-response";
    case "unavailable":
      return "directory-unavailable";
    case "authentication-failed":
      return "authentication-failed";
    default:
      return "snapshot-incomplete";
  }
}

function causeFromFailure(
  what: string,
  failure: DirectoryFailure | undefined,
  unitId?: string,
): IncompleteCause {
  const reason = failure
    ? `${what} failed (${failure.kind}${failure.status === undefined ? "" : ` ${failure.status}`}): ${failure.message}`
    : `${what} was incomplete`;
  return unitId === undefined
    ? { reasonCode: unknownReasonFor(failure?.kind), reason }
    : { reasonCode: unknownReasonFor(failure?.kind), reason, unitId };
}

function normalizeUnit(unit: RestrictedUnit): SnapshotUnit {
  const lower = (ids: readonly string[]) => ids.map((id) => id.toLowerCase());
  const members = {
    ...unit.members,
    userIds: lower(unit.members.userIds),
    groupIds: lower(unit.members.groupIds),
    ...(unit.members.groupDisplayNames !== undefined
      ? {
          groupDisplayNames: Object.fromEntries(
            Object.entries(unit.members.groupDisplayNames).map(([id, name]) => [id.toLowerCase(), name]),
          ),
        }
      : {}),
    deviceIds: lower(unit.members.deviceIds),
    otherIds: lower(unit.members.otherIds),
  };
  const normalized = { ...unit, id: unit.id.toLowerCase(), members };
  return { ...normalized, readable: isUnitReadable(normalized) };
}

function findIncompleteCause(
  protectedRead: ProtectedUsersRead,
  unitsRead: RestrictedUnitsRead,
  units: readonly SnapshotUnit[],
  unitChangesFailure: DirectoryFailure | undefined,
) {
  if (protectedRead.primarySignal === "available") {
    if (!protectedRead.complete) return causeFromFailure("The protected-user query", protectedRead.failure);
    return unitChangesFailure === undefined
      ? undefined
      : causeFromFailure("A round of unit change tracking", unitChangesFailure);
  }
  if (!unitsRead.complete) return causeFromFailure("The restricted-unit list", unitsRead.failure);
  const unreadable = units.find((unit) => !unit.readable);
  if (unreadable === undefined) return undefined;
  const name =
    unreadable.displayName === null ? unreadable.id : `"${unreadable.displayName}" (${unreadable.id})`;
  if (!unreadable.members.complete) {
    return causeFromFailure(
      `Reading the members of restricted unit ${name}`,
      unreadable.members.failure,
      unreadable.id,
    );
  }
  return {
    reasonCode: "snapshot-incomplete" as const,
    reason: `Restricted unit ${name} has hidden membership and Member.Read.Hidden could not be confirmed, so its member list may be short`,
    unitId: unreadable.id,
  };
}

/** The reads and read times behind one snapshot. */
export interface TenantSnapshotInput {
  readonly tenantId: string;
  readonly protectedRead: ProtectedUsersRead;
  readonly protectedSetObservedAtMs: number;
  readonly unitsRead: RestrictedUnitsRead;
  readonly unitEvidenceObservedAtMs: number;
  /** Why the last round of unit change tracking broke part way, when it did. */
  readonly unitChangesFailure?: DirectoryFailure | undefined;
}

/** Builds a snapshot from the two reads: normalizes ids, judges completeness, computes findings. */
export function buildTenantSnapshot(input: TenantSnapshotInput): TenantSnapshot {
  const { protectedRead, unitsRead } = input;
  const protectedUsers = new Map<string, DirectoryUser>();
  for (const user of protectedRead.users) protectedUsers.set(user.id.toLowerCase(), user);
  const units = unitsRead.units.map(normalizeUnit);
  const failures: SnapshotFailure[] = [];
  if (protectedRead.failure) failures.push({ source: "protected-users", failure: protectedRead.failure });
  if (unitsRead.failure) failures.push({ source: "unit-list", failure: unitsRead.failure });
  for (const unit of units) {
    if (unit.members.failure)
      failures.push({ source: "unit-members", unitId: unit.id, failure: unit.members.failure });
  }
  const unitChangesBroken = input.unitChangesFailure !== undefined;
  const incompleteCause = findIncompleteCause(protectedRead, unitsRead, units, input.unitChangesFailure);
  return {
    tenantId: input.tenantId,
    primarySignal: protectedRead.primarySignal,
    complete: incompleteCause === undefined,
    protectedUsers,
    protectedSetComplete: protectedRead.primarySignal === "available" && protectedRead.complete,
    protectedSetObservedAt: new Date(input.protectedSetObservedAtMs).toISOString(),
    units,
    unitListComplete: unitsRead.complete,
    unitEvidenceObservedAt: new Date(input.unitEvidenceObservedAtMs).toISOString(),
    findings: collectFindings(protectedRead, { ...unitsRead, units }),
    failures,
    incompleteCause,
    unitChangesBroken,
  };
}
