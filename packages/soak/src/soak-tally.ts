/**
 * The soak tally as text: cycles, faults injected (and how often they hit) by kind, directory changes,
 * verdicts by status, and invariant violations, which must be 0. The seed is always printed, so a
 * failing run can be replayed.
 */
import type { FaultSoakReport } from "./fault-soak.js";

function lines(
  title: string,
  counts: Readonly<Record<string, number>>,
  extra?: Readonly<Record<string, number>>,
) {
  const rows = Object.entries(counts).map(
    ([name, count]) =>
      `    ${name.padEnd(34)} ${String(count).padStart(7)}${extra ? `  (hit ${extra[name] ?? 0} times)` : ""}`,
  );
  return [`  ${title}`, ...rows];
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Formats a soak report as a plain-text tally. */
export function formatSoakTally(report: FaultSoakReport): string {
  const violations = Object.values(report.violationCounts).reduce((sum, count) => sum + count, 0);
  const heap = report.heapUsedBytes;
  const out = [
    `Fault soak, seed ${report.seed}: ${report.tenants} tenants x ${report.cyclesPerTenant} cycles`,
    `  tenant-cycles ${report.tenantCycles} (faulty ${report.faultyCycles}, fault-free ${report.faultFreeCycles}), each with a never-faulted twin; ${report.requests} requests on the faulty side; ${(report.durationMs / 1000).toFixed(1)} s`,
    `  stored accounts per run: ${report.operatorOwnedAccounts} turned off by an operator, ${report.upnOnlyAccounts} known only by UPN`,
    ...lines("faults injected by kind", report.faultsInjected, report.faultHits),
    ...lines("directory changes between cycles", report.mutations),
    ...lines("verdicts by status (faulty side)", report.verdicts),
    ...lines("unknown verdicts by reason", report.unknownByReason),
    `    undecided accounts resolved by a later fault-free cycle ${report.unknownResolved}`,
    `  fault-free cycle sides past the patient deadline (not injected: not held to "all decided") ${report.outOfTimeCycles}; settle cycles ${report.settleCycles}`,
    ...lines("rotation outcomes (faulty side)", report.rotations),
    `  heap after GC: first ${mib(heap[0])}, max ${mib(heap.length ? Math.max(...heap) : undefined)}, last ${mib(heap.at(-1))}${report.gcAvailable ? "" : " (no GC: not checked)"}`,
    ...lines("invariant violations (must be 0)", report.violationCounts),
    `  TOTAL invariant violations: ${violations}`,
    ...report.violations.map(
      (v) => `    ! ${v.kind} tenant ${v.tenantIndex} cycle ${v.cycle} (${v.side}): ${v.detail}`,
    ),
  ];
  return `${out.join("\n")}\n`;
}
