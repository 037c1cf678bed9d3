/** Posture reports of any size for the size and speed checks (10,000 tenants × 20 accounts is the benchmark size). */
import type { PostureReport, ReportAccount, Severity, TenantPosture } from "@rotation-exclusion/report";
import { account, finding, memberEvidence, report, tenant, unit } from "./posture-builders.js";

/** A small deterministic generator (mulberry32), so synthetic reports are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(next: () => number): string {
  const hex = () =>
    Math.floor(next() * 0x10000)
      .toString(16)
      .padStart(4, "0");
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-8${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

const SEVERITY_OF = {
  "no-restricted-unit": "error",
  "fewer-than-two-protected-global-administrators": "warning",
  "incomplete-read": "warning",
  "hidden-membership-unreadable": "info",
} as const satisfies Record<string, Severity>;

/**
 * A report of `tenants` tenants with `accountsPerTenant` accounts each (random GUIDs, a fixed seed): most
 * tenants healthy, some with one or no protected Global Administrator, some incomplete or without a unit.
 */
export function syntheticPostureReport(tenants: number, accountsPerTenant: number): PostureReport {
  const next = random(18);
  const list: TenantPosture[] = [];
  for (let index = 0; index < tenants; index += 1) {
    const roll = next();
    const complete = roll >= 0.05;
    const hasUnit = roll >= 0.1;
    const unitId = guid(next);
    const protectedCount = hasUnit
      ? Math.min(accountsPerTenant, roll < 0.2 ? 1 : 2 + Math.floor(next() * 2))
      : 0;
    const globalCount = Math.min(accountsPerTenant, 3 + Math.floor(next() * 2));
    const accounts: ReportAccount[] = [];
    for (let n = 0; n < accountsPerTenant; n += 1) {
      const id = guid(next);
      const isProtected = n < protectedCount;
      const isGlobal = n < globalCount;
      const status = isProtected
        ? "protected"
        : !complete && n < globalCount + 2
          ? "unknown"
          : "not-protected";
      accounts.push(
        account(id, `user${n}.t${index}@tenant${index}.example`, `User ${n} of tenant ${index}`, {
          status,
          reasonCode: isProtected ? "unit-member" : status === "unknown" ? "throttled" : "no-protection",
          reason: isProtected ? "Member of a restricted unit." : "Not protected.",
          evidence: isProtected ? memberEvidence(unitId, "Emergency access") : [],
          unitIds: isProtected ? [unitId] : [],
          roles: isGlobal ? ["Global Administrator (active, direct)"] : [],
          globalAdministrator: isGlobal,
          listedBecause: isGlobal ? ["Global Administrator (active, direct)"] : ["--user"],
        }),
      );
    }
    const units = hasUnit
      ? [
          unit(
            unitId,
            "Emergency access",
            accounts.slice(0, protectedCount).map((item) => item.id ?? ""),
          ),
        ]
      : [];
    const codes: (keyof typeof SEVERITY_OF)[] = [];
    if (!complete) codes.push("incomplete-read");
    else if (!hasUnit) codes.push("no-restricted-unit");
    else if (protectedCount < 2) codes.push("fewer-than-two-protected-global-administrators");
    if (roll > 0.97) codes.push("hidden-membership-unreadable");
    list.push(
      tenant(
        {
          tenantId: guid(next),
          displayName: `Customer ${String(index).padStart(5, "0")} Ltd`,
          complete,
          incompleteReason: complete ? null : "throttled",
          stale: roll > 0.9 && roll < 0.93,
        },
        complete ? units : null,
        accounts,
        codes.map((code) => finding(code, SEVERITY_OF[code], `Synthetic ${code}.`, "See the runbook.")),
      ),
    );
  }
  return report(list);
}
