/**
 * The fault soak: repeated rotation cycles (the minimal rotation engine behind the guard, over the real
 * Graph adapter) on many fake Graph tenants, with random faults on some cycles and directory changes
 * between cycles. Each tenant also runs a never-faulted twin on the same live tenant model, so "what a
 * fault-free run would produce" is not a guess. Invariants are checked after every cycle; the run
 * resolves with a tally, violations included (a clean run has none), and never throws for them.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { VerdictStatus } from "@rotation-exclusion/core";
import { createSeededRandom, type SeededRandom } from "./seeded-random.js";
import { drawFaults, SOAK_FAULT_KINDS, type SoakFault, type SoakFaultKind } from "./soak-faults.js";
import {
  checkCycle,
  countVerdicts,
  expectedSettledState,
  operatorShape,
  type SoakViolation,
  type SoakViolationKind,
  settledState,
  userIdOf,
  verdictsOf,
} from "./soak-invariants.js";
import { runSideCycle, type SoakSide, startSoakSide } from "./soak-side.js";
import {
  buildSoakTenant,
  mutateSoakTenant,
  protectedNow,
  SOAK_MUTATION_KINDS,
  type SoakMutationKind,
  type SoakTenant,
} from "./soak-tenant.js";

/** Options of {@link runFaultSoak}. */
export interface FaultSoakOptions {
  /** Seed of every random draw; the same seed replays the same run. Default 1. */
  readonly seed?: number;
  /** Tenants run side by side. Default 6. */
  readonly tenants?: number;
  /** Cycles per tenant, the fault-free drain cycles included. Default 12. */
  readonly cycles?: number;
  /** Share of cycles (before the drain) run with faults. Default 0.5. */
  readonly faultRate?: number;
  /** Fault-free cycles at the end, after which everything must have settled. Default 2. */
  readonly drainCycles?: number;
  /** Ordinary users per tenant (all managed). Default 8. */
  readonly usersPerTenant?: number;
  /**
   * The adapter's per-request deadline on cycles with injected faults; slow faults answer later than
   * this. Default 400.
   */
  readonly deadlineMs?: number;
  /**
   * The deadline on fault-free cycles (and the twin's, always). Only an injected slow answer may run a
   * request out of time, so this one is far above what a loaded machine takes: reaching it is a hang, a
   * defect. Default 30,000.
   */
  readonly patientDeadlineMs?: number;
  /**
   * Added to every answer of both servers, as on a machine too slow for `deadlineMs`: for the soak's own
   * test that machine speed decides no invariant. Default 0.
   */
  readonly slowAnswersMs?: number;
  /**
   * Fault-free cycles (no directory change) a tenant may take after the drain while its reads still run
   * past the patient deadline; past them, that counts as a hang. Default 5.
   */
  readonly maxSettleCycles?: number;
  /** The bearer token the fake credential hands out. Default `soak-token`. */
  readonly token?: string;
  /** Receives every log line of the adapter and the guard. Default: no logging. */
  readonly log?: ((line: string) => void) | undefined;
  /** Called after each round of cycles (one cycle on every tenant). */
  readonly onRound?: ((round: number, report: FaultSoakReport) => void) | undefined;
  /** Heap growth (after GC) from the warm-up rounds to the last rounds that counts as a leak. Default 48 MiB. */
  readonly memoryGrowthLimitBytes?: number;
}

