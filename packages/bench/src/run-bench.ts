/**
 * `pnpm bench`: runs every cell in its own client process against the synthetic fake Graph
 * (synthetic-graph.ts) in another process, and prints Markdown. Sections:
 *
 * - `a` … `e`: the strategy table (a strategy × managed accounts per tenant × tenants; `large` tenants).
 *   Cells that would take more than a few minutes are measured on fewer tenants or accounts and
 *   extrapolated (linear in accounts and in waves of 32 tenants, never below the floor set by Graph's
 *   documented limits); the table labels them.
 * - `classify`: deciding 50,000 and 100,000 accounts against a warm snapshot, interleaved, CPU.
 * - `quiet-cpu`: client CPU of a quiet tenant-cycle against a bare fetch of the same GET.
 * - `telemetry-cpu`: the same cycle with no OpenTelemetry SDK registered vs with one (telemetry-cpu.ts).
 * - `heap`: heap retained per quiet tenant after GC.
 * - `production`: mixed tenant sizes, latency with a long tail, cycles back to back without resetting any
 *   throttle bucket, evidence expiry and a protected-set change.
 * - `scale`: 20,000 tenants × 20 accounts in one process, cold and steady.
 * - `fleet`: 10,000 tenants × 20 accounts over 1, 2 and 4 worker processes on BullMQ and Redis
 *   (fleet-bench.ts, its own program; needs Redis: without it the section says it was skipped, and
 *   with REQUIRE_REDIS=1 that fails the run).
 * - `report`: 10,000 tenants × 20 accounts of saved scan and audit JSON rendered into the posture
 *   report's HTML page, and its time to interactive in headless Chromium (report-bench.ts, its own
 *   program; without Chromium the browser figure is skipped, and with REQUIRE_CHROMIUM=1 that fails).
 *
 * `--quick` (run by `pnpm check`): every section on a tiny size at 1 ms latency, asserting request counts
 * and outcomes, never times; exits 1 when one is off, so a bench that breaks fails the check.
 *
 * Environment: BENCH_LATENCY_MS (median, default 50), BENCH_LATENCY_SPREAD (the production server's
 * log-normal sigma, default 0.6), BENCH_ONLY (comma-separated sections), BENCH_ACCOUNTS and BENCH_TENANTS
 * (comma-separated sizes of the strategy table), BENCH_CPU_PROF (a directory: each cell writes a V8 CPU
 * profile there, `--cpu-prof`).
 */
import { type ChildProcess, fork } from "node:child_process";
import { connect } from "node:net";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { CellResult, CellSpec, RunFigures, ServerAddress } from "./cell.js";
import { type Strategy, TENANT_CONCURRENCY } from "./strategies.js";
import type { TenantShape } from "./synthetic-tenants.js";

const QUICK = process.argv.includes("--quick");
const list = (value: string | undefined, fallback: number[]) =>
  value ? value.split(",").map(Number) : fallback;
const ACCOUNTS = QUICK ? [20] : list(process.env.BENCH_ACCOUNTS, [20, 1_000, 10_000]);
const TENANTS = QUICK ? [3] : list(process.env.BENCH_TENANTS, [1, 100, 1_000]);
const LATENCY_MS = QUICK ? 1 : Number(process.env.BENCH_LATENCY_MS ?? 50);
const SPREAD = QUICK ? 0 : Number(process.env.BENCH_LATENCY_SPREAD ?? 0.6);
const SECTIONS = [
  "a",
  "b",
  "c",
  "d",
  "e",
  "classify",
  "quiet-cpu",
  "telemetry-cpu",
  "heap",
  "production",
  "unit-delta",
  "scale",
  "fleet",
  "report",
];
const only = new Set(process.env.BENCH_ONLY?.split(",") ?? SECTIONS);
const NAMES: Record<Strategy, string> = {
  a: "(a) ours: flag query + cached unit evidence",
  b: "(b) unit enumeration only",
  c: "(c) one GET per managed account",
  d: "(d) per-user GETs in $batch of 20",
  e: "(e) attempt the password change, classify 403",
};
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The benchmark's result goes to stdout (it is a program, not a library); progress goes to stderr. */
const print = (text: string) => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`${text}\n`);

