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

  it("flags a cycle that threw", () => {
    expect(kinds(cycle({ error: new Error("boom") }))).toEqual(["cycle-threw"]);
  });
});
