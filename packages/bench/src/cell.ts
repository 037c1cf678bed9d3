/**
 * One benchmark cell in its own process (so CPU time and peak RSS are this cell's): runs a strategy
 * for T tenants x M accounts, cold then steady-state, asking the orchestrator to reset the fake
 * server's throttle state and read its request counts around every run.
 */
import { type AccountStore, createRotationGuard, type DirectoryReader } from "@rotation-exclusion/core";
import { lazyAccountStore } from "./lazy-account-store.js";
import { createWorld, runCycle, type Strategy } from "./strategies.js";
import {
  protectedUsersOf,
  RESTRICTED_UNITS,
  restrictedMembers,
  tenantIdOf,
  unitIdOf,
  upnOf,
  userIdOf,
} from "./synthetic-tenants.js";

export interface CellSpec {
  readonly strategy: Strategy | "classify";
  readonly tenants: number;
  readonly accounts: number;
  readonly coldRuns: number;
  readonly steadyRuns: number;
  readonly url: string;
  readonly ca: string;
}

export interface RunFigures {
  readonly wallMs: number;
  readonly requests: number;
  readonly throttled: number;
  readonly rotatable: number;
}

export interface CellResult {
  readonly cold: readonly RunFigures[];
  readonly steady: readonly RunFigures[];
  /** Client CPU per cycle (user + system), ms. */
  readonly cpuMsPerCycle: number;
  /** Client peak resident set size, MB. */
  readonly peakRssMb: number;
  /** Classify cell only: CPU of classification alone (list check, verdicts, plan) per run, median, ms. */
  readonly classifyCpuMs?: number;
}

let pendingReply: ((value: Record<string, number>) => void) | undefined;
process.on("message", (message: Record<string, number>) => pendingReply?.(message));

function server(op: "reset" | "stats"): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    pendingReply = resolve;
    process.send?.({ type: "server", op });
  });
}

async function measure(run: () => Promise<number>): Promise<RunFigures> {
  await server("reset");
  const started = performance.now();
  const rotatable = await run();
  const wallMs = performance.now() - started;
  const stats = await server("stats");
  return { wallMs, requests: stats.requests ?? 0, throttled: stats.throttled ?? 0, rotatable };
}

/**
 * Deciding 100,000 managed accounts against a warm snapshot, without any I/O: a dry-run
 * `excludeFromAutoRotation` per run, after one warm-up run. Reports the median CPU of the whole run and
 * of its classification phase alone.
 */
async function classify(spec: CellSpec): Promise<CellResult> {
  const protectedIds = protectedUsersOf("large", 0);
  const members = restrictedMembers("large", 0);
  const directory: DirectoryReader = {
    readProtectedUsers: async () => ({
      primarySignal: "available",
      users: protectedIds.map((i) => ({
        id: userIdOf(0, i),
        userPrincipalName: upnOf(0, i),
        displayName: null,
      })),
      complete: true,
    }),
    readRestrictedUnits: async () => ({
      complete: true,
      units: Array.from({ length: RESTRICTED_UNITS }, (_, u) => ({
        id: unitIdOf(0, u),
        displayName: `Restricted ${u}`,
        membershipType: "assigned" as const,
        visibility: "public" as const,
        members: {
          userIds: (members[u] ?? []).map((i) => userIdOf(0, i)),
          groupIds: [],
          deviceIds: [],
          otherIds: [],
          complete: true,
        },
      })),
    }),
    checkUsers: async () => [],
  };
  // The accounts are listed once and handed out as is: this cell measures deciding, not generating them.
  const listed = await lazyAccountStore(0, spec.accounts).list();
  const accounts: AccountStore = {
    list: async () => listed,
    update: async () => ({ status: "conflict", current: undefined }),
  };
  // The guard's clock is this process's CPU time, so the report's own phase timings are CPU figures:
  // `timings.classifyMs` is the CPU of classification alone (checking the listed accounts, deciding
  // every account against the snapshot, planning), without the snapshot read and the report.
  const cpuClockMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const guard = createRotationGuard({ tenantId: tenantIdOf(0), directory, accounts, clock: cpuClockMs });
  await guard.excludeFromAutoRotation({ dryRun: true });
  const wholeRunCpuMs: number[] = [];
  const classifyCpuMs: number[] = [];
  for (let r = 0; r < spec.steadyRuns; r += 1) {
    const before = process.cpuUsage();
    const report = await guard.excludeFromAutoRotation({ dryRun: true });
    const used = process.cpuUsage(before);
    wholeRunCpuMs.push((used.user + used.system) / 1000);
    classifyCpuMs.push(report.timings.classifyMs);
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return {
    cold: [],
    steady: [],
    cpuMsPerCycle: median(wholeRunCpuMs),
    classifyCpuMs: median(classifyCpuMs),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] as string) as CellSpec;
  if (spec.strategy === "classify") {
    process.send?.({ type: "result", result: await classify(spec) });
    return;
  }
  const strategy = spec.strategy;
  const cpuBefore = process.cpuUsage();
  const cold: RunFigures[] = [];
  const steady: RunFigures[] = [];
  let world = createWorld(spec.url, spec.ca, spec.tenants, spec.accounts);
  for (let r = 0; r < spec.coldRuns; r += 1) {
    // A cold run starts from nothing: no stored snapshot, no exclusions written yet.
    world = createWorld(spec.url, spec.ca, spec.tenants, spec.accounts);
    cold.push(await measure(() => runCycle(world, strategy)));
  }
  for (let r = 0; r < spec.steadyRuns; r += 1) steady.push(await measure(() => runCycle(world, strategy)));
  const used = process.cpuUsage(cpuBefore);
  const result: CellResult = {
    cold,
    steady,
    cpuMsPerCycle: (used.user + used.system) / 1000 / (cold.length + steady.length),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.send?.({ type: "result", result });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