/** What `--quick` found off; printed and turned into exit code 1 at the end. */
const failures: string[] = [];
function expectCount(what: string, actual: number, expected: number): void {
  if (QUICK && actual !== expected) failures.push(`${what}: ${actual}, expected ${expected}`);
}

// ---------------------------------------------------------------------------------------------------
// Processes: fake Graph servers (one per shape and latency spread) and cells.

interface Server extends ServerAddress {
  readonly child: ChildProcess;
}
const servers = new Map<string, Promise<Server>>();

function serverFor(shape: TenantShape, spread: number, restrictedUnits = 2): Promise<Server> {
  const key = `${shape}/${spread}/${restrictedUnits}`;
  let server = servers.get(key);
  if (server === undefined) {
    const child = fork(here("./synthetic-graph-server.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        BENCH_SHAPE: shape,
        BENCH_LATENCY_MS: String(LATENCY_MS),
        BENCH_LATENCY_SPREAD: String(spread),
        BENCH_RESTRICTED_UNITS: String(restrictedUnits),
      },
    });
    server = new Promise((resolve) => {
      child.once("message", (message: ServerAddress) => resolve({ child, url: message.url, ca: message.ca }));
    });
    servers.set(key, server);
  }
  return server;
}

/** One request to a server and its reply (a server answers one message at a time, in order). */
function ask(server: ChildProcess, message: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    server.once("message", resolve);
    server.send(message);
  });
}

async function runCell(spec: CellSpec, server?: Server): Promise<CellResult> {
  const child = fork(here("./cell.js"), [JSON.stringify(spec)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [
      "--max-old-space-size=4096",
      "--expose-gc",
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each cell (NODE_OPTIONS may not carry --cpu-prof).
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
  });
  return new Promise((resolve, reject) => {
    let result: CellResult | undefined;
    child.on("message", async (message: { type: string; op?: string; result?: CellResult }) => {
      if (message.type === "server" && server !== undefined) {
        const { type: _, op, ...extra } = message;
        child.send((await ask(server.child, { type: op, ...extra })) as object);
      }
      if (message.type === "result") result = message.result;
    });
    child.on("exit", (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`cell ${spec.kind} exited ${code}`)),
    );
  });
}

const address = ({ url, ca }: Server): ServerAddress => ({ url, ca });

// ---------------------------------------------------------------------------------------------------
// Formatting.