/** The tally of a soak run. */
export interface FaultSoakReport {
  readonly seed: number;
  readonly tenants: number;
  readonly cyclesPerTenant: number;
  /** Tenant-cycles run so far (faulty side; each twin ran as many). */
  tenantCycles: number;
  /** Stored accounts an operator turned off by hand (record or none), over all tenants' faulty stores. */
  operatorOwnedAccounts: number;
  /** Stored accounts known only by UPN (no object id), over all tenants' faulty stores. */
  upnOnlyAccounts: number;
  faultyCycles: number;
  faultFreeCycles: number;
  readonly faultsInjected: Record<SoakFaultKind, number>;
  /** Times injected faults applied to a request (a fault may apply several times, or never). */
  readonly faultHits: Record<SoakFaultKind, number>;
  readonly mutations: Record<SoakMutationKind, number>;
  /** Verdicts on the faulty side: exclusion runs, role imports and the engine's checks before rotating. */
  readonly verdicts: Record<VerdictStatus, number>;
  readonly unknownByReason: Record<string, number>;
  /** Accounts left undecided by a faulty cycle and decided by a later fault-free one. */
  unknownResolved: number;
  /**
   * Sides of fault-free cycles on which a read ran past the patient deadline: not injected, so not held
   * to "everything decided" (a later clean fault-free cycle is).
   */
  outOfTimeCycles: number;
  /** Extra fault-free cycles run after the drain for tenants whose last cycle ran out of time. */
  settleCycles: number;
  readonly rotations: { rotated: number; skipped: number; failed: number };
  /** Requests the faulty side's servers answered. */
  requests: number;
  /** Heap used after GC, sampled after each round (bytes). */
  readonly heapUsedBytes: number[];
  /** Whether a real GC ran before each heap sample (memory checks are skipped without one). */
  gcAvailable: boolean;
  readonly violationCounts: Record<SoakViolationKind, number>;
  /** The first 50 violations, in order. */
  readonly violations: SoakViolation[];
  durationMs: number;
}

const DEFAULTS = {
  seed: 1,
  tenants: 6,
  cycles: 12,
  faultRate: 0.5,
  drainCycles: 2,
  usersPerTenant: 8,
  deadlineMs: 400,
  patientDeadlineMs: 30_000,
  slowAnswersMs: 0,
  maxSettleCycles: 5,
  token: "soak-token",
  log: undefined,
  onRound: undefined,
  memoryGrowthLimitBytes: 48 * 1024 * 1024,
} satisfies Required<FaultSoakOptions>;

const MAX_LISTED_VIOLATIONS = 50;

interface Rig {
  readonly soak: SoakTenant;
  readonly rng: SeededRandom;
  readonly faulty: SoakSide;
  readonly twin: SoakSide;
  readonly restoreReleased: boolean;
  /** Account keys left undecided since the last fault-free cycle. */
  readonly undecided: Set<string>;
  /** A side of the tenant's last cycle ran past the patient deadline. */
  ranOutOfTime: boolean;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}

function checkOption(name: string, value: number, min: number): void {
  if (!(Number.isFinite(value) && value >= min)) {
    throw new RangeError(`runFaultSoak: ${name} must be a number >= ${min}, got ${String(value)}`);
  }
}

/**
 * Runs a fault soak and resolves with its tally.
 *
 * @example
 * const report = await runFaultSoak({ seed: 7, tenants: 4, cycles: 10 });
 * if (report.violations.length > 0) throw new Error(formatSoakTally(report));
 */
