/**
 * The zod schema of a multi-tenant cycle report (core's `ExclusionCycleReport`, written as JSON). It
 * matches core's types (a type test checks both directions) and is published as `schemas/cycle.schema.json`.
 */
import { FINDING_CODES, REASON_CODES } from "@rotation-exclusion/core";
import { z } from "zod";
import { boundedText, guid, isoTime, severity } from "./document-fields.js";

const count = z.number().int().nonnegative();
const reasonCode = z.enum(REASON_CODES);
// Core's UnknownReasonCode: every reason code but those of a decided verdict.
const unknownReasonCode = reasonCode.exclude([
  "restricted-flag",
  "unit-member",
  "rotation-denied-by-unit",
  "not-restricted",
]);

const evidenceSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("restricted-flag"), observedAt: isoTime }),
    z.object({
      kind: z.literal("unit-member"),
      unitId: guid,
      unitDisplayName: boundedText.nullable(),
      observedAt: isoTime,
    }),
    z.object({
      kind: z.literal("rotation-denied"),
      message: boundedText,
      status: z.number().int().nullable(),
      code: boundedText.nullable(),
      requestId: boundedText.nullable(),
      observedAt: isoTime,
    }),
  ])
  .meta({ id: "Evidence", description: "One signal that an account is protected, with when it was seen." });

const verdictBase = {
  accountId: guid.nullable(),
  userPrincipalName: boundedText.nullable(),
  reason: boundedText,
  evidence: z.array(evidenceSchema),
  unitIds: z.array(guid),
  observedAt: isoTime,
};

const verdictSchema = z
  .discriminatedUnion("status", [
    z.object({
      ...verdictBase,
      status: z.literal("protected"),
      reasonCode: z.enum(["restricted-flag", "unit-member", "rotation-denied-by-unit"]),
    }),
    z.object({ ...verdictBase, status: z.literal("not-protected"), reasonCode: z.literal("not-restricted") }),
    z.object({ ...verdictBase, status: z.literal("unknown"), reasonCode: unknownReasonCode }),
  ])
  .meta({
    id: "Verdict",
    description: "An account's protection verdict: only `protected` counts as protected.",
  });

const outcomeFields = {
  key: boundedText,
  accountId: guid.nullable(),
  userPrincipalName: boundedText.nullable(),
  verdict: verdictSchema,
};
const outcomeSchema = z.object(outcomeFields).meta({
  id: "AccountOutcome",
  description: "One account in a run's report, with the verdict that put it there.",
});

/**
 * A refused compare-and-set write; `current` is `undefined` (absent from the JSON) when the account is
 * gone. Optional in the JSON, always present (maybe `undefined`) in what the parser returns, as in core.
 */
const conflictOutcomeSchema = z
  .object({ ...outcomeFields, current: z.lazy(() => managedAccountSchema).optional() })
  .transform(({ current, ...outcome }) => ({ ...outcome, current }));

const autoRotateRecordSchema = z.object({
  kind: z.enum(["exclusion", "pendingVerification"]),
  changedBy: boundedText,
  reasonCode,
  reason: boundedText,
  unitIds: z.array(guid),
  evidence: z.array(evidenceSchema),
  changedAt: isoTime,
  releasedAt: isoTime.optional(),
  releaseAlertPending: z.boolean().optional(),
});

const managedAccountSchema = z
  .object({
    key: boundedText,
    objectId: guid.optional(),
    userPrincipalName: boundedText.optional(),
    autoRotate: z.boolean(),
    record: autoRotateRecordSchema.optional(),
    version: boundedText,
  })
  .meta({ id: "ManagedAccount", description: "One managed account as the store holds it." });

const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  severity,
  message: boundedText,
  unitId: guid.optional(),
  objectId: guid.optional(),
  roleId: guid.optional(),
});

const exclusionReportSchema = z.object({
  tenantId: guid,
  dryRun: z.boolean(),
  aborted: z.boolean(),
  snapshot: z.object({
    complete: z.boolean(),
    primarySignal: z.enum(["available", "unsupported", "forbidden"]),
    protectedSetObservedAt: isoTime,
    unitEvidenceObservedAt: isoTime,
    protectedUserCount: count,
    restrictedUnitCount: count,
    findings: z.array(findingSchema),
    incompleteStreak: count,
    incompleteReason: unknownReasonCode.optional(),
  }),
  excluded: z.array(outcomeSchema),
  alreadyExcluded: z.array(outcomeSchema),
  deferred: z.array(outcomeSchema),
  released: z.object({ newly: z.array(outcomeSchema), still: z.array(outcomeSchema) }),
  restored: z.array(outcomeSchema),
  activated: z.array(outcomeSchema),
  pending: z.array(outcomeSchema),
  conflicts: z.array(conflictOutcomeSchema),
  errors: z.array(z.object({ ...outcomeFields, message: boundedText })),
  notProtectedCount: count,
  accountCount: count,
  timings: z.object({
    startedAt: isoTime,
    finishedAt: isoTime,
    totalMs: z.number().nonnegative(),
    snapshotMs: z.number().nonnegative(),
    classifyMs: z.number().nonnegative(),
    writeMs: z.number().nonnegative(),
  }),
});

const accountCountsSchema = z.object({
  listed: count,
  excluded: count,
  alreadyExcluded: count,
  deferred: count,
  released: count,
  notProtected: count,
  conflicts: count,
  errors: count,
});

const graphCountsSchema = z.object({ requests: count, retries: count, throttled: count });

const tenantResultSchema = z.object({
  tenantId: guid,
  status: z.enum(["done", "partial", "failed", "deferred"]),
  stoppedBy: z.enum(["cycle-deadline", "tenant-deadline", "aborted"]).optional(),
  snapshotComplete: z.boolean().optional(),
  incompleteReason: unknownReasonCode.optional(),
  incompleteStreak: count.optional(),
  unsettled: boundedText.optional(),
  error: z.object({ name: boundedText, message: boundedText, code: boundedText.exactOptional() }).optional(),
  accounts: accountCountsSchema,
  graph: graphCountsSchema,
  durationMs: z.number().nonnegative(),
  report: exclusionReportSchema.optional(),
});

/** The schema of a multi-tenant cycle report (schema version 1). */
export const cycleDocumentSchema = z
  .object({
    kind: z.literal("rotation-exclusion.cycle"),
    schemaVersion: z.literal(1),
    dryRun: z.boolean(),
    stoppedBy: z.enum(["cycle-deadline", "aborted", "tenant-source-failed"]).optional(),
    sourceError: z.object({ name: boundedText, message: boundedText }).optional(),
    tenantCounts: z.object({
      total: count,
      done: count,
      partial: count,
      failed: count,
      deferred: count,
      incomplete: count,
    }),
    accounts: accountCountsSchema,
    graph: graphCountsSchema,
    startedAt: isoTime,
    finishedAt: isoTime,
    wallTimeMs: z.number().nonnegative(),
    tenants: z.array(tenantResultSchema),
  })
  .meta({
    title: "rotation-exclusion cycle report",
    description:
      "A multi-tenant exclusion cycle report (`runExclusionCycle`); a posture report needs it written with `keepReports: true`.",
  });
