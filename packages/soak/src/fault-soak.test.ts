import { describe, expect, it } from "vitest";
import { runFaultSoak } from "./fault-soak.js";
import { formatSoakTally } from "./soak-tally.js";

// Fixed, so the suite is deterministic; the tally (printed on failure) names it for a replay.
const SEED = 20_240_601;

describe("fault soak (short)", () => {
  it("keeps every safety invariant over faulty and fault-free cycles on many tenants", async () => {
    const report = await runFaultSoak({ seed: SEED, tenants: 8, cycles: 16, faultRate: 0.6 });
    const tally = formatSoakTally(report);
    expect(report.tenantCycles, tally).toBe(128);
    // Operators' exclusions and UPN-only accounts in every store, or rules 4 and 9 go unchecked.
    expect(report.operatorOwnedAccounts, tally).toBeGreaterThanOrEqual(16);
    expect(report.upnOnlyAccounts, tally).toBe(8);
    // The run must actually have exercised faults and undecided verdicts, or it proves nothing.
    expect(report.faultyCycles, tally).toBeGreaterThan(30);
    expect(
      Object.values(report.faultHits).reduce((a, b) => a + b, 0),
      tally,
    ).toBeGreaterThan(10);
    expect(report.verdicts.unknown, tally).toBeGreaterThan(0);
    expect(report.verdicts.protected, tally).toBeGreaterThan(0);
    expect(report.rotations.rotated, tally).toBeGreaterThan(0);
    expect(report.violations, tally).toEqual([]);
  }, 60_000);

  it("finds no violation on a machine too slow for the faulted cycles' deadline", async () => {
    // Every answer takes longer than the short deadline: only the soak's faults may count on it.
    const report = await runFaultSoak({
      seed: SEED,
      tenants: 2,
      cycles: 4,
      faultRate: 0.5,
      deadlineMs: 50,
      slowAnswersMs: 80,
    });
    const tally = formatSoakTally(report);
    expect(report.faultyCycles, tally).toBeGreaterThan(0);
    expect(report.faultFreeCycles, tally).toBeGreaterThan(0);
    // The faulted cycles did run out of time (the slow answers were slow), and nothing counted it.
    expect(report.unknownByReason["directory-unavailable"] ?? 0, tally).toBeGreaterThan(0);
    expect(report.violations, tally).toEqual([]);
  }, 60_000);

  it("holds no fault-free cycle to a deadline it did not inject, yet reports reads that never finish", async () => {
    // No answer ever comes (a hang): every read runs past even the patient deadline, on every cycle.
    const hung = await runFaultSoak({
      seed: SEED,
      tenants: 1,
      cycles: 3,
      deadlineMs: 50,
      patientDeadlineMs: 100,
      slowAnswersMs: 600_000,
      maxSettleCycles: 2,
    });
    const tally = formatSoakTally(hung);
    expect(hung.outOfTimeCycles, tally).toBeGreaterThanOrEqual(6);
    expect(hung.settleCycles, tally).toBe(2);
    // No cycle counts its own undecided accounts (the soak injected none of those timeouts) ...
    expect(
      hung.violations.filter((v) => v.detail.includes(" is unknown ")),
      tally,
    ).toEqual([]);
    // ... but reads that never finish, settle cycles or not, do count.
    expect(
      hung.violations.map((v) => v.detail),
      tally,
    ).toContain(
      "reads still ran past the patient deadline (100 ms) after 2 settle cycles: a hang, not a slow machine",
    );
  }, 60_000);

  it("replays exactly from its seed", async () => {
    const run = () => runFaultSoak({ seed: 7, tenants: 2, cycles: 4, faultRate: 1 });
    const [first, second] = [await run(), await run()];
    expect(second.faultsInjected).toEqual(first.faultsInjected);
    expect(second.mutations).toEqual(first.mutations);
  }, 30_000);

  it("refuses options that cannot run", async () => {
    await expect(runFaultSoak({ tenants: 0 })).rejects.toThrow(/tenants must be a number >= 1, got 0/);
    await expect(runFaultSoak({ faultRate: 2 })).rejects.toThrow(/faultRate must be within \[0, 1\], got 2/);
  });
});
