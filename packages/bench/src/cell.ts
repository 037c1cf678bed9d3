/**
 * One benchmark cell in its own process (so CPU time and heap are this cell's). Kinds:
 * - `strategy`: a strategy for T tenants x M accounts, cold then steady, the server's throttle state
 *   reset before each run;
 * - `classify`: deciding M accounts against a warm snapshot, no I/O;
 * - `quiet-cpu`: client CPU of a quiet tenant-cycle against a bare fetch of the same GET (quiet-cpu.ts);
 * - `heap`: heap retained per quiet tenant after GC (the snapshot store's entry and the guard's state);
 * - `production`: mixed tenant sizes, back-to-back cycles without resetting any throttle bucket, a cycle
 *   after the unit evidence expired, one after a protected-set change in some tenants.
 * The orchestrator (run-bench.ts) relays `server` messages to the fake Graph's process.
 */
import { type AccountStore, createRotationGuard, type DirectoryReader } from "@rotation-exclusion/core";
import { lazyAccountStore } from "./lazy-account-store.js";
import { measureQuietCpu, type QuietCpuResult } from "./quiet-cpu.js";
import { type BenchWorld, createWorld, runCycle, type Strategy } from "./strategies.js";
import {
  MIXED_ACCOUNTS,
  protectedUsersOf,
  RESTRICTED_UNITS,
  restrictedMembers,
  sizeOf,
  tenantIdOf,
  unitIdOf,
  upnOf,
  userIdOf,
} from "./synthetic-tenants.js";
import { measureTelemetryCpu, type TelemetryCpuResult } from "./telemetry-cpu.js";

/** Where the fake Graph of a cell listens. */
export interface ServerAddress {
  readonly url: string;
  readonly ca: string;
}

export type CellSpec =
  | (ServerAddress & {
      readonly kind: "strategy";
      readonly strategy: Strategy;
      readonly tenants: number;
      readonly accounts: number;
      readonly coldRuns: number;
      readonly steadyRuns: number;
    })
  | { readonly kind: "classify"; readonly accounts: number; readonly runs: number }
  | (ServerAddress & { readonly kind: "quiet-cpu"; readonly tenants: number; readonly rounds: number })
  | (ServerAddress & { readonly kind: "telemetry-cpu"; readonly tenants: number; readonly rounds: number })
  | (ServerAddress & { readonly kind: "heap"; readonly tenants: number })
  | (ServerAddress & { readonly kind: "production"; readonly tenants: number; readonly changed: number })
  | (ServerAddress & { readonly kind: "unit-delta" });

/** The fake Graph's counters for one run. */
export interface ServerCounts {
  readonly requests: number;
  readonly items: number;
  readonly throttled: number;
  readonly writes: number;
  readonly byRoute: Readonly<Record<string, number>>;
}

export interface RunFigures extends ServerCounts {
  readonly wallMs: number;
  /** Client CPU of the run, ms. */
  readonly cpuMs: number;
  readonly rotatable: number;
}

export type CellResult =
  | {
      readonly kind: "strategy";
      readonly cold: readonly RunFigures[];
      readonly steady: readonly RunFigures[];
      /** Client CPU per cycle (user + system), ms. */
      readonly cpuMsPerCycle: number;
      readonly peakRssMb: number;
    }
  | {
      readonly kind: "classify";
      /** Per size (half the accounts, then all): per run, CPU of classification alone and of the whole dry run, ms. */
      readonly sizes: readonly {
        readonly accounts: number;
        readonly classifyCpuMs: readonly number[];
        readonly wholeRunCpuMs: readonly number[];
        /** Accounts counted not protected, protected (excluded) and undecided in the last run. */
        readonly notProtected: number;
        readonly excluded: number;
        readonly deferred: number;
      }[];
    }
  | ({ readonly kind: "quiet-cpu"; readonly steady: RunFigures } & QuietCpuResult)
  | ({ readonly kind: "telemetry-cpu"; readonly steady: RunFigures } & TelemetryCpuResult)
  | {
      readonly kind: "heap";
      readonly tenants: number;
      /** Heap used after GC: before any tenant, and after the tenants' cycles (guards gone), bytes. */
      readonly baselineBytes: number;
      readonly retainedBytes: number;
      readonly storedTenants: number;
    }
  | {
      readonly kind: "production";
      readonly tenants: number;
      readonly phases: readonly { readonly name: string; readonly figures: RunFigures }[];
      readonly peakRssMb: number;
    }
  | {
      readonly kind: "unit-delta";
      readonly phases: readonly { readonly name: string; readonly figures: RunFigures }[];
    };

