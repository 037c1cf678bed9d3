import { describe, expect, test } from "vitest";
import {
  type AutoRotateRecord,
  type ManagedAccount,
  ROTATION_EXCLUSION_ACTOR,
} from "../ports/account-store.js";
import type { Verdict } from "../verdict/verdict.js";
import { planAccount } from "./exclusion-plan.js";

const NOW = "2026-01-01T00:00:00.000Z";
const base = { accountId: "a", userPrincipalName: null, evidence: [], unitIds: [], observedAt: NOW };
const verdicts = {
  protected: { ...base, status: "protected", reasonCode: "unit-member", reason: "in unit" },
  "not-protected": { ...base, status: "not-protected", reasonCode: "not-restricted", reason: "complete" },
  unknown: { ...base, status: "unknown", reasonCode: "throttled", reason: "429" },
} satisfies Record<string, Verdict>;

const record = (
  kind: AutoRotateRecord["kind"],
  changedBy = ROTATION_EXCLUSION_ACTOR,
  releasedAt?: string,
): AutoRotateRecord => ({
  kind,
  changedBy,
  reasonCode: "restricted-flag",
  reason: "r",
  unitIds: [],
  evidence: [],
  changedAt: "2025-01-01T00:00:00.000Z",
  ...(releasedAt ? { releasedAt } : {}),
});

type State = [name: string, autoRotate: boolean, record: AutoRotateRecord | undefined];
const states: State[] = [
  ["on, no record", true, undefined],
  ["off by operator, no record", false, undefined],
  ["off by operator record", false, record("exclusion", "ops@msp.test")],
  ["off by our exclusion", false, record("exclusion")],
  [
    "off by our exclusion, released",
    false,
    record("exclusion", ROTATION_EXCLUSION_ACTOR, "2025-06-01T00:00:00.000Z"),
  ],
  ["parked by us (pendingVerification)", false, record("pendingVerification")],
];

// Expected outcome per state for [protected, not-protected, not-protected + restoreReleased].
const expected: Record<string, [string, string, string]> = {
  "on, no record": ["excluded", "notProtected", "notProtected"],
  "off by operator, no record": ["alreadyExcluded", "notProtected", "notProtected"],
  "off by operator record": ["alreadyExcluded", "notProtected", "notProtected"],
  "off by our exclusion": ["alreadyExcluded", "releasedNewly", "restored"],
  "off by our exclusion, released": ["alreadyExcluded", "releasedStill", "restored"],
  "parked by us (pendingVerification)": ["excluded", "activated", "activated"],
};

describe("planAccount", () => {
  test.each(states)("%s", (name, autoRotate, rec) => {
    const account: ManagedAccount = { key: "k", autoRotate, record: rec, version: "v7" };
    const [onProtected, onFree, onFreeRestore] = expected[name] ?? [];
    const p = planAccount(account, verdicts.protected, { restoreReleased: false, now: NOW });
    const n = planAccount(account, verdicts["not-protected"], { restoreReleased: false, now: NOW });
    const r = planAccount(account, verdicts["not-protected"], { restoreReleased: true, now: NOW });
    expect([p.outcome, n.outcome, r.outcome]).toEqual([onProtected, onFree, onFreeRestore]);
    expect(planAccount(account, verdicts.unknown, { restoreReleased: true, now: NOW }).outcome).toBe(
      "deferred",
    );
    for (const action of [p, n, r]) {
      if (!("write" in action) || action.write === undefined) continue;
      expect(action.write.expectedVersion).toBe("v7");
      // autoRotate goes false only on a protected verdict, and true only for accounts we turned off.
      if (action.write.autoRotate === false)
        expect(action === p || action.outcome === "releasedNewly").toBe(true);
      if (action.write.autoRotate === true && autoRotate === false)
        expect(rec?.changedBy).toBe(ROTATION_EXCLUSION_ACTOR);
    }
  });

  test("the exclusion record carries the verdict's reason, units and evidence", () => {
    const verdict: Verdict = {
      ...verdicts.protected,
      unitIds: ["u"],
      evidence: [{ kind: "restricted-flag", observedAt: NOW }],
    };
    const action = planAccount({ key: "k", autoRotate: true, version: "1" }, verdict, {
      restoreReleased: false,
      now: NOW,
    });
    expect(action).toEqual({
      outcome: "excluded",
      write: {
        expectedVersion: "1",
        autoRotate: false,
        record: {
          kind: "exclusion",
          changedBy: ROTATION_EXCLUSION_ACTOR,
          reasonCode: "unit-member",
          reason: "in unit",
          unitIds: ["u"],
          evidence: [{ kind: "restricted-flag", observedAt: NOW }],
          changedAt: NOW,
        },
      },
    });
  });

  test("a release keeps our record and stamps releasedAt; a return of protection rewrites it without releasedAt", () => {
    const ours = { key: "k", autoRotate: false, record: record("exclusion"), version: "1" };
    const released = planAccount(ours, verdicts["not-protected"], { restoreReleased: false, now: NOW });
    expect(released).toMatchObject({
      outcome: "releasedNewly",
      write: { autoRotate: false, record: { releasedAt: NOW, reason: "r" } },
    });
    const back = planAccount(
      { ...ours, record: record("exclusion", ROTATION_EXCLUSION_ACTOR, NOW) },
      verdicts.protected,
      {
        restoreReleased: false,
        now: NOW,
      },
    );
    expect(back.outcome).toBe("alreadyExcluded");
    expect("write" in back && back.write?.record?.releasedAt).toBeUndefined();
  });

  test("with alertOnRelease, the release write carries releaseAlertPending; a released record says whether an alert is owed", () => {
    const ours = { key: "k", autoRotate: false, record: record("exclusion"), version: "1" };
    const options = { restoreReleased: false, now: NOW, alertOnRelease: true };
    const released = planAccount(ours, verdicts["not-protected"], options);
    expect(released).toMatchObject({
      outcome: "releasedNewly",
      write: { record: { releasedAt: NOW, releaseAlertPending: true } },
      record: { releasedAt: NOW, releaseAlertPending: true },
    });
    const silent = planAccount(ours, verdicts["not-protected"], { ...options, alertOnRelease: false });
    expect("record" in silent && silent.record).not.toHaveProperty("releaseAlertPending");

    const owed = { ...record("exclusion", ROTATION_EXCLUSION_ACTOR, NOW), releaseAlertPending: true };
    const still = planAccount({ ...ours, record: owed }, verdicts["not-protected"], options);
    expect(still).toEqual({ outcome: "releasedStill", alertPending: true });
    const sent = planAccount(
      { ...ours, record: record("exclusion", ROTATION_EXCLUSION_ACTOR, NOW) },
      verdicts["not-protected"],
      options,
    );
    expect(sent).toEqual({ outcome: "releasedStill", alertPending: false });
    // Protection back: the fresh exclusion record drops the release and the alert owed for it.
    const back = planAccount({ ...ours, record: owed }, verdicts.protected, options);
    expect("write" in back && back.write?.record).not.toHaveProperty("releaseAlertPending");
  });
});