export async function runFaultSoak(options: FaultSoakOptions = {}): Promise<FaultSoakReport> {
  const config = { ...DEFAULTS, ...options };
  checkOption("tenants", config.tenants, 1);
  checkOption("cycles", config.cycles, 1);
  checkOption("drainCycles", config.drainCycles, 1);
  checkOption("usersPerTenant", config.usersPerTenant, 4);
  checkOption("deadlineMs", config.deadlineMs, 50);
  checkOption("patientDeadlineMs", config.patientDeadlineMs, config.deadlineMs);
  checkOption("slowAnswersMs", config.slowAnswersMs, 0);
  checkOption("maxSettleCycles", config.maxSettleCycles, 0);
  if (!(config.faultRate >= 0 && config.faultRate <= 1))
    throw new RangeError(`runFaultSoak: faultRate must be within [0, 1], got ${String(config.faultRate)}`);
  const startedMs = Date.now();
  const rng = createSeededRandom(config.seed);
  const report: FaultSoakReport = {
    seed: rng.seed,
    tenants: config.tenants,
    cyclesPerTenant: config.cycles,
    tenantCycles: 0,
    operatorOwnedAccounts: 0,
    upnOnlyAccounts: 0,
    faultyCycles: 0,
    faultFreeCycles: 0,
    faultsInjected: zeroes(SOAK_FAULT_KINDS),
    faultHits: zeroes(SOAK_FAULT_KINDS),
    mutations: zeroes(SOAK_MUTATION_KINDS),
    verdicts: { protected: 0, "not-protected": 0, unknown: 0 },
    unknownByReason: {},
    unknownResolved: 0,
    outOfTimeCycles: 0,
    settleCycles: 0,
    rotations: { rotated: 0, skipped: 0, failed: 0 },
    requests: 0,
    heapUsedBytes: [],
    gcAvailable: false,
    violationCounts: zeroes<SoakViolationKind>([
      "cycle-threw",
      "rotation-attempted-on-protected",
      "rotation-succeeded-on-protected",
      "unprotected-account-excluded",
      "operator-record-changed",
      "verdict-mixes-users",
      "unknown-without-reason",
      "undecided-after-fault-free-cycle",
      "store-duplicate",
      "store-diverged",
      "memory-grew",
    ]),
    violations: [],
    durationMs: 0,
  };
  const violate = (violation: SoakViolation) => {
    report.violationCounts[violation.kind] += 1;
    if (report.violations.length < MAX_LISTED_VIOLATIONS) report.violations.push(violation);
  };
  const sideOptions = {
    token: config.token,
    deadlineMs: config.deadlineMs,
    patientDeadlineMs: config.patientDeadlineMs,
    log: config.log,
  };
  const rigs: Rig[] = [];
  const gc = findGc();
  report.gcAvailable = gc !== undefined;
  try {
    for (let index = 0; index < config.tenants; index += 1) {
      const tenantRng = rng.fork(`tenant-${index}`);
      const soak = buildSoakTenant(index, tenantRng, config.usersPerTenant);
      // Half the tenants use the default (report released accounts), half restore them.
      const restoreReleased = index % 2 === 1;
      report.operatorOwnedAccounts += soak.operatorOwned.size;
      report.upnOnlyAccounts += soak.initialAccounts.filter(
        (account) => account.objectId === undefined,
      ).length;
      const faulty = await startSoakSide(soak, { ...sideOptions, restoreReleased });
      const twin = await startSoakSide(soak, { ...sideOptions, restoreReleased });
      rigs.push({
        soak,
        rng: tenantRng,
        faulty,
        twin,
        restoreReleased,
        undecided: new Set(),
        ranOutOfTime: false,
      });
    }
    for (let cycle = 1; cycle <= config.cycles; cycle += 1) {
      const drain = cycle > config.cycles - config.drainCycles;
      await Promise.all(rigs.map((rig) => runTenantCycle(rig, cycle, drain, config, report, violate)));
      gc?.();
      report.heapUsedBytes.push(process.memoryUsage().heapUsed);
      report.durationMs = Date.now() - startedMs;
      config.onRound?.(cycle, report);
    }
    const settled = await Promise.all(rigs.map((rig) => settle(rig, config, report, violate)));
    for (const [index, rig] of rigs.entries()) checkSettledStores(rig, settled[index] as number, violate);
    checkMemory(report, config.memoryGrowthLimitBytes, violate);
  } finally {
    await Promise.all(rigs.flatMap((rig) => [rig.faulty.server.close(), rig.twin.server.close()]));
  }
  report.durationMs = Date.now() - startedMs;
  return report;
}

