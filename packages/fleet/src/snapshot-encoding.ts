/**
 * The compact form of a stored snapshot in Redis: positional JSON arrays instead of named objects (a
 * quiet tenant's record shrinks to about a third), deflated when it is still large. Decoding checks the
 * shape it expects and throws `malformed-record` otherwise; core checks the rest (tenant, times).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type {
  DirectoryFailure,
  DirectoryFailureKind,
  DirectoryUser,
  PrimarySignal,
  RestrictedUnit,
  StoredSnapshot,
} from "@rotation-exclusion/core/ports";
import { createFleetError } from "./fleet-error.js";

/** Records longer than this (bytes of JSON) are deflated. */
const DEFLATE_ABOVE_BYTES = 1_024;
const PLAIN = 0x4a; // "J"
const DEFLATED = 0x5a; // "Z"
const FORMAT = 1;

const SIGNALS: readonly PrimarySignal[] = ["available", "unsupported", "forbidden"];
const KINDS: readonly DirectoryFailureKind[] = [
  "throttled",
  "permission-missing",
  "not-found",
  "unsupported",
  "bad-response",
  "authentication-failed",
  "unavailable",
];

type Encoded = readonly unknown[];

const failureOut = (f: DirectoryFailure | undefined): Encoded | 0 =>
  f === undefined
    ? 0
    : [KINDS.indexOf(f.kind), f.message, f.status ?? null, f.code ?? null, f.requestId ?? null];

const userOut = (u: DirectoryUser): Encoded => [u.id, u.userPrincipalName, u.displayName];

const unitOut = (u: RestrictedUnit): Encoded => [
  u.id,
  u.displayName,
  u.membershipType === "dynamic" ? 1 : 0,
  u.visibility === "hiddenMembership" ? 1 : 0,
  u.members.userIds,
  u.members.groupIds,
  u.members.deviceIds,
  u.members.otherIds,
  u.members.complete ? 1 : 0,
  u.members.hiddenMembersVisible === undefined ? null : u.members.hiddenMembersVisible ? 1 : 0,
  failureOut(u.members.failure),
];

/** The bytes stored for a snapshot. */
export function encodeSnapshot(snapshot: StoredSnapshot): Buffer {
  const p = snapshot.protectedRead;
  const u = snapshot.unitsRead;
  const json = JSON.stringify([
    FORMAT,
    snapshot.tenantId,
    snapshot.protectedAtMs,
    snapshot.unitsAtMs,
    snapshot.lastCompleteAtMs ?? null,
    [SIGNALS.indexOf(p.primarySignal), p.complete ? 1 : 0, p.users.map(userOut), failureOut(p.failure)],
    [u.complete ? 1 : 0, u.units.map(unitOut), failureOut(u.failure)],
    // Appended, so a record written before change tracking (seven elements) still decodes, linkless.
    snapshot.unitsDeltaLink ?? null,
    // Last, so that records written before it existed still decode (without a streak).
    ...(snapshot.incompleteStreak === undefined ? [] : [snapshot.incompleteStreak]),
  ]);
  const plain = Buffer.from(json, "utf8");
  if (plain.length <= DEFLATE_ABOVE_BYTES) return Buffer.concat([Buffer.of(PLAIN), plain]);
  return Buffer.concat([Buffer.of(DEFLATED), deflateRawSync(plain)]);
}

class Malformed extends Error {}

function fail(what: string): never {
  throw new Malformed(what);
}

function arrayOf(value: unknown, what: string): unknown[] {
  return Array.isArray(value) ? value : fail(what);
}

function text(value: unknown, what: string): string {
  return typeof value === "string" ? value : fail(what);
}

function textOrNull(value: unknown, what: string): string | null {
  return value === null ? null : text(value, what);
}

function strings(value: unknown, what: string): string[] {
  return arrayOf(value, what).map((item) => text(item, what));
}

function flag(value: unknown, what: string): boolean {
  return value === 1 ? true : value === 0 ? false : fail(what);
}

