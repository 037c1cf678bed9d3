/**
 * fast-check arbitraries of small directories and read faults, shared by core's property tests: a few
 * users, up to four units (restricted or not, hidden, dynamic, with a group member), and faults that are
 * mostly absent so that complete snapshots, where "not protected" is possible, stay common.
 */
import type { DirectoryFailureKind } from "@rotation-exclusion/core/ports";
import fc from "fast-check";
import { type FakeFaults, type FakeTenant, guid } from "./directory-fixture.js";

export const USERS = Array.from({ length: 6 }, (_, i) => ({
  id: guid(i + 1),
  userPrincipalName: `user${i + 1}@contoso.test`,
}));

export const FAILURE_KINDS: readonly DirectoryFailureKind[] = [
  "throttled",
  "permission-missing",
  "not-found",
  "unsupported",
  "bad-response",
  "unavailable",
];

const MAX_UNITS = 4;

export const tenantArb: fc.Arbitrary<FakeTenant> = fc
  .array(
    fc.record({
      restricted: fc.boolean(),
      hidden: fc.boolean(),
      dynamic: fc.boolean(),
      userIds: fc.subarray(USERS.map((user) => user.id)),
      groupIds: fc.subarray([guid(200)]),
    }),
    { maxLength: MAX_UNITS },
  )
  .map((units) => ({ users: USERS, units: units.map((unit, i) => ({ ...unit, id: guid(100 + i) })) }));

// Mostly fault-free reads, so that complete snapshots (where "not protected" is possible) are common.
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
const pageFaultArb = sometimes(fc.record({ kind: fc.constantFrom(...FAILURE_KINDS), afterCount: fc.nat(6) }));

export const directoryFaultsArb: fc.Arbitrary<FakeFaults> = fc
  .record({
    primarySignal: fc.constantFrom("available", "available", "unsupported", "forbidden"),
    protectedUsers: pageFaultArb,
    unitList: pageFaultArb,
    unitMembers: fc.array(sometimes(pageFaultArb), { minLength: MAX_UNITS, maxLength: MAX_UNITS }),
    canReadHidden: fc.boolean(),
    // Without Member.Read.Hidden a hidden unit lists nothing, or silently only its non-user members.
    hiddenUnitBehavior: fc.constantFrom<"empty" | "omit-users">("empty", "omit-users"),
    checkUsers: sometimes(fc.constantFrom(...FAILURE_KINDS)),
  })
  .map(({ unitMembers, ...rest }): FakeFaults => {
    const perUnit: Record<string, { kind: DirectoryFailureKind; afterCount: number }> = {};
    unitMembers.forEach((fault, i) => {
      if (fault) perUnit[guid(100 + i)] = fault;
    });
    return { ...rest, unitMembers: perUnit };
  });
