/**
 * `pnpm bench`: starts the synthetic multi-tenant fake Graph in a child process, runs every cell (a
 * strategy x managed accounts per tenant x tenants) in its own client process, and prints a Markdown
 * table. Cells that would take more than a few minutes are measured on fewer tenants or accounts and
 * extrapolated (linear in accounts and in waves of 32 tenants, never below the floor set by Graph's
 * documented limits); the table labels them.
 * Environment: BENCH_LATENCY_MS (default 50), BENCH_ONLY (e.g. "a,classify") to run some strategies,
 * BENCH_ACCOUNTS and BENCH_TENANTS (comma-separated sizes) for a quick run.
 */
import { type ChildProcess, fork } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { CellResult, CellSpec, RunFigures } from "./cell.js";
import { TENANT_CONCURRENCY } from "./strategies.js";

type Strategy = "a" | "b" | "c" | "d" | "e";
const list = (value: string | undefined, fallback: number[]) =>
  value ? value.split(",").map(Number) : fallback;
const ACCOUNTS = list(process.env.BENCH_ACCOUNTS, [20, 1_000, 10_000]);
const TENANTS = list(process.env.BENCH_TENANTS, [1, 100, 1_000]);
const NAMES: Record<Strategy, string> = {
  a: "(a) ours: flag query + cached unit evidence",
  b: "(b) unit enumeration only",
  c: "(c) one GET per managed account",
  d: "(d) per-user GETs in $batch of 20",
  e: "(e) attempt the password change, classify 403",
};
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** Dry runs of the classify cell (after one warm-up); the median is reported. */
const CLASSIFY_RUNS = 15;
const only = new Set((process.env.BENCH_ONLY ?? "a,b,c,d,e,classify").split(","));

interface Plan {
  readonly tenants: number;
  readonly accounts: number;
  readonly coldRuns: number;
  readonly steadyRuns: number;
}

/** What to measure for a cell: the cell itself, or a smaller one to extrapolate from. */
function plan(strategy: Strategy, tenants: number, accounts: number): Plan {
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
  let floor = Math.max(
    Math.max(0, (units - 8_000) / 800),
    Math.max(0, (tenants * units - 150_000) / 7_500),
    (tenants * units) / 2_000,
  );
  if (strategy === "e") {
    floor = Math.max(
      floor,
      Math.max(0, (accounts - 3_000) / 20),
      Math.max(0, (tenants * accounts - 35_000) / (35_000 / 300)),
    );
  }
  return floor;
}

function startServer(): Promise<{ child: ChildProcess; url: string; ca: string }> {
  const child = fork(here("./synthetic-graph-server.js"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve) => {
    child.once("message", (message: { url: string; ca: string }) => resolve({ child, ...message }));
  });
}

function ask(server: ChildProcess, op: "reset" | "stats"): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    server.once("message", (message: Record<string, number>) => resolve(message));
    server.send({ type: op });
  });
}

function runCell(server: ChildProcess, spec: CellSpec): Promise<CellResult> {
  const child = fork(here("./cell.js"), [JSON.stringify(spec)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: ["--max-old-space-size=4096"],
  });
  return new Promise((resolve, reject) => {
    let result: CellResult | undefined;
    child.on("message", async (message: { type: string; op?: "reset" | "stats"; result?: CellResult }) => {
      if (message.type === "server" && message.op) child.send(await ask(server, message.op));
      if (message.type === "result") result = message.result;
    });
    child.on("exit", (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`cell exited ${code}`)),
    );
  });
}

const median = (values: readonly number[]) =>
  values.length === 0
    ? Number.NaN
    : ([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number);
const fmtS = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(0)} s`);
const fmtN = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString("en-US") : String(Math.round(n * 100) / 100);

/** The benchmark's result goes to stdout (it is a program, not a library); progress goes to stderr. */
const print = (text: string) => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`${text}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const { child: server, url, ca } = await startServer();
  print(
    `# rotation-exclusion benchmark: ${cpus().length} cores, Node ${process.version}, latency ${process.env.BENCH_LATENCY_MS ?? 50} ms\n`,
  );
  const rows: string[] = [];
  const header =
    "| strategy | accounts/tenant | tenants | requests/tenant-cycle cold | steady | wall, steady (median) | 429s | client CPU/cycle | peak RSS | how |";
  rows.push(header, "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|");
  for (const strategy of ["a", "b", "c", "d", "e"] as const) {
    if (!only.has(strategy)) continue;
    for (const accounts of ACCOUNTS) {
      for (const tenants of TENANTS) {
        const p = plan(strategy, tenants, accounts);
        const t0 = performance.now();
        const result = await runCell(server, { strategy, ...p, url, ca });
        const exact = p.tenants === tenants && p.accounts === accounts;
        const perTenant = (runs: readonly RunFigures[]) =>
          median(runs.map((r) => r.requests / p.tenants)) * (accounts / p.accounts);
        const steadyRuns = result.steady;
        const coldRuns = result.cold.length > 0 ? result.cold : result.steady;
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
          : `**extrapolated** from ${p.tenants} × ${p.accounts.toLocaleString("en-US")} (${steadyRuns.length} run)`;
        rows.push(
          `| ${NAMES[strategy]} | ${accounts.toLocaleString("en-US")} | ${tenants.toLocaleString("en-US")} | ${fmtN(perTenant(coldRuns))} | ${
            result.cold.length > 0 ? fmtN(perTenant(steadyRuns)) : "same (no state)"
          } | ${fmtS(wallMs)} | ${exact ? `${throttled}${result.cold.length > 0 ? ` (cold ${coldThrottled})` : ""}` : `${throttled} at measured size`} | ${fmtS(cpuMs)} | ${Math.round(result.peakRssMb)} MB${exact ? "" : " (measured size)"} | ${how} |`,
        );
        progress(
          `${strategy} ${accounts}x${tenants}: ${((performance.now() - t0) / 1000).toFixed(1)} s  ${rows.at(-1)}`,
        );
      }
    }
  }
  print(rows.join("\n"));
  if (only.has("classify")) {
    const spec: CellSpec = {
      strategy: "classify",
      tenants: 1,
      accounts: 100_000,
      coldRuns: 0,
      steadyRuns: CLASSIFY_RUNS,
      url,
      ca,
    };
    const result = await runCell(server, spec);
    print(
      `\nClassifying 100,000 managed accounts against a warm snapshot (dry-run exclusion, no I/O, median of ${CLASSIFY_RUNS}): ` +
        `classification alone (checking the listed accounts, deciding, planning) ${result.classifyCpuMs?.toFixed(1)} ms CPU, ` +
        `whole dry run ${result.cpuMsPerCycle.toFixed(1)} ms CPU.`,
    );
  }
  print(`\nTotal benchmark time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  server.send({ type: "stop" });
}

void main();