const median = (values: readonly number[]) =>
  values.length === 0
    ? Number.NaN
    : ([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number);
const fmtS = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(0)} s`);
const fmtN = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString("en-US") : String(Math.round(n * 100) / 100);
const fmtInt = (n: number) => n.toLocaleString("en-US");
const routes = (figures: RunFigures) =>
  Object.entries(figures.byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, count]) => `${route} ${fmtInt(count)}`)
    .join(", ");

// ---------------------------------------------------------------------------------------------------
// The strategy table.

interface Plan {
  readonly tenants: number;
  readonly accounts: number;
  readonly coldRuns: number;
  readonly steadyRuns: number;
}

/** What to measure for a cell: the cell itself, or a smaller one to extrapolate from. */
function plan(strategy: Strategy, tenants: number, accounts: number): Plan {
  if (QUICK) return { tenants, accounts, coldRuns: strategy === "a" ? 1 : 0, steadyRuns: 2 };
  const runs = (work: number) => (work <= 5_000 ? 3 : 1);
  switch (strategy) {
    case "a":
      return { tenants, accounts, coldRuns: tenants * accounts <= 100_000 ? 3 : 1, steadyRuns: 3 };
    case "b":
      return { tenants, accounts, coldRuns: 0, steadyRuns: tenants <= 100 ? 3 : 1 };
    case "c": {
      const a = Math.min(accounts, 2_000);
      const t = Math.max(1, Math.min(tenants, Math.floor(20_000 / a)));
      return { tenants: t, accounts: a, coldRuns: 0, steadyRuns: runs(t * a) };
    }
    case "d": {
      const a = accounts;
      const t = Math.max(1, Math.min(tenants, Math.floor(40_000 / a)));
      return { tenants: t, accounts: a, coldRuns: 0, steadyRuns: runs((t * a) / 4) };
    }
    case "e": {
      const a = Math.min(accounts, 1_000);
      const t = Math.max(1, Math.min(tenants, Math.floor(20_000 / a)));
      return { tenants: t, accounts: a, coldRuns: 0, steadyRuns: runs(t * a) };
    }
  }
}

/** Seconds that Graph's documented limits impose on a whole cycle (token buckets start full). */
function floorSeconds(strategy: Strategy, tenants: number, accounts: number): number {
  if (strategy === "a" || strategy === "b") return 0;
  const units = accounts; // every per-user GET or PATCH costs 1 resource unit with $select
  // Per tenant (large): 8,000 RU per 10 s; per app: 150,000 RU per 20 s and 130,000 requests per 10 s.
  const requests = strategy === "d" ? Math.ceil(accounts / 20) : accounts;
  let floor = Math.max(
    Math.max(0, (units - 8_000) / 800),
    Math.max(0, (tenants * units - 150_000) / 7_500),
    Math.max(0, (tenants * requests - 130_000) / 13_000),
  );
  if (strategy === "e") {
    // Writes: 3,000 per 2m30s per app+tenant and 35,000 per 5 min per app.
    floor = Math.max(
      floor,
      Math.max(0, (accounts - 3_000) / 20),
      Math.max(0, (tenants * accounts - 35_000) / (35_000 / 300)),
    );
  }
  return floor;
}

/** Graph requests per tenant-cycle that `--quick` expects (3 tenants × 20 accounts, `large` tenants). */
const QUICK_REQUESTS: Record<Strategy, { cold: number; steady: number }> = {
  // Cold: the flag query, a unit delta link from now, the unit listing and one member page per restricted
  // unit (decision 0016 added the link); then the flag query.
  a: { cold: 5, steady: 1 },
  // Every cycle: the unit listing and one member page per restricted unit.
  b: { cold: 3, steady: 3 },
  c: { cold: 20, steady: 20 },
  d: { cold: 1, steady: 1 },
  e: { cold: 20, steady: 20 },
};
/** Of 20 managed accounts (users 0 to 19) of a `large` tenant, user 3 is in a restricted unit. */
const QUICK_ROTATABLE_PER_TENANT = 19;

async function strategyTable(): Promise<void> {
  const strategies = (["a", "b", "c", "d", "e"] as const).filter((s) => only.has(s));
  if (strategies.length === 0) return;
  const server = await serverFor("large", 0);
  const rows = [
    "| strategy | accounts/tenant | tenants | requests/tenant-cycle cold | steady | wall, steady (median) | 429s | client CPU/cycle | peak RSS | how |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
  ];
  for (const strategy of strategies) {
    for (const accounts of ACCOUNTS) {
      for (const tenants of TENANTS) {
        const p = plan(strategy, tenants, accounts);
        const t0 = performance.now();
        const result = await runCell({ kind: "strategy", strategy, ...p, ...address(server) }, server);
        if (result.kind !== "strategy") throw new Error("not a strategy result");
        const exact = p.tenants === tenants && p.accounts === accounts;
        const perTenant = (runs: readonly RunFigures[]) =>
          median(runs.map((r) => r.requests / p.tenants)) * (accounts / p.accounts);
        const steadyRuns = result.steady;
        const coldRuns = result.cold.length > 0 ? result.cold : result.steady;
        expectCount(`(${strategy}) requests/tenant cold`, perTenant(coldRuns), QUICK_REQUESTS[strategy].cold);
        expectCount(
          `(${strategy}) requests/tenant steady`,
          perTenant(steadyRuns),
          QUICK_REQUESTS[strategy].steady,
        );
        for (const run of [...result.cold, ...steadyRuns]) {
          expectCount(`(${strategy}) rotatable`, run.rotatable, QUICK_ROTATABLE_PER_TENANT * tenants);
          expectCount(`(${strategy}) 429s`, run.throttled, 0);
        }
        let wallMs = median(steadyRuns.map((r) => r.wallMs));
        let cpuMs = result.cpuMsPerCycle;
        if (!exact) {
          const waves = (t: number) => Math.ceil(t / TENANT_CONCURRENCY);
          const linear = wallMs * (accounts / p.accounts) * (waves(tenants) / waves(p.tenants));
          wallMs = Math.max(linear, floorSeconds(strategy, tenants, accounts) * 1000);
          cpuMs *= (tenants * accounts) / (p.tenants * p.accounts);
        }
        const throttled = median(steadyRuns.map((r) => r.throttled));
        const coldThrottled = median(coldRuns.map((r) => r.throttled));
        const how = exact
          ? `measured: ${result.cold.length} cold + ${steadyRuns.length} runs`
          : `**extrapolated** from ${p.tenants} × ${fmtInt(p.accounts)} (${steadyRuns.length} run)`;
        rows.push(
          `| ${NAMES[strategy]} | ${fmtInt(accounts)} | ${fmtInt(tenants)} | ${fmtN(perTenant(coldRuns))} | ${
            result.cold.length > 0 ? fmtN(perTenant(steadyRuns)) : "same (no state)"
          } | ${fmtS(wallMs)} | ${exact ? `${throttled}${result.cold.length > 0 ? ` (cold ${coldThrottled})` : ""}` : `${throttled} at measured size`} | ${fmtS(cpuMs)} | ${Math.round(result.peakRssMb)} MB${exact ? "" : " (measured size)"} | ${how} |`,
        );
        progress(`${strategy} ${accounts}x${tenants}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
  }
  print(`## Strategies (latency ${LATENCY_MS} ms, no spread)\n\n${rows.join("\n")}\n`);
}

