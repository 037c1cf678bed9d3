/**
 * `pnpm soak`: a long fault soak on demand (not part of `pnpm check`). Flags: --seed, --tenants,
 * --cycles, --fault-rate. Prints the tally on stdout, progress on stderr; exits 1 on any violation.
 */
import { parseArgs } from "node:util";
import { runFaultSoak } from "./fault-soak.js";
import { formatSoakTally } from "./soak-tally.js";

const { values } = parseArgs({
  // pnpm may pass a literal "--" through before the flags.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    seed: { type: "string" },
    tenants: { type: "string", default: "20" },
    cycles: { type: "string", default: "60" },
    "fault-rate": { type: "string", default: "0.5" },
  },
  strict: true,
});

function numberFlag(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(value)) {
    process.stderr.write(`soak: --${name} must be a number, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

const seed = values.seed === undefined ? Date.now() % 2 ** 31 : numberFlag("seed", values.seed);
const tenants = numberFlag("tenants", values.tenants);
const cycles = numberFlag("cycles", values.cycles);
process.stderr.write(
  `soak: seed ${seed}, ${tenants} tenants x ${cycles} cycles (replay with --seed ${seed})\n`,
);
const report = await runFaultSoak({
  seed,
  tenants,
  cycles,
  faultRate: numberFlag("fault-rate", values["fault-rate"]),
  onRound(round, progress) {
    if (round % 10 === 0 || round === cycles) {
      const violations = Object.values(progress.violationCounts).reduce((a, b) => a + b, 0);
      process.stderr.write(
        `soak: round ${round}/${cycles}, ${progress.tenantCycles} tenant-cycles, ${violations} violations, ${(progress.durationMs / 1000).toFixed(0)} s\n`,
      );
    }
  },
});
process.stdout.write(formatSoakTally(report));
const total = Object.values(report.violationCounts).reduce((a, b) => a + b, 0);
process.exitCode = total === 0 ? 0 : 1;
