import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type {
  DirectoryFailure,
  DirectoryFailureKind,
  PrimarySignal,
  RestrictedUnit,
  UserCheck,
} from "../ports/directory-reader.js";
import { buildTenantSnapshot, type TenantSnapshot } from "../snapshot/tenant-snapshot.js";
import { decideVerdict, deniedVerdict, type VerdictInput } from "./decide-verdict.js";
import { plainlyNotProtected } from "./decide-verdicts.js";
import { createDenialMemory } from "./denial-memory.js";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const U1 = id(1);
const U2 = id(2);
const UNIT_A = id(100);
const UNIT_B = id(101);
const T0 = Date.UTC(2026, 0, 1);
const fail = (kind: DirectoryFailureKind): DirectoryFailure => ({ kind, message: `${kind} happened` });

interface UnitSpec {
  id: string;
  userIds?: string[];
  groupIds?: string[];
  /** Members of a missing or unknown `@odata.type`. */
  otherIds?: string[];
  complete?: boolean;
  hidden?: boolean;
  /** For hidden units: the reader confirmed Member.Read.Hidden. */
  hiddenVisible?: boolean;
  failure?: DirectoryFailureKind;
}

function unit(spec: UnitSpec): RestrictedUnit {
  return {
    id: spec.id,
    displayName: null,
    membershipType: "assigned",
    visibility: spec.hidden ? "hiddenMembership" : "public",
    members: {
      userIds: spec.userIds ?? [],
      groupIds: spec.groupIds ?? [],
      deviceIds: [],
      otherIds: spec.otherIds ?? [],
      complete: spec.complete ?? true,
      ...(spec.failure ? { failure: fail(spec.failure) } : {}),
      ...(spec.hiddenVisible === undefined ? {} : { hiddenMembersVisible: spec.hiddenVisible }),
    },
  };
}

function snap(spec: {
  primarySignal?: PrimarySignal;
  protectedIds?: string[];
  protectedFailure?: DirectoryFailureKind;
  units?: UnitSpec[];
  unitListFailure?: DirectoryFailureKind;
}): TenantSnapshot {
  const primarySignal = spec.primarySignal ?? "available";
  return buildTenantSnapshot({
    tenantId: id(999),
    protectedRead: {
      primarySignal,
      users: (spec.protectedIds ?? []).map((uid) => ({
        id: uid,
        userPrincipalName: `${uid}@x.test`,
        displayName: null,
      })),
      complete: primarySignal === "available" && spec.protectedFailure === undefined,
      ...(spec.protectedFailure ? { failure: fail(spec.protectedFailure) } : {}),
    },
    protectedSetObservedAtMs: T0,
    unitsRead: {
      units: (spec.units ?? []).map(unit),
      complete: spec.unitListFailure === undefined,
      ...(spec.unitListFailure ? { failure: fail(spec.unitListFailure) } : {}),
    },
    unitEvidenceObservedAtMs: T0 - 1000,
  });
}

const verdictOf = (input: Partial<VerdictInput> & { snapshot: TenantSnapshot }) =>
  decideVerdict({ account: { id: U1 }, ...input });

describe("step 1: in the protected set", () => {
  test("protected by restricted-flag, with unit evidence only from readable units listing the user", () => {
    const snapshot = snap({
      protectedIds: [U1],
      units: [
        { id: UNIT_A, userIds: [U1] },
        { id: UNIT_B, userIds: [U1], complete: false, failure: "throttled" },
      ],
    });
    const verdict = verdictOf({ snapshot });
    expect(verdict).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
      unitIds: [UNIT_A],
      accountId: U1,
    });
    expect(verdict.evidence).toEqual([
      { kind: "restricted-flag", observedAt: new Date(T0).toISOString() },
      {
        kind: "unit-member",
        unitId: UNIT_A,
        unitDisplayName: null,
        observedAt: new Date(T0 - 1000).toISOString(),
      },
    ]);
  });

  test("holds on an incomplete snapshot (partial pages are positive evidence) and with upper-case ids", () => {
    const snapshot = snap({ protectedIds: [U1.toUpperCase()], protectedFailure: "throttled" });
    expect(verdictOf({ snapshot, account: { id: U1.toUpperCase() } })).toMatchObject({
      status: "protected",
      accountId: U1,
    });
  });
});