async function runTenantCycle(
  rig: Rig,
  cycle: number,
  drain: boolean,
  config: Required<FaultSoakOptions>,
  report: FaultSoakReport,
  violate: (violation: SoakViolation) => void,
): Promise<void> {
  const { soak, rng } = rig;
  // Every draw happens before the first await, so the run replays from its seed.
  if (cycle > 1) report.mutations[mutateSoakTenant(soak, rng, cycle)] += 1;
  // Drawn whether used or not, so a shorter run replays the same prefix as a longer one.
  const faultyDraw = rng.chance(config.faultRate);
  const drawn = drawFaults(rng, { deadlineMs: config.deadlineMs });
  const importDraw = rng.chance(0.3);
  const faultFree = drain || !faultyDraw;
  const faults = faultFree ? [] : drawn;
  // Fault-free drain cycles import too, so a holder a faulty import missed is never lost.
  const roleImport = cycle === 1 || drain || importDraw;
  await runCycleAndCheck(rig, cycle, { faults, roleImport, faultFree }, config, report, violate);
}

// A tenant whose last cycle ran out of the patient deadline gets fault-free cycles (no directory change,
// no draw) until one does not, so the settled state is judged on a clean read. Answers the last cycle.
async function settle(
  rig: Rig,
  config: Required<FaultSoakOptions>,
  report: FaultSoakReport,
  violate: (violation: SoakViolation) => void,
): Promise<number> {
  let cycle = config.cycles;
  while (rig.ranOutOfTime && cycle < config.cycles + config.maxSettleCycles) {
    cycle += 1;
    report.settleCycles += 1;
    const plan = { faults: [], roleImport: true, faultFree: true };
    await runCycleAndCheck(rig, cycle, plan, config, report, violate);
  }
  if (rig.ranOutOfTime)
    violate({
      kind: "undecided-after-fault-free-cycle",
      tenantIndex: rig.soak.index,
      cycle,
      side: "faulty",
      detail: `reads still ran past the patient deadline (${config.patientDeadlineMs} ms) after ${config.maxSettleCycles} settle cycles: a hang, not a slow machine`,
    });
  return cycle;
}

interface CyclePlan {
  readonly faults: readonly SoakFault[];
  readonly roleImport: boolean;
  readonly faultFree: boolean;
}

async function runCycleAndCheck(
  rig: Rig,
  cycle: number,
  { faults, roleImport, faultFree }: CyclePlan,
  config: Required<FaultSoakOptions>,
  report: FaultSoakReport,
  violate: (violation: SoakViolation) => void,
): Promise<void> {
  const { soak, faulty, twin } = rig;
  const truth = protectedNow(soak.tenant);
  const handles = faults.map(({ kind, fault }) => {
    report.faultsInjected[kind] += 1;
    return { kind, handle: faulty.server.addFault(fault) };
  });
  if (config.slowAnswersMs > 0) {
    const slow = {
      match: {},
      effect: { kind: "latency", delayMs: config.slowAnswersMs },
      times: Infinity,
    } as const;
    faulty.server.addFault(slow);
    twin.server.addFault(slow);
  }
  const [faultyCycle, twinCycle] = await Promise.all([
    runSideCycle(soak, faulty, roleImport, faults.length > 0),
    runSideCycle(soak, twin, roleImport, false),
  ]);
  for (const { kind, handle } of handles) report.faultHits[kind] += handle.hits;
  faulty.server.clearFaults();
  twin.server.clearFaults();

  report.tenantCycles += 1;
  if (faultFree) report.faultFreeCycles += 1;
  else report.faultyCycles += 1;
  report.requests += faultyCycle.requests;
  // Only what the soak injected may leave a fault-free cycle undecided: running out of the patient
  // deadline is the machine (or a hang, which the settle cycles catch), never a violation on its own.
  const faultyDecides = faultFree && !faultyCycle.ranOutOfTime;
  report.outOfTimeCycles +=
    (faultFree && faultyCycle.ranOutOfTime ? 1 : 0) + (twinCycle.ranOutOfTime ? 1 : 0);
  rig.ranOutOfTime = faultyCycle.ranOutOfTime || twinCycle.ranOutOfTime;
  const where = { tenantIndex: soak.index, cycle };
  for (const violation of checkCycle(
    { ...where, side: "faulty" },
    soak.tenant,
    truth,
    faultyCycle,
    faultyDecides,
    soak.operatorOwned,
  ))
    violate(violation);
  for (const violation of checkCycle(
    { ...where, side: "twin" },
    soak.tenant,
    truth,
    twinCycle,
    !twinCycle.ranOutOfTime,
    soak.operatorOwned,
  ))
    violate(violation);

  for (const [status, count] of Object.entries(countVerdicts(faultyCycle)))
    report.verdicts[status as VerdictStatus] += count;
  for (const verdict of verdictsOf(faultyCycle)) {
    if (verdict.status === "unknown") {
      report.unknownByReason[verdict.reasonCode] = (report.unknownByReason[verdict.reasonCode] ?? 0) + 1;
      rig.undecided.add(verdict.accountId ?? verdict.userPrincipalName ?? "?");
    }
  }
  if (faultyDecides) {
    // checkCycle has already flagged anything still undecided after this fault-free cycle.
    report.unknownResolved += rig.undecided.size;
    rig.undecided.clear();
  }
  const rotation = faultyCycle.rotation;
  if (rotation !== undefined) {
    report.rotations.rotated += rotation.rotated;
    report.rotations.skipped += rotation.skipped;
    report.rotations.failed += rotation.failed;
  }
}