// ---------------------------------------------------------------------------------------------------
// The other sections.

async function classifySection(): Promise<void> {
  const accounts = QUICK ? 2_000 : 100_000;
  const runs = QUICK ? 2 : 21;
  const result = await runCell({ kind: "classify", accounts, runs });
  if (result.kind !== "classify") throw new Error("not a classify result");
  const rows = [
    "| accounts | classification CPU, min | median | whole dry run CPU, median |",
    "|--:|--:|--:|--:|",
  ];
  for (const size of result.sizes) {
    // Of users 0 … n−1 of a `large` tenant, every 1,000th (i % 1,000 === 3) is protected.
    const protectedCount = Math.floor((size.accounts + 996) / 1_000);
    expectCount(
      `classify ${size.accounts}: not protected`,
      size.notProtected,
      size.accounts - protectedCount,
    );
    expectCount(`classify ${size.accounts}: excluded`, size.excluded, protectedCount);
    expectCount(`classify ${size.accounts}: deferred`, size.deferred, 0);
    rows.push(
      `| ${fmtInt(size.accounts)} | ${Math.min(...size.classifyCpuMs).toFixed(1)} ms | ${median(size.classifyCpuMs).toFixed(1)} ms | ${median(size.wholeRunCpuMs).toFixed(1)} ms |`,
    );
  }
  const [half, all] = result.sizes;
  const ratio = half && all ? median(all.classifyCpuMs) / median(half.classifyCpuMs) : Number.NaN;
  print(
    `## Classifying managed accounts against a warm snapshot\n\nDry-run exclusions, no I/O, ${runs} runs per size interleaved after a warm-up; CPU time of this process. Ratio of medians, all / half: ${ratio.toFixed(2)} (2.00 is linear).\n\n${rows.join("\n")}\n`,
  );
}