describe("step 2: a user member of a restricted unit", () => {
  test.each([
    ["a readable unit", { id: UNIT_A, userIds: [U1] }],
    ["a partially read unit", { id: UNIT_A, userIds: [U1], complete: false, failure: "throttled" as const }],
    ["a hidden unit we can read", { id: UNIT_A, userIds: [U1], hidden: true, hiddenVisible: true }],
    // Without Member.Read.Hidden confirmed the list may be short, but whom it lists is still evidence.
    ["a hidden unit not confirmed readable", { id: UNIT_A, userIds: [U1], hidden: true }],
  ])("protected by unit-member when listed by %s", (_, spec) => {
    const verdict = verdictOf({ snapshot: snap({ units: [spec] }) });
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "unit-member", unitIds: [UNIT_A] });
  });

  test("a group member of the unit protects nobody (membership is never transitive)", () => {
    const verdict = verdictOf({ snapshot: snap({ units: [{ id: UNIT_A, groupIds: [U1] }] }) });
    expect(verdict.status).toBe("not-protected");
  });
});

describe("step 3: a remembered denial by a unit", () => {
  const failure = {
    status: 403,
    code: "Authorization_RequestDenied",
    message: "restricted management administrative unit",
  };
  test.each([
    ["newer than the last complete snapshot", T0 + 1, T0, "protected"],
    ["in the same millisecond (cannot order: do not rotate)", T0, T0, "protected"],
    ["with no complete snapshot ever", T0 - 5, undefined, "protected"],
    ["older than the last complete snapshot", T0 - 1, T0, "not-protected"],
  ] as const)("a denial %s", (_, observedAtMs, lastCompleteAtMs, status) => {
    const verdict = verdictOf({ snapshot: snap({}), denial: { observedAtMs, failure }, lastCompleteAtMs });
    expect(verdict.status).toBe(status);
    if (status === "protected") {
      expect(verdict).toMatchObject({
        reasonCode: "rotation-denied-by-unit",
        evidence: [{ kind: "rotation-denied", status: 403 }],
      });
    }
  });
});

describe("deniedVerdict (one shape for step 3 and recordRotationFailure)", () => {
  const failure = { status: 403, code: "Authorization_RequestDenied", message: "denied", requestId: "r-1" };

  test("is exactly what step 3 decides for a remembered denial", () => {
    const denial = { observedAtMs: T0 + 1, failure };
    const decided = verdictOf({ snapshot: snap({}), denial, lastCompleteAtMs: T0 });
    expect(deniedVerdict({ accountId: U1, userPrincipalName: null }, denial)).toEqual(decided);
  });

  test("carries corroborating evidence after the denial, and null for absent failure fields", () => {
    const flag = { kind: "restricted-flag" as const, observedAt: new Date(T0).toISOString() };
    const verdict = deniedVerdict(
      { accountId: null, userPrincipalName: "u@x.test" },
      { observedAtMs: T0, failure: {} },
      [flag],
    );
    expect(verdict).toMatchObject({ status: "protected", accountId: null, userPrincipalName: "u@x.test" });
    expect(verdict.evidence).toEqual([
      {
        kind: "rotation-denied",
        message: "",
        status: null,
        code: null,
        requestId: null,
        observedAt: new Date(T0).toISOString(),
      },
      flag,
    ]);
  });
});

describe("a member of unknown type in a restricted unit", () => {
  test("is never decided not-protected, however complete the snapshot or fresh the flag read", () => {
    for (const primarySignal of ["available", "unsupported"] as const) {
      const snapshot = snap({ primarySignal, units: [{ id: UNIT_A, otherIds: [U1.toUpperCase()] }] });
      expect(snapshot.complete).toBe(true);
      expect(verdictOf({ snapshot })).toMatchObject({
        status: "unknown",
        reasonCode: "bad-response",
        unitIds: [UNIT_A],
      });
      const check: UserCheck = {
        outcome: "found",
        user: { id: U1, userPrincipalName: null, displayName: null },
        isManagementRestricted: false,
      };
      expect(verdictOf({ snapshot, check }).status).toBe("unknown");
      // The run's shortcut never counts it, and other users stay plainly not protected.
      const plain = plainlyNotProtected({ denials: createDenialMemory() }, snapshot);
      expect(plain?.(U1, undefined)).toBe(false);
      expect(plain?.(U2, undefined)).toBe(true);
    }
  });

  test("positive evidence still wins: the flag or a typed membership protects", () => {
    const snapshot = snap({ protectedIds: [U1], units: [{ id: UNIT_A, otherIds: [U1] }] });
    expect(verdictOf({ snapshot })).toMatchObject({ status: "protected", reasonCode: "restricted-flag" });
    const both = snap({
      primarySignal: "unsupported",
      units: [
        { id: UNIT_A, otherIds: [U1] },
        { id: UNIT_B, userIds: [U1] },
      ],
    });
    expect(verdictOf({ snapshot: both })).toMatchObject({ status: "protected", reasonCode: "unit-member" });
  });
});

