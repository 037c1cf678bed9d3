/**
 * The zod schemas of the scan and audit documents (`scan --format json`, `audit --format json`). They
 * match the TypeScript types of `report-input.ts` (a type test checks both directions) and are published
 * as JSON Schema under `schemas/`.
 */
import { z } from "zod";
import {
  accountStatus,
  boundedText,
  documentEvidenceSchema,
  documentFindingSchema,
  documentUnitSchema,
  generatorSchema,
  guid,
  isoTime,
  namedUnitSchema,
} from "./document-fields.js";

/** The schema of `scan --format json` (schema version 1). */
export const scanDocumentSchema = z
  .object({
    kind: z.literal("rotation-exclusion.scan"),
    schemaVersion: z.literal(1),
    generator: generatorSchema,
    generatedAt: isoTime,
    tenantId: guid,
    complete: z.boolean(),
    accounts: z.array(
      z.object({
        id: guid.nullable(),
        userPrincipalName: boundedText.nullable(),
        displayName: boundedText.nullable(),
        status: accountStatus,
        unitIds: z.array(guid),
        units: z.array(namedUnitSchema),
        reasonCode: boundedText,
        evidence: z.array(documentEvidenceSchema),
        reason: boundedText,
        sources: z.array(boundedText),
      }),
    ),
    restrictedUnits: z.array(documentUnitSchema),
    warnings: z.array(documentFindingSchema),
    graphRequests: z.number().int().nonnegative(),
  })
  .meta({
    title: "rotation-exclusion scan document",
    description:
      "What `rotation-exclusion scan --format json` writes: one tenant's accounts and their verdicts.",
  });

/** The schema of `audit --format json` (schema version 1). */
export const auditDocumentSchema = z
  .object({
    kind: z.literal("rotation-exclusion.audit"),
    schemaVersion: z.literal(1),
    generator: generatorSchema,
    generatedAt: isoTime,
    tenantId: guid,
    complete: z.boolean(),
    globalAdministrators: z.array(
      z.object({
        id: guid,
        userPrincipalName: boundedText.nullable(),
        displayName: boundedText.nullable(),
        status: accountStatus,
        reasonCode: boundedText,
        unitIds: z.array(guid),
        units: z.array(namedUnitSchema),
        paths: z.array(boundedText),
      }),
    ),
    restrictedUnits: z.array(documentUnitSchema),
    findings: z.array(documentFindingSchema),
    graphRequests: z.number().int().nonnegative(),
  })
  .meta({
    title: "rotation-exclusion audit document",
    description:
      "What `rotation-exclusion audit --format json` writes: one tenant's Global Administrators, restricted units and findings.",
  });
