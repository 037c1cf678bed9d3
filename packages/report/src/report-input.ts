/**
 * The saved JSON documents a report is built from, as `scan --format json`, `audit --format json` and
 * the multi-tenant cycle (`runExclusionCycle` with `keepReports: true`) write them. Each carries a `kind`
 * and a `schemaVersion`; the JSON Schema of each is published under `schemas/`. Inputs are untrusted:
 * {@link parseReportInput} validates them before anything reads them.
 */
import { EXCLUSION_CYCLE_REPORT_KIND, type ExclusionCycleReport } from "@rotation-exclusion/core";
import { createReportError } from "./report-error.js";

/** `kind` of `scan --format json`. */
export const SCAN_DOCUMENT_KIND = "rotation-exclusion.scan";
/** `kind` of `audit --format json`. */
export const AUDIT_DOCUMENT_KIND = "rotation-exclusion.audit";
/** `kind` of a multi-tenant cycle report (core's `ExclusionCycleReport`). */
export const CYCLE_DOCUMENT_KIND = EXCLUSION_CYCLE_REPORT_KIND;
/** The schema version every document kind has today. */
export const DOCUMENT_SCHEMA_VERSION = 1;

/** Who wrote a document. */
export interface DocumentGenerator {
  readonly name: string;
  readonly version: string;
}

/** A unit named where it is referred to. */
export interface NamedUnit {
  readonly id: string;
  readonly displayName: string | null;
}

/** A member of a restricted unit, named. */
export interface NamedMember {
  readonly id: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
}

/** A restricted unit as scan and audit documents carry it. */
export interface DocumentUnit {
  readonly id: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly membershipType: "assigned" | "dynamic";
  readonly visibility: "public" | "hiddenMembership";
  /** Object ids of its user members (bare ids, as before schema version 1). */
  readonly userIds: readonly string[];
  /** The same members, named. */
  readonly members: readonly NamedMember[];
  readonly membersReadable: boolean;
}

/** Evidence as documents carry it (core's `Evidence`). */
export interface DocumentEvidence {
  readonly kind: "restricted-flag" | "unit-member" | "rotation-denied";
  readonly observedAt: string;
  readonly unitId?: string;
  readonly unitDisplayName?: string | null;
  readonly message?: string;
  readonly status?: number | null;
  readonly code?: string | null;
  readonly requestId?: string | null;
}

/** A finding as documents carry it. */
export interface DocumentFinding {
  readonly code: string;
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  readonly action?: string;
  readonly accountIds?: readonly string[];
  readonly unitId?: string;
  readonly objectId?: string;
  readonly roleId?: string;
}

/** `scan --format json`. */
export interface ScanDocument {
  readonly kind: typeof SCAN_DOCUMENT_KIND;
  readonly schemaVersion: typeof DOCUMENT_SCHEMA_VERSION;
  readonly generator: DocumentGenerator;
  /** When the tenant was read (ISO 8601). */
  readonly generatedAt: string;
  readonly tenantId: string;
  readonly complete: boolean;
  readonly accounts: readonly {
    readonly id: string | null;
    readonly userPrincipalName: string | null;
    readonly displayName: string | null;
    readonly status: "protected" | "not-protected" | "unknown";
    readonly unitIds: readonly string[];
    /** The same units, named. */
    readonly units: readonly NamedUnit[];
    readonly reasonCode: string;
    readonly evidence: readonly DocumentEvidence[];
    readonly reason: string;
    readonly sources: readonly string[];
  }[];
  readonly restrictedUnits: readonly DocumentUnit[];
  readonly warnings: readonly DocumentFinding[];
  readonly graphRequests: number;
}

/** `audit --format json`. */
export interface AuditDocument {
  readonly kind: typeof AUDIT_DOCUMENT_KIND;
  readonly schemaVersion: typeof DOCUMENT_SCHEMA_VERSION;
  readonly generator: DocumentGenerator;
  readonly generatedAt: string;
  readonly tenantId: string;
  readonly complete: boolean;
  readonly globalAdministrators: readonly {
    readonly id: string;
    readonly userPrincipalName: string | null;
    readonly displayName: string | null;
    readonly status: "protected" | "not-protected" | "unknown";
    readonly reasonCode: string;
    readonly unitIds: readonly string[];
    readonly units: readonly NamedUnit[];
    readonly paths: readonly string[];
  }[];
  readonly restrictedUnits: readonly DocumentUnit[];
  readonly findings: readonly DocumentFinding[];
  readonly graphRequests: number;
}

/** A multi-tenant cycle report, as `runExclusionCycle` returns it (`kind` and `schemaVersion` included). */
export type CycleDocument = ExclusionCycleReport;

/** A document of any kind the report reads. */
export type ReportDocument = ScanDocument | AuditDocument | CycleDocument;

/** One input of a report: a validated document and where it came from. */
export interface ReportSource {
  /** The file name as given, or `live` for a live read. */
  readonly name: string;
  /** Hex SHA-256 of the file's bytes; `null` for a live read. */
  readonly sha256: string | null;
  readonly document: ReportDocument;
}

/**
 * Parses and validates one saved document (untrusted): JSON, a known `kind` and `schemaVersion`, every
 * field of its schema; a cycle report must have kept its per-tenant reports. Errors name the input and
 * the JSON path that was wrong.
 *
 * @example
 * const source = parseReportInput("acme-scan.json", await readFile("acme-scan.json"));
 */
export function parseReportInput(name: string, content: string | Uint8Array): ReportSource {
  void content;
  throw createReportError("invalid-input", `${name}: not implemented yet`, { input: name });
}
