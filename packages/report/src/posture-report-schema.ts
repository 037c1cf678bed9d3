/**
 * The zod schema of the posture report itself (what `--format json` writes), published as
 * `schemas/posture-report.schema.json` for consumers of the JSON. A type test checks it against
 * `PostureReport` both ways.
 */
import { z } from "zod";
import { accountStatus, boundedText, isoTime, severity } from "./document-fields.js";

function section<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion("available", [
    z.object({ available: z.literal(true), source: z.string(), value }),
    z.object({ available: z.literal(false) }),
  ]);
}

const count = z.number().int().nonnegative();
const statusCounts = z.object({ protected: count, notProtected: count, unknown: count });

const unitSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  membershipType: z.enum(["assigned", "dynamic"]),
  visibility: z.enum(["public", "hiddenMembership"]),
  membersReadable: z.boolean(),
  memberIds: z.array(z.string()),
});

const evidenceSchema = z.object({
  kind: z.enum(["restricted-flag", "unit-member", "rotation-denied"]),
  observedAt: z.string(),
  unitId: z.string().exactOptional(),
  unitDisplayName: z.string().nullable().exactOptional(),
  message: z.string().exactOptional(),
  requestId: z.string().nullable().exactOptional(),
});

const accountSchema = z.object({
  id: z.string().nullable(),
  userPrincipalName: z.string().nullable(),
  displayName: z.string().nullable(),
  status: accountStatus,
  reasonCode: z.string(),
  reason: z.string(),
  evidence: z.array(evidenceSchema),
  unitIds: z.array(z.string()),
  roles: z.array(z.string()),
  globalAdministrator: z.boolean().nullable(),
  listedBecause: z.array(z.string()),
});

const findingSchema = z.object({
  code: z.string(),
  severity,
  message: z.string(),
  action: z.string().nullable(),
  unitId: z.string().exactOptional(),
  objectId: z.string().exactOptional(),
});

const tenantSchema = z.object({
  tenantId: z.string(),
  displayName: z.string().nullable(),
  cloud: z.string().nullable(),
  readAt: z.string().nullable(),
  stale: z.boolean(),
  complete: z.boolean(),
  incompleteReason: z.string().nullable(),
  error: z.string().nullable(),
  sources: z.array(z.string()),
  restrictedUnits: section(z.array(unitSchema)),
  accounts: section(z.array(accountSchema)),
  accountCounts: section(statusCounts),
  globalAdministrators: section(statusCounts),
  findings: section(z.array(findingSchema)),
  worstSeverity: severity.nullable(),
  noRestrictedUnit: z.boolean().nullable(),
  fewerThanTwoProtectedGlobalAdministrators: z.boolean().nullable(),
});

/** The schema of the posture report's JSON document (schema version 1). */
export const postureReportSchema = z
  .object({
    kind: z.literal("rotation-exclusion.posture-report"),
    schemaVersion: z.literal(1),
    generator: z.object({ name: boundedText, version: boundedText }),
    generatedAt: isoTime,
    staleAfterHours: z.number().positive(),
    upnsRedacted: z.boolean(),
    inputs: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(["scan", "audit", "cycle", "live"]),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .nullable(),
        generatedAt: z.string().nullable(),
        tenantIds: z.array(z.string()),
      }),
    ),
    summary: z.object({
      tenantsRead: count,
      tenantsComplete: count,
      tenantsIncomplete: count,
      accountsProtected: count,
      tenantsWithoutRestrictedUnit: count,
      tenantsWithFewerThanTwoProtectedGlobalAdministrators: count,
      findingsBySeverity: z.object({ info: count, warning: count, error: count }),
      findingsByCode: z.record(z.string(), count),
    }),
    tenants: z.array(tenantSchema),
  })
  .meta({
    title: "rotation-exclusion posture report",
    description:
      "What `rotation-exclusion report --format json` writes: every tenant's restricted units, protected accounts, Global Administrators and findings. `unknown` never counts as protected; `available: false` means no input had the section.",
  });
