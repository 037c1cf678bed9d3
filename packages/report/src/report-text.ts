/** Wording the text renderers (CSV, Markdown) share, so the formats say the same thing. */
import type { ReportAccount, ReportEvidence, TenantPosture } from "./posture-report.js";

/** What a renderer prints for a section no input had: never a zero. */
export const NOT_AVAILABLE = "not available from this input";

/** A unit's name from the tenant's unit list or the account's evidence, else its id. */
export function unitName(tenant: TenantPosture, account: ReportAccount, unitId: string): string {
  const unit = tenant.restrictedUnits.available
    ? tenant.restrictedUnits.value.find((candidate) => candidate.id === unitId)
    : undefined;
  const fromEvidence = account.evidence.find((evidence) => evidence.unitId === unitId)?.unitDisplayName;
  return unit?.displayName ?? fromEvidence ?? unitId;
}

/** One line per evidence: what was seen and when. */
export function describeEvidence(evidence: ReportEvidence): string {
  const when = `seen ${evidence.observedAt}`;
  switch (evidence.kind) {
    case "restricted-flag":
      return `isManagementRestricted (${when})`;
    case "unit-member":
      return `member of ${evidence.unitDisplayName ?? evidence.unitId ?? "a restricted unit"} (${when})`;
    case "rotation-denied":
      return `rotation denied: ${evidence.message ?? ""}${evidence.requestId ? ` [request ${evidence.requestId}]` : ""} (${when})`;
  }
}

/** Yes, no, or "not read" for a flag that may be unknown. */
export function yesNo(value: boolean | null): string {
  return value === null ? "not read" : value ? "yes" : "no";
}