let pendingReply: ((value: ServerCounts) => void) | undefined;
process.on("message", (message: ServerCounts) => pendingReply?.(message));

function server(
  op: "reset" | "stats" | "mutate",
  extra: Record<string, unknown> = {},
): Promise<ServerCounts> {
  return new Promise((resolve) => {
    pendingReply = resolve;
    process.send?.({ type: "server", op, ...extra });
  });
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function measure(run: () => Promise<number>, resetBuckets = true): Promise<RunFigures> {
  await server("reset", { buckets: resetBuckets });
  const started = performance.now();
  const cpu = cpuNow();
  const rotatable = await run();
  const cpuMs = cpuNow() - cpu;
  const wallMs = performance.now() - started;
  const stats = await server("stats");
  return { ...stats, wallMs, cpuMs, rotatable };
}

async function strategyCell(spec: Extract<CellSpec, { kind: "strategy" }>): Promise<CellResult> {
  const cpuBefore = process.cpuUsage();
  const cold: RunFigures[] = [];
  const steady: RunFigures[] = [];
  let world = createWorld(spec.url, spec.ca, spec.tenants, spec.accounts);
  for (let r = 0; r < spec.coldRuns; r += 1) {
    // A cold run starts from nothing: no stored snapshot, no exclusions written yet.
    world = createWorld(spec.url, spec.ca, spec.tenants, spec.accounts);
    cold.push(await measure(() => runCycle(world, spec.strategy)));
  }
  for (let r = 0; r < spec.steadyRuns; r += 1) {
    steady.push(await measure(() => runCycle(world, spec.strategy)));
  }
  const used = process.cpuUsage(cpuBefore);
  return {
    kind: "strategy",
    cold,
    steady,
    cpuMsPerCycle: (used.user + used.system) / 1000 / (cold.length + steady.length),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * Deciding managed accounts against a warm snapshot, without any I/O: dry-run `excludeFromAutoRotation`
 * runs on two guards, one with half the accounts and one with all of them, interleaved (so a noisy
 * moment hits both sizes alike and the ratio shows whether the cost is linear), after one warm-up run
 * each. The guards' clock is this process's CPU clock, so a report's own `timings.classifyMs` is the CPU
 * of classification alone (checking the listed accounts, deciding every account, planning), without the
 * snapshot read and the report.
 */
async function classifyCell(spec: Extract<CellSpec, { kind: "classify" }>): Promise<CellResult> {
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
  const guardFor = async (count: number) => {
    // The accounts are listed once and handed out as is: this cell measures deciding, not generating them.
    const listed = await lazyAccountStore(0, count).list();
    const accounts: AccountStore = {
      list: async () => listed,
      update: async () => ({ status: "conflict", current: undefined }),
    };
    const guard = createRotationGuard({ tenantId: tenantIdOf(0), directory, accounts, clock: cpuNow });
    await guard.excludeFromAutoRotation({ dryRun: true });
    return guard;
  };
  const counts = [Math.floor(spec.accounts / 2), spec.accounts];
  const guards = await Promise.all(counts.map(guardFor));
  const sizes = counts.map((accounts) => ({
    accounts,
    classifyCpuMs: [] as number[],
    wholeRunCpuMs: [] as number[],
    notProtected: 0,
    excluded: 0,
    deferred: 0,
  }));
  for (let r = 0; r < spec.runs; r += 1) {
    for (const [k, guard] of guards.entries()) {
      const size = sizes[k] as (typeof sizes)[number];
      const before = cpuNow();
      const report = await guard.excludeFromAutoRotation({ dryRun: true });
      size.wholeRunCpuMs.push(cpuNow() - before);
      size.classifyCpuMs.push(report.timings.classifyMs);
      size.notProtected = report.notProtectedCount;
      size.excluded = report.excluded.length;
      size.deferred = report.deferred.length;
    }
  }
  return { kind: "classify", sizes };
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Heap retained per quiet tenant: the snapshot store's entry and whatever else the guards leave behind
 * once a cycle is over (the host's account table is not counted: the bench's stores are built lazily).
 */
async function heapCell(spec: Extract<CellSpec, { kind: "heap" }>): Promise<CellResult> {
  const accountsOf = () => 20;
  const world: BenchWorld = createWorld(spec.url, spec.ca, spec.tenants, accountsOf, "mixed");
  // Everything the cycles need besides the per-tenant state is loaded and warmed on one other world.
  const warm = createWorld(spec.url, spec.ca, 2, accountsOf, "mixed");
  await runCycle(warm, "a");
  await runCycle(warm, "a");
  gc();
  gc();
  const baselineBytes = process.memoryUsage().heapUsed;
  await runCycle(world, "a");
  await runCycle(world, "a");
  // The account stores are the host's table, not ours: dropped before measuring.
  world.stores.clear();
  gc();
  gc();
  const retainedBytes = process.memoryUsage().heapUsed - baselineBytes;
  const storedTenants = (world.snapshotStore as { size?: number }).size ?? 0;
  return { kind: "heap", tenants: spec.tenants, baselineBytes, retainedBytes, storedTenants };
}

/**
 * What production sees: tenants of mixed sizes (mostly small, two emergency-access accounts each),
 * latency with a long tail (the server's setting), cycles back to back with every throttle bucket
 * (the server's and the client's budget) carried over, a cycle after the unit evidence expired, and one
 * after a protected-set change in `changed` tenants.
 */
async function productionCell(spec: Extract<CellSpec, { kind: "production" }>): Promise<CellResult> {
  const accountsOf = (n: number) => MIXED_ACCOUNTS[sizeOf("mixed", n)];
  const world = createWorld(spec.url, spec.ca, spec.tenants, accountsOf, "mixed");
  const phases: { name: string; figures: RunFigures }[] = [];
  const phase = async (name: string, options: Parameters<typeof runCycle>[2] = {}) => {
    phases.push({ name, figures: await measure(() => runCycle(world, "a", options), false) });
  };
  await server("reset", { buckets: true });
  await phase("cold");
  await phase("steady");
  await phase("steady");
  await phase("unit evidence expired", { guardOptions: { unitEvidenceMaxAgeMs: 0 } });
  await server("mutate", { tenants: Array.from({ length: spec.changed }, (_, k) => k * 7) });
  await phase(`protected set changed in ${spec.changed} tenants`);
  await phase("steady");
  return {
    kind: "production",
    tenants: spec.tenants,
    phases,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * Unit evidence refreshed by change tracking (docs/decisions/0016): one tenant with many restricted units
 * (the server's BENCH_RESTRICTED_UNITS), read cold, refreshed with nothing changed (the evidence's age
 * forced to expire), and refreshed after one member joined a restricted unit (the protected set changed).
 */
async function unitDeltaCell(spec: Extract<CellSpec, { kind: "unit-delta" }>): Promise<CellResult> {
  const world = createWorld(spec.url, spec.ca, 1, 20, "mixed");
  const phases: { name: string; figures: RunFigures }[] = [];
  const phase = async (name: string, options: Parameters<typeof runCycle>[2] = {}) => {
    phases.push({ name, figures: await measure(() => runCycle(world, "a", options)) });
  };
  await phase("cold");
  await phase("refresh, nothing changed", { guardOptions: { unitEvidenceMaxAgeMs: 0 } });
  await server("mutate", { tenants: [0] });
  await phase("refresh after one membership change");
  return { kind: "unit-delta", phases };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] as string) as CellSpec;
  let result: CellResult;
  switch (spec.kind) {
    case "strategy":
      result = await strategyCell(spec);
      break;
    case "classify":
      result = await classifyCell(spec);
      break;
    case "quiet-cpu": {
      const world = createWorld(spec.url, spec.ca, spec.tenants, 20, "mixed");
      const figures = await measureQuietCpu(world, spec.rounds);
      // One more steady cycle, counted by the server: what a quiet tenant-cycle sends.
      result = { kind: "quiet-cpu", ...figures, steady: await measure(() => runCycle(world, "a"), false) };
      break;
    }
    case "telemetry-cpu": {
      const world = createWorld(spec.url, spec.ca, spec.tenants, 20, "mixed");
      const figures = await measureTelemetryCpu(world, spec.rounds);
      result = {
        kind: "telemetry-cpu",
        ...figures,
        steady: await measure(() => runCycle(world, "a"), false),
      };
      break;
    }
    case "heap":
      result = await heapCell(spec);
      break;
    case "production":
      result = await productionCell(spec);
      break;
    case "unit-delta":
      result = await unitDeltaCell(spec);
      break;
  }
  process.send?.({ type: "result", result });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
