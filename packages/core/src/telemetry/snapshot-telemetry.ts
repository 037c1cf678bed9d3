/** What a snapshot refresh tells OpenTelemetry: its span's attributes and the snapshot metrics. */
import type { Attributes } from "@opentelemetry/api";
import type { TenantSnapshot } from "../snapshot/tenant-snapshot.js";
import { record, type SafeSpan } from "./core-telemetry.js";
import { ATTR } from "./cycle-telemetry.js";

/** How the refresh went, beyond the snapshot itself. Times in ms since the epoch. */
export interface RefreshFacts {
  readonly unitsReread: boolean;
  readonly unitsAtMs: number;
  readonly lastCompleteAtMs: number | undefined;
  readonly incompleteStreak: number;
}

const UNIT_EVIDENCE: Attributes = { [ATTR.snapshotEvidence]: "unit_evidence" };
const LAST_COMPLETE: Attributes = { [ATTR.snapshotEvidence]: "last_complete" };

/** Ends a refresh's span and records the refresh and the age of what the snapshot stands on. */
export function recordRefresh(span: SafeSpan, snapshot: TenantSnapshot, facts: RefreshFacts): void {
  const attributes: Attributes = {
    [ATTR.snapshotComplete]: snapshot.complete,
    [ATTR.unitsReread]: facts.unitsReread,
  };
  const reason = snapshot.incompleteCause?.reasonCode;
  if (reason !== undefined) attributes[ATTR.incompleteReason] = reason;
  if (span.recording) span.set({ ...attributes, [ATTR.incompleteStreak]: facts.incompleteStreak });
  span.end();
  record((instruments) => {
    instruments.snapshotRefreshes.add(1, attributes);
    // The age is taken from the snapshot's own read times, so a reused unit read shows its real age.
    const observedMs = Date.parse(snapshot.protectedSetObservedAt);
    instruments.snapshotAge.record(Math.max(0, observedMs - facts.unitsAtMs) / 1_000, UNIT_EVIDENCE);
    // A complete refresh is itself the last complete snapshot: its age is 0 by construction, and
    // recording it cost every quiet tenant a histogram measurement (BENCHMARKS.md, "OpenTelemetry").
    if (!snapshot.complete && facts.lastCompleteAtMs !== undefined) {
      instruments.snapshotAge.record(Math.max(0, observedMs - facts.lastCompleteAtMs) / 1_000, LAST_COMPLETE);
    }
  });
}