function failureIn(value: unknown, what: string): DirectoryFailure | undefined {
  if (value === 0) return undefined;
  const [kind, message, status, code, requestId] = arrayOf(value, what);
  const known = KINDS[kind as number];
  if (known === undefined) fail(`${what} kind`);
  return {
    kind: known,
    message: text(message, what),
    ...(typeof status === "number" ? { status } : {}),
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof requestId === "string" ? { requestId } : {}),
  };
}

function unitIn(value: unknown): RestrictedUnit {
  const [id, name, dynamic, hidden, userIds, groupIds, deviceIds, otherIds, complete, visible, failure] =
    arrayOf(value, "unit");
  const failed = failureIn(failure, "unit failure");
  return {
    id: text(id, "unit id"),
    displayName: textOrNull(name, "unit name"),
    membershipType: flag(dynamic, "membership type") ? "dynamic" : "assigned",
    visibility: flag(hidden, "visibility") ? "hiddenMembership" : "public",
    members: {
      userIds: strings(userIds, "user ids"),
      groupIds: strings(groupIds, "group ids"),
      deviceIds: strings(deviceIds, "device ids"),
      otherIds: strings(otherIds, "other ids"),
      complete: flag(complete, "members complete"),
      ...(visible === null ? {} : { hiddenMembersVisible: flag(visible, "hidden members visible") }),
      ...(failed === undefined ? {} : { failure: failed }),
    },
  };
}

/**
 * The snapshot stored as `bytes`. Throws a `malformed-record` FleetError naming the key when the bytes
 * are not a record of this format (core then starts that tenant cold).
 */
export function decodeSnapshot(bytes: Buffer, key: string): StoredSnapshot {
  try {
    const marker = bytes[0];
    const body =
      marker === PLAIN
        ? bytes.subarray(1)
        : marker === DEFLATED
          ? inflateRawSync(bytes.subarray(1))
          : fail("unknown marker");
    const [format, tenantId, protectedAtMs, unitsAtMs, lastCompleteAtMs, p, u, deltaLink, incompleteStreak] =
      arrayOf(JSON.parse(body.toString("utf8")), "record");
    if (format !== FORMAT) fail(`format ${String(format)}`);
    const [signal, protectedComplete, users, protectedFailure] = arrayOf(p, "protected read");
    const [unitsComplete, units, unitsFailure] = arrayOf(u, "unit read");
    const primarySignal = SIGNALS[signal as number] ?? fail("primary signal");
    const pFailure = failureIn(protectedFailure, "protected failure");
    const uFailure = failureIn(unitsFailure, "unit failure");
    const times = [protectedAtMs, unitsAtMs];
    if (!times.every((t) => typeof t === "number")) fail("read times");
    return {
      version: 1,
      tenantId: text(tenantId, "tenant id"),
      protectedAtMs: protectedAtMs as number,
      unitsAtMs: unitsAtMs as number,
      ...(typeof lastCompleteAtMs === "number" ? { lastCompleteAtMs } : {}),
      ...(deltaLink === undefined || deltaLink === null
        ? {}
        : { unitsDeltaLink: text(deltaLink, "unit delta link") }),
      ...(incompleteStreak === undefined
        ? {}
        : Number.isSafeInteger(incompleteStreak) && (incompleteStreak as number) >= 0
          ? { incompleteStreak: incompleteStreak as number }
          : fail("incomplete streak")),
      protectedRead: {
        primarySignal,
        complete: flag(protectedComplete, "protected complete"),
        users: arrayOf(users, "users").map((user) => {
          const [id, upn, name] = arrayOf(user, "user");
          return {
            id: text(id, "user id"),
            userPrincipalName: textOrNull(upn, "user UPN"),
            displayName: textOrNull(name, "user name"),
          };
        }),
        ...(pFailure === undefined ? {} : { failure: pFailure }),
      },
      unitsRead: {
        complete: flag(unitsComplete, "units complete"),
        units: arrayOf(units, "units").map(unitIn),
        ...(uFailure === undefined ? {} : { failure: uFailure }),
      },
    };
  } catch (error) {
    const what = error instanceof Malformed ? error.message : "not JSON";
    throw createFleetError(
      "malformed-record",
      `The snapshot stored at ${key} is not a record of this version (${what}); the tenant starts cold and the next save replaces it`,
      { cause: error },
    );
  }
}