function checkSettledStores(rig: Rig, cycle: number, violate: (violation: SoakViolation) => void): void {
  const truth = protectedNow(rig.soak.tenant);
  const tenant = rig.soak.tenant;
  const state = (side: SoakSide) =>
    new Map(
      side.store.snapshot().map((account) => {
        // An operator's account settles where the operator left it, protected or not (rule 4).
        const left = rig.soak.operatorOwned.get(account.key);
        if (left !== undefined) {
          const operator = (shape: typeof account | typeof left) =>
            `${account.key} operator ${operatorShape(shape)}`;
          return [account.key, { actual: operator(account), expected: operator(left) }];
        }
        const userId = userIdOf(tenant, account);
        const isProtected = userId !== undefined && truth.has(userId);
        return [
          account.key,
          {
            actual: settledState(account, isProtected, rig.restoreReleased),
            expected: expectedSettledState(account.key, isProtected, rig.restoreReleased),
          },
        ];
      }),
    );
  const faulty = state(rig.faulty);
  const twin = state(rig.twin);
  const where = { tenantIndex: rig.soak.index, cycle, side: "faulty" as const };
  for (const [key, { actual, expected }] of faulty) {
    const twinState = twin.get(key);
    if (twinState === undefined)
      violate({ ...where, kind: "store-diverged", detail: `${key} is not in the twin's store` });
    else if (twinState.actual !== actual)
      violate({
        ...where,
        kind: "store-diverged",
        detail: `${actual}, but the twin has ${twinState.actual}`,
      });
    if (actual !== expected)
      violate({ ...where, kind: "store-diverged", detail: `${actual}, expected ${expected}` });
  }
  for (const key of twin.keys()) {
    if (!faulty.has(key))
      violate({ ...where, kind: "store-diverged", detail: `${key} was lost (the twin has it)` });
  }
}

// Flat means: after GC, the last rounds use no more heap than the warm-up rounds plus a fixed allowance.
function checkMemory(
  report: FaultSoakReport,
  limitBytes: number,
  violate: (violation: SoakViolation) => void,
): void {
  const samples = report.heapUsedBytes;
  if (!report.gcAvailable || samples.length < 8) return;
  const quarter = Math.max(2, Math.floor(samples.length / 4));
  const warm = Math.max(...samples.slice(quarter, 2 * quarter));
  const last = samples.slice(-quarter).sort((a, b) => a - b)[Math.floor(quarter / 2)] as number;
  if (last - warm > limitBytes) {
    violate({
      kind: "memory-grew",
      tenantIndex: -1,
      cycle: samples.length,
      side: "faulty",
      detail: `heap after GC grew from ${mib(warm)} to ${mib(last)} MiB`,
    });
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