async function quietCpuSection(): Promise<void> {
  const server = await serverFor("mixed", 0);
  const tenants = QUICK ? 3 : 1_000;
  const result = await runCell(
    { kind: "quiet-cpu", tenants, rounds: QUICK ? 2 : 15, ...address(server) },
    server,
  );
  if (result.kind !== "quiet-cpu") throw new Error("not a quiet-cpu result");
  expectCount("quiet-cpu: requests per quiet tenant-cycle", result.steady.requests / tenants, 1);
  expectCount("quiet-cpu: users.list per tenant", (result.steady.byRoute["users.list"] ?? 0) / tenants, 1);
  print(
    `## Client CPU of a quiet tenant-cycle\n\n${fmtInt(tenants)} mixed tenants, steady, ${result.rounds} rounds interleaved with a bare \`fetch\` of the same GET over the same keep-alive connections; medians per tenant.\n\n` +
      `| whole quiet tenant-cycle | bare fetch of its GET | ratio | Graph requests per tenant-cycle |\n|--:|--:|--:|--:|\n` +
      `| ${result.guardCpuMs.toFixed(3)} ms | ${result.fetchCpuMs.toFixed(3)} ms | ${(result.guardCpuMs / result.fetchCpuMs).toFixed(2)}× | ${fmtN(result.steady.requests / tenants)} |\n`,
  );
}

async function telemetryCpuSection(): Promise<void> {
  const server = await serverFor("mixed", 0);
  const tenants = QUICK ? 3 : 1_000;
  const result = await runCell(
    { kind: "telemetry-cpu", tenants, rounds: QUICK ? 2 : 15, ...address(server) },
    server,
  );
  if (result.kind !== "telemetry-cpu") throw new Error("not a telemetry-cpu result");
  expectCount("telemetry-cpu: requests per quiet tenant-cycle", result.steady.requests / tenants, 1);
  // Per quiet tenant: its run, its snapshot refresh and its one GET; plus the cycle's own span.
  expectCount("telemetry-cpu: spans per instrumented cycle", result.spansPerCycle, 1 + 3 * tenants);
  if (QUICK && result.metricPointsPerCycle === 0) failures.push("telemetry-cpu: no metric point collected");
  const ratio = (ms: number) => `${(ms / result.withoutSdkCpuMs).toFixed(3)}×`;
  print(
    `## Client CPU of a quiet tenant-cycle with OpenTelemetry\n\n${fmtInt(tenants)} mixed tenants, steady, ${result.rounds} rounds interleaved: no SDK registered (the API's no-ops) vs the SDK (spans batched to an in-memory exporter and flushed, metrics collected after every cycle), without and with the AsyncLocalStorage context manager that nests spans; medians per tenant.\n\n` +
      "| no SDK | SDK | ratio | SDK + context manager | ratio | spans per cycle | metric points per cycle |\n|--:|--:|--:|--:|--:|--:|--:|\n" +
      `| ${result.withoutSdkCpuMs.toFixed(3)} ms | ${result.withSdkCpuMs.toFixed(3)} ms | ${ratio(result.withSdkCpuMs)} | ${result.withSdkAndContextCpuMs.toFixed(3)} ms | ${ratio(result.withSdkAndContextCpuMs)} | ${fmtInt(result.spansPerCycle)} | ${fmtInt(result.metricPointsPerCycle)} |\n`,
  );
}

async function heapSection(): Promise<void> {
  const server = await serverFor("mixed", 0);
  const tenants = QUICK ? 3 : 10_000;
  const result = await runCell({ kind: "heap", tenants, ...address(server) }, server);
  if (result.kind !== "heap") throw new Error("not a heap result");
  expectCount("heap: tenants with a stored snapshot", result.storedTenants, tenants);
  print(
    `## Heap retained per quiet tenant\n\n${fmtInt(tenants)} mixed tenants, 20 accounts each, two cycles, the host's account tables dropped, after GC: ${fmtInt(Math.round(result.retainedBytes / tenants))} bytes per tenant (${(result.retainedBytes / 1024 / 1024).toFixed(1)} MB in all; the snapshot store holds ${fmtInt(result.storedTenants)} tenants).\n`,
  );
}

