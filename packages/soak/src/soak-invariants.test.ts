import type { ManagedAccount, TenantSnapshot } from "@rotation-exclusion/core";
import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { checkCycle, type SideCycle } from "./soak-invariants.js";

// The checker must catch what it promises to catch, or a clean soak proves nothing.
const t = tenantBuilder({ seed: "invariants" });
const guarded = t.user("guarded");
const plain = t.user("plain");
t.unit("Emergency access", { restricted: true, members: [guarded] });
const tenant = t.build();
const truth = new Set([guarded]);
const where = { tenantIndex: 0, cycle: 3, side: "faulty" as const };

function cycle(overrides: Partial<SideCycle>): SideCycle {
  return {
    roleImport: undefined,
    exclusion: undefined,
    rotation: undefined,
    snapshot: undefined,
    error: undefined,
    writes: [],
    patchedUserIds: [],
    changedUserIds: [],
    requests: 0,
    accounts: [],
    ranOutOfTime: false,
    ...overrides,
  };
}

const kinds = (c: SideCycle, faultFree = false) =>
  checkCycle(where, tenant, truth, c, faultFree).map((v) => v.kind);

describe("soak invariants", () => {
  it("accepts a quiet cycle", () => {
    expect(kinds(cycle({ patchedUserIds: [plain], changedUserIds: [plain] }), true)).toEqual([]);
  });

  it("flags a password change sent, or accepted, for a protected account", () => {
    expect(kinds(cycle({ patchedUserIds: [guarded] }))).toEqual(["rotation-attempted-on-protected"]);
    expect(kinds(cycle({ changedUserIds: [guarded] }))).toEqual(["rotation-succeeded-on-protected"]);
    // Protected as of the guard's snapshot counts too, even if the directory has changed since.
    const snapshot = { protectedUsers: new Map([[plain, {}]]), units: [] } as unknown as TenantSnapshot;
    expect(kinds(cycle({ patchedUserIds: [plain], snapshot }))).toEqual(["rotation-attempted-on-protected"]);
  });

  it("flags our exclusion of an unprotected account, but not a released record", () => {
    const write = {
      key: plain,
      objectId: plain,
      userPrincipalName: undefined,
      autoRotate: false,
      recordKind: "exclusion" as const,
      recordChangedBy: "rotation-exclusion",
      recordReleased: false,
    };
    expect(kinds(cycle({ writes: [write] }))).toEqual(["unprotected-account-excluded"]);
    expect(kinds(cycle({ writes: [{ ...write, recordReleased: true }] }))).toEqual([]);
  });

  it("flags pending accounts after a fault-free cycle and two accounts for one user", () => {
    const pending: ManagedAccount = {
      key: plain,
      objectId: plain,
      autoRotate: false,
      version: "1",
      record: {
        kind: "pendingVerification",
        changedBy: "rotation-exclusion",
        reasonCode: "throttled",
        reason: "throttled",
        unitIds: [],
        evidence: [],
        changedAt: "2024-01-01T00:00:00.000Z",
      },
    };
    expect(kinds(cycle({ accounts: [pending] }), true)).toEqual(["undecided-after-fault-free-cycle"]);
    expect(kinds(cycle({ accounts: [pending] }), false)).toEqual([]);
    const upnTwin = {
      key: "by-upn",
      userPrincipalName: tenant.users.get(plain)?.userPrincipalName,
      autoRotate: true,
      version: "1",
    };
    expect(kinds(cycle({ accounts: [{ ...pending, record: undefined }, upnTwin] }))).toEqual([
      "store-duplicate",
    ]);
  });

  it("flags any write to an account an operator turned off, and any change to it", () => {
    const record = {
      kind: "exclusion" as const,
      changedBy: "operator:helpdesk",
      reasonCode: "not-restricted" as const,
      reason: "by hand",
      unitIds: [],
      evidence: [],
      changedAt: "2024-01-01T00:00:00.000Z",
    };
    const left = { key: plain, objectId: plain, autoRotate: false, record };
    const operatorOwned = new Map([[plain, left]]);
    const check = (c: SideCycle) =>
      checkCycle(where, tenant, truth, c, false, operatorOwned).map((v) => v.kind);
    expect(check(cycle({ accounts: [{ ...left, version: "1" }] }))).toEqual([]);
    // Released as if it were ours: the record is no longer the operator's.
    const released = { ...left, version: "2", record: { ...record, releasedAt: "2024-01-02T00:00:00.000Z" } };
    const write = {
      key: plain,
      objectId: plain,
      userPrincipalName: undefined,
      autoRotate: false,
      recordKind: "exclusion" as const,
      recordChangedBy: "operator:helpdesk",
      recordReleased: true,
    };
    expect(check(cycle({ writes: [write], accounts: [released] }))).toEqual([
      "operator-record-changed",
      "operator-record-changed",
    ]);
    // Turned back on (restored), or overwritten with our record.
    expect(
      check(cycle({ accounts: [{ ...left, version: "2", autoRotate: true, record: undefined }] })),
    ).toEqual(["operator-record-changed"]);
    const ours = { ...record, changedBy: "rotation-exclusion" };
    expect(check(cycle({ accounts: [{ ...left, version: "2", record: ours }] }))).toEqual([
      "operator-record-changed",
    ]);
  });

  it("flags a verdict that names one user's id with another user's UPN", () => {
    const verdict = {
      accountId: guarded,
      userPrincipalName: tenant.users.get(plain)?.userPrincipalName ?? null,
      status: "protected" as const,
      reasonCode: "unit-member" as const,
      reason: "member",
      evidence: [],
      unitIds: [],
      observedAt: "2024-01-01T00:00:00.000Z",
    };
    const outcome = { key: plain, verdict, write: undefined };
    const exclusion = {
      excluded: [outcome],
      alreadyExcluded: [],
      deferred: [],
      released: { newly: [], still: [] },
      restored: [],
      activated: [],
      conflicts: [],
      errors: [],
    } as unknown as SideCycle["exclusion"];
    expect(kinds(cycle({ exclusion }))).toEqual(["verdict-mixes-users"]);
    const same = { ...verdict, userPrincipalName: tenant.users.get(guarded)?.userPrincipalName ?? null };
    const fine = {
      ...exclusion,
      excluded: [{ ...outcome, verdict: same }],
    } as unknown as SideCycle["exclusion"];
    expect(kinds(cycle({ exclusion: fine }))).toEqual([]);
  });

  it("flags a cycle that threw", () => {
    expect(kinds(cycle({ error: new Error("boom") }))).toEqual(["cycle-threw"]);
  });
});