describe("step 4: complete snapshot", () => {
  test("primary signal: complete protected set without the user", () => {
    expect(verdictOf({ snapshot: snap({ protectedIds: [U2] }) })).toMatchObject({
      status: "not-protected",
      reasonCode: "not-restricted",
      observedAt: new Date(T0).toISOString(),
    });
  });

  test("primary signal: unreadable units do not matter when the protected set is complete", () => {
    const snapshot = snap({ units: [{ id: UNIT_A, hidden: true }], unitListFailure: "throttled" });
    expect(snapshot.complete).toBe(true);
    expect(verdictOf({ snapshot }).status).toBe("not-protected");
  });

  test.each(["unsupported", "forbidden"] as const)(
    "fallback (%s): every unit readable and the list complete",
    (primarySignal) => {
      const snapshot = snap({ primarySignal, units: [{ id: UNIT_A, userIds: [U2] }] });
      expect(verdictOf({ snapshot })).toMatchObject({
        status: "not-protected",
        reason: expect.stringContaining("unit"),
      });
    },
  );
});

describe("step 5: unknown, with the failure that made the snapshot incomplete", () => {
  test.each([
    ["throttled", "throttled"],
    ["permission-missing", "permission-missing"],
    ["bad-response", "bad-response"],
    ["unavailable", "directory-unavailable"],
    ["unsupported", "snapshot-incomplete"],
    ["not-found", "snapshot-incomplete"],
  ] as const)("protected-set failure %s => %s", (kind, reasonCode) => {
    const verdict = verdictOf({ snapshot: snap({ protectedFailure: kind }) });
    expect(verdict).toMatchObject({ status: "unknown", reasonCode });
    expect(verdict.reason).toContain(kind);
  });

  test("fallback: an incomplete unit list", () => {
    const verdict = verdictOf({
      snapshot: snap({ primarySignal: "forbidden", unitListFailure: "throttled" }),
    });
    expect(verdict).toMatchObject({ status: "unknown", reasonCode: "throttled", unitIds: [] });
  });

  test("fallback: a unit whose members failed names the unit", () => {
    const snapshot = snap({
      primarySignal: "unsupported",
      units: [{ id: UNIT_A, complete: false, failure: "unavailable" }],
    });
    const verdict = verdictOf({ snapshot });
    expect(verdict).toMatchObject({
      status: "unknown",
      reasonCode: "directory-unavailable",
      unitIds: [UNIT_A],
    });
    expect(verdict.reason).toContain(UNIT_A);
  });

  test("fallback: a hidden unit that lists nothing is unreadable, never empty", () => {
    const snapshot = snap({ primarySignal: "unsupported", units: [{ id: UNIT_A, hidden: true }] });
    expect(snapshot.units[0]?.readable).toBe(false);
    expect(verdictOf({ snapshot })).toMatchObject({
      status: "unknown",
      reasonCode: "snapshot-incomplete",
      unitIds: [UNIT_A],
    });
  });

  test.each([
    ["absent", undefined],
    ["false", false],
  ] as const)(
    "fallback: a hidden unit listing someone, Member.Read.Hidden %s, is unreadable (the list may be short)",
    (_, hiddenVisible) => {
      const snapshot = snap({
        primarySignal: "unsupported",
        units: [
          {
            id: UNIT_A,
            hidden: true,
            userIds: [U2],
            groupIds: [id(200)],
            ...(hiddenVisible === undefined ? {} : { hiddenVisible }),
          },
        ],
      });
      expect(snapshot.units[0]?.readable).toBe(false);
      expect(snapshot.complete).toBe(false);
      const verdict = verdictOf({ snapshot });
      expect(verdict).toMatchObject({
        status: "unknown",
        reasonCode: "snapshot-incomplete",
        unitIds: [UNIT_A],
      });
      expect(verdict.reason).toContain("Member.Read.Hidden could not be confirmed");
      expect(snapshot.findings).toContainEqual(
        expect.objectContaining({
          code: "UNIT_MEMBERS_UNREADABLE",
          severity: "error",
          unitId: UNIT_A,
          message: expect.stringContaining("Member.Read.Hidden could not be confirmed"),
        }),
      );
      // The member it did list stays protected.
      expect(verdictOf({ snapshot, account: { id: U2 } })).toMatchObject({ status: "protected" });
    },
  );

  test("fallback: a hidden unit confirmed readable that lists nobody is readable and empty", () => {
    const snapshot = snap({
      primarySignal: "unsupported",
      units: [{ id: UNIT_A, hidden: true, hiddenVisible: true }],
    });
    expect(snapshot.units[0]?.readable).toBe(true);
    expect(snapshot.complete).toBe(true);
    expect(verdictOf({ snapshot })).toMatchObject({ status: "not-protected" });
    expect(snapshot.findings.map((f) => f.code)).toContain("EMPTY_RESTRICTED_UNIT");
  });

  test("a hidden unit confirmed readable but read partially is unreadable", () => {
    const snapshot = snap({
      primarySignal: "unsupported",
      units: [{ id: UNIT_A, hidden: true, hiddenVisible: true, complete: false, failure: "throttled" }],
    });
    expect(snapshot.units[0]?.readable).toBe(false);
    expect(verdictOf({ snapshot })).toMatchObject({ status: "unknown", reasonCode: "throttled" });
  });
});