async function productionSection(): Promise<void> {
  const server = await serverFor("mixed", SPREAD);
  const tenants = QUICK ? 10 : 5_000;
  const changed = QUICK ? 2 : 50;
  const result = await runCell({ kind: "production", tenants, changed, ...address(server) }, server);
  if (result.kind !== "production") throw new Error("not a production result");
  // Since decision 0016 the units are refreshed by change tracking: cold takes a delta link before the full
  // read (5, was 4); an expired or changed tenant asks for its changes, one delta page (2, was 4).
  const expected: Record<string, number> = {
    cold: 5 * tenants,
    steady: tenants,
    "unit evidence expired": 2 * tenants,
    [`protected set changed in ${changed} tenants`]: 2 * changed + (tenants - changed),
  };
  const rows = [
    "| phase | Graph requests | per tenant | 429s | wall | client CPU | routes |",
    "|---|--:|--:|--:|--:|--:|---|",
  ];
  for (const { name, figures } of result.phases) {
    expectCount(`production "${name}": requests`, figures.requests, expected[name] ?? Number.NaN);
    expectCount(`production "${name}": 429s`, figures.throttled, 0);
    rows.push(
      `| ${name} | ${fmtInt(figures.requests)} | ${fmtN(figures.requests / tenants)} | ${figures.throttled} | ${fmtS(figures.wallMs)} | ${fmtS(figures.cpuMs)} | ${routes(figures)} |`,
    );
  }
  print(
    `## Production-like cycles\n\n${fmtInt(tenants)} tenants of mixed sizes (60 % small, 30 % medium, 10 % large; 10, 40 and 200 managed accounts), latency log-normal around ${LATENCY_MS} ms (sigma ${SPREAD}), cycles back to back with every throttle bucket carried over. Peak RSS ${Math.round(result.peakRssMb)} MB.\n\n${rows.join("\n")}\n`,
  );
}

async function unitDeltaSection(): Promise<void> {
  const units = QUICK ? 50 : 1_000;
  const server = await serverFor("mixed", 0, units);
  const result = await runCell({ kind: "unit-delta", ...address(server) }, server);
  if (result.kind !== "unit-delta") throw new Error("not a unit-delta result");
  // Cold: the flag query, a delta link, the unit list ($top=100 over units + 18 ordinary ones), one member
  // page per restricted unit. A refresh: the flag query and one delta page, changed or not.
  const expected: Record<string, number> = {
    cold: 2 + Math.ceil((units + 18) / 100) + units,
    "refresh, nothing changed": 2,
    "refresh after one membership change": 2,
  };
  const rows = [
    "| phase | Graph requests | 429s | wall | client CPU | routes |",
    "|---|--:|--:|--:|--:|---|",
  ];
  for (const { name, figures } of result.phases) {
    expectCount(`unit-delta "${name}": requests`, figures.requests, expected[name] ?? Number.NaN);
    expectCount(`unit-delta "${name}": 429s`, figures.throttled, 0);
    // Of 20 accounts users 3 and 7 are protected; the membership change protects user 11 as well.
    expectCount(`unit-delta "${name}": rotatable`, figures.rotatable, name.includes("membership") ? 17 : 18);
    rows.push(
      `| ${name} | ${fmtInt(figures.requests)} | ${figures.throttled} | ${fmtS(figures.wallMs)} | ${fmtS(figures.cpuMs)} | ${routes(figures)} |`,
    );
  }
  print(
    `## Unit evidence refresh by change tracking\n\nOne tenant with ${fmtInt(units)} restricted units (and 18 ordinary ones), 20 managed accounts, latency ${LATENCY_MS} ms. Before decision 0016 every refresh cost what cold costs minus the delta link.\n\n${rows.join("\n")}\n`,
  );
}

async function scaleSection(): Promise<void> {
  const server = await serverFor("large", 0);
  const tenants = QUICK ? 3 : 20_000;
  const accounts = 20;
  const result = await runCell(
    { kind: "strategy", strategy: "a", tenants, accounts, coldRuns: 1, steadyRuns: 2, ...address(server) },
    server,
  );
  if (result.kind !== "strategy") throw new Error("not a strategy result");
  const rows = [
    "| run | Graph requests | 429s | wall | client CPU | peak RSS (process) |",
    "|---|--:|--:|--:|--:|--:|",
  ];
  const runs = [
    ...result.cold.map((figures) => ["cold", figures] as const),
    ...result.steady.map((figures) => ["steady", figures] as const),
  ];
  for (const [name, figures] of runs) {
    expectCount(`scale ${name}: 429s`, figures.throttled, 0);
    expectCount(`scale ${name}: requests`, figures.requests, (name === "cold" ? 5 : 1) * tenants);
    rows.push(
      `| ${name} | ${fmtInt(figures.requests)} | ${figures.throttled} | ${fmtS(figures.wallMs)} | ${fmtS(figures.cpuMs)} | ${Math.round(result.peakRssMb)} MB |`,
    );
  }
  print(
    `## ${fmtInt(tenants)} tenants × ${accounts} accounts in one process\n\nStrategy (a), latency ${LATENCY_MS} ms, ${TENANT_CONCURRENCY} tenants at once.\n\n${rows.join("\n")}\n`,
  );
}

/** Runs fleet-bench.ts as it is (its Markdown goes to stdout); a failed assertion there fails this run. */
async function fleetSection(): Promise<void> {
  const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(redisUrl.port || 6379), redisUrl.hostname || "127.0.0.1");
    const answer = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000);
    socket.once("connect", () => answer(true));
    socket.once("error", () => answer(false));
    socket.once("timeout", () => answer(false));
  });
  if (!reachable) {
    const why = `fleet section SKIPPED: no Redis at ${redisUrl.host} (set REDIS_URL, or start redis-server)`;
    if (process.env.REQUIRE_REDIS === "1") failures.push(`${why}; REQUIRE_REDIS=1 makes that a failure`);
    print(`## Fleet\n\n${why}.\n`);
    progress(why);
    return;
  }
  const child = fork(here("./fleet-bench.js"), QUICK ? ["--quick"] : [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) failures.push(`fleet bench exited ${code}`);
}

/** Runs report-bench.ts as it is (its Markdown goes to stdout); a failed assertion there fails this run. */
async function reportSection(): Promise<void> {
  const child = fork(here("./report-bench.js"), QUICK ? ["--quick"] : [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) failures.push(`report bench exited ${code}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  print(
    `# rotation-exclusion benchmark${QUICK ? " (quick: counts only, times mean nothing)" : ""}\n\n${cpus().length} cores, Node ${process.version}, median latency ${LATENCY_MS} ms.\n`,
  );
  try {
    await strategyTable();
    if (only.has("classify")) await classifySection();
    if (only.has("quiet-cpu")) await quietCpuSection();
    if (only.has("telemetry-cpu")) await telemetryCpuSection();
    if (only.has("heap")) await heapSection();
    if (only.has("production")) await productionSection();
    if (only.has("unit-delta")) await unitDeltaSection();
    if (only.has("scale")) await scaleSection();
    if (only.has("fleet")) await fleetSection();
    if (only.has("report")) await reportSection();
  } finally {
    for (const server of servers.values()) (await server).child.send({ type: "stop" });
  }
  print(`Total benchmark time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length > 0) {
    progress(`bench --quick: ${failures.length} count(s) off:\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  } else if (QUICK) progress("bench --quick: every count as expected");
}

main().catch((error: unknown) => {
  progress(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
  for (const server of servers.values()) void server.then(({ child }) => child.kill());
});