describe("per-user checks (UPN resolution and the second look)", () => {
  const found = (flag: boolean | "unavailable", uid = U1): UserCheck => ({
    outcome: "found",
    user: { id: uid, userPrincipalName: "u1@x.test", displayName: null },
    isManagementRestricted: flag,
  });
  const failed = (kind: DirectoryFailureKind): UserCheck => ({ outcome: "failed", failure: fail(kind) });
  const incomplete = snap({ protectedFailure: "throttled" });
  const upnOnly = { userPrincipalName: "u1@x.test" };

  test("flag true: protected by restricted-flag, observed at the check", () => {
    const verdict = decideVerdict({
      snapshot: incomplete,
      account: upnOnly,
      check: found(true),
      checkedAtMs: T0 + 5,
    });
    expect(verdict).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
      accountId: U1,
      observedAt: new Date(T0 + 5).toISOString(),
    });
  });

  test("flag false counts as a complete read for that user", () => {
    expect(decideVerdict({ snapshot: incomplete, account: upnOnly, check: found(false) })).toMatchObject({
      status: "not-protected",
      accountId: U1,
    });
  });

  test("flag false never overrides positive evidence in the snapshot", () => {
    const snapshot = snap({ protectedIds: [U1], protectedFailure: "throttled" });
    expect(decideVerdict({ snapshot, account: upnOnly, check: found(false) }).status).toBe("protected");
    const units = snap({ units: [{ id: UNIT_A, userIds: [U1] }], protectedFailure: "throttled" });
    expect(decideVerdict({ snapshot: units, account: { id: U1 }, check: found(false) }).reasonCode).toBe(
      "unit-member",
    );
  });

  test("flag unavailable: steps 1 to 5 (unknown on an incomplete snapshot, not-protected on a complete one)", () => {
    expect(
      decideVerdict({ snapshot: incomplete, account: upnOnly, check: found("unavailable") }).status,
    ).toBe("unknown");
    expect(decideVerdict({ snapshot: snap({}), account: upnOnly, check: found("unavailable") }).status).toBe(
      "not-protected",
    );
  });

  test.each([
    ["not-found", "not-found"],
    ["throttled", "throttled"],
    ["permission-missing", "permission-missing"],
    ["unavailable", "directory-unavailable"],
  ] as const)("failed %s => unknown %s, for UPN-only and id accounts", (kind, reasonCode) => {
    expect(decideVerdict({ snapshot: incomplete, account: upnOnly, check: failed(kind) })).toMatchObject({
      status: "unknown",
      reasonCode,
      accountId: null,
    });
    expect(decideVerdict({ snapshot: incomplete, account: { id: U1 }, check: failed(kind) })).toMatchObject({
      status: "unknown",
      reasonCode,
      accountId: U1,
    });
  });

  test("a failed UPN check still finds positive evidence by UPN in the protected set", () => {
    const snapshot = snap({ protectedIds: [U1] });
    const verdict = decideVerdict({
      snapshot,
      account: { userPrincipalName: `${U1.toUpperCase()}@X.TEST` },
      check: failed("throttled"),
    });
    expect(verdict).toMatchObject({ status: "protected", accountId: U1 });
  });

  test.each([
    ["says not restricted", false],
    ["says restricted", true],
  ] as const)(
    "a check answered for another user (it %s) is a failed bad-response, never that user's verdict",
    (_, flag) => {
      const verdict = decideVerdict({ snapshot: incomplete, account: { id: U1 }, check: found(flag, U2) });
      expect(verdict).toMatchObject({ status: "unknown", reasonCode: "bad-response", accountId: U1 });
      expect(verdict.reason).toContain(U2);
    },
  );

  test("a check for a UPN answered with another UPN is a failed bad-response", () => {
    const other: UserCheck = {
      outcome: "found",
      user: { id: U2, userPrincipalName: "someone-else@x.test", displayName: null },
      isManagementRestricted: false,
    };
    expect(decideVerdict({ snapshot: incomplete, account: upnOnly, check: other })).toMatchObject({
      status: "unknown",
      reasonCode: "bad-response",
      accountId: null,
    });
  });

  test("a check answered for the same user in another letter case is that user's", () => {
    expect(
      decideVerdict({ snapshot: incomplete, account: { id: U1.toUpperCase() }, check: found(false) }),
    ).toMatchObject({ status: "not-protected", accountId: U1 });
    expect(
      decideVerdict({
        snapshot: incomplete,
        account: { userPrincipalName: "U1@X.test" },
        check: found(false),
      }),
    ).toMatchObject({ status: "not-protected", accountId: U1 });
  });

  test("a UPN account without any check stays unknown", () => {
    expect(decideVerdict({ snapshot: snap({}), account: upnOnly })).toMatchObject({
      status: "unknown",
      reasonCode: "not-found",
    });
  });
});

describe("plainlyNotProtected (the exclusion run's shortcut)", () => {
  const users = [U1, U2, id(3), id(4)];
  const kinds = ["throttled", "permission-missing", "bad-response", "unavailable"] as const;
  const snapArb = fc.record(
    {
      primarySignal: fc.constantFrom<PrimarySignal>("available", "unsupported", "forbidden"),
      protectedIds: fc.subarray(users),
      protectedFailure: fc.constantFrom(...kinds),
      units: fc.array(
        fc.record(
          {
            id: fc.constantFrom(UNIT_A, UNIT_B),
            userIds: fc.subarray(users),
            complete: fc.boolean(),
            hidden: fc.boolean(),
            hiddenVisible: fc.boolean(),
          },
          { requiredKeys: ["id", "userIds", "complete", "hidden"] },
        ),
        { maxLength: 2 },
      ),
      unitListFailure: fc.constantFrom(...kinds),
    },
    { requiredKeys: ["primarySignal", "protectedIds", "units"] },
  );

  test("says 'plainly not protected' only where decideVerdict says not-protected, and for every such user of a complete snapshot", () => {
    fc.assert(
      fc.property(snapArb, (spec) => {
        const snapshot = snap(spec);
        const denials = createDenialMemory();
        const denial = { observedAtMs: T0, failure: { status: 403 } };
        denials.remember({ id: U2 }, denial);
        const plain = plainlyNotProtected({ denials }, snapshot);
        expect(plain === undefined).toBe(!snapshot.complete);
        for (const user of users) {
          const remembered = denials.find({ id: user });
          const verdict = decideVerdict({ snapshot, account: { id: user }, denial: remembered });
          // The shortcut may only ever skip accounts the full rules call not-protected: never a
          // protected or an unknown one, nor one whose rotation a unit denied.
          if (plain?.(user, undefined) === true) expect(verdict.status).toBe("not-protected");
          // And on a complete snapshot it catches exactly those (ids named nowhere), so runs stay cheap.
          if (snapshot.complete) expect(plain?.(user, undefined)).toBe(verdict.status === "not-protected");
        }
      }),
    );
  });
});
