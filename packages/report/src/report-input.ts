/**
 * The saved JSON documents a report is built from, as `scan --format json`, `audit --format json` and
 * the multi-tenant cycle (`runExclusionCycle` with `keepReports: true`) write them. Each carries a `kind`
 * and a `schemaVersion`; the JSON Schema of each is published under `schemas/`. Inputs are untrusted:
 * {@link parseReportInput} validates them before anything reads them.
 */
import { createHash } from "node:crypto";
import { EXCLUSION_CYCLE_REPORT_KIND, type ExclusionCycleReport } from "@rotation-exclusion/core";
import { cycleDocumentSchema } from "./cycle-document-schema.js";
import { auditDocumentSchema, scanDocumentSchema } from "./document-schemas.js";
import { createReportError, type ReportErrorCode } from "./report-error.js";

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

/** The largest input file the report reads (bytes): a sanity bound against a hostile or wrong file. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Parses and validates one saved document (untrusted): JSON, a known `kind` and `schemaVersion`, every
 * field of its schema; a cycle report must have kept its per-tenant reports. Errors name the input and
 * the JSON path that was wrong. Tenant and object ids come out lower case.
 *
 * @example
 * const source = parseReportInput("acme-scan.json", await readFile("acme-scan.json"));
 */
export function parseReportInput(name: string, content: string | Uint8Array): ReportSource {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (bytes.byteLength > MAX_INPUT_BYTES) {
    fail(
      "invalid-input",
      name,
      `${bytes.byteLength} bytes is more than the ${MAX_INPUT_BYTES} a report reads`,
    );
  }
  const document = validateDocument(name, parseJson(name, bytes));
  return { name, sha256, document };
}

function fail(code: ReportErrorCode, name: string, what: string, cause?: unknown): never {
  throw createReportError(code, `${name}: ${what}`, { input: name, cause });
}

function parseJson(name: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    fail(
      "invalid-input",
      name,
      "not UTF-8 text; expected a JSON document written by rotation-exclusion",
      error,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the input; keep only that it is not JSON.
    fail("invalid-input", name, "not valid JSON; expected a document written by rotation-exclusion", error);
  }
  if (nestingDepth(value) > MAX_NESTING_DEPTH) {
    fail(
      "invalid-input",
      name,
      `nested deeper than ${MAX_NESTING_DEPTH} levels; not a rotation-exclusion document`,
    );
  }
  return value;
}

// Our documents nest about 8 levels; far deeper is a wrong or hostile file.
const MAX_NESTING_DEPTH = 32;

function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, depth] = next;
    if (typeof value !== "object" || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_NESTING_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const SCHEMAS = {
  [SCAN_DOCUMENT_KIND]: scanDocumentSchema,
  [AUDIT_DOCUMENT_KIND]: auditDocumentSchema,
  [CYCLE_DOCUMENT_KIND]: cycleDocumentSchema,
} as const;

/** Shows a hostile value in a message: quoted, escaped, short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function validateDocument(name: string, value: unknown): ReportDocument {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("invalid-input", name, "expected a JSON object (a scan, audit or cycle document)");
  }
  const { kind, schemaVersion } = value as { kind?: unknown; schemaVersion?: unknown };
  const kinds = Object.keys(SCHEMAS);
  if (typeof kind !== "string" || !Object.hasOwn(SCHEMAS, kind)) {
    const what = kind === undefined ? "has no kind; expected one of" : `kind ${shown(kind)} is not one of`;
    fail("invalid-input", name, `${what} ${kinds.join(", ")}`);
  }
  if (schemaVersion !== DOCUMENT_SCHEMA_VERSION) {
    fail(
      "invalid-input",
      name,
      `schemaVersion ${shown(schemaVersion)} of ${kind} is not supported (this version reads ${DOCUMENT_SCHEMA_VERSION}); upgrade @rotation-exclusion/report or write the document with a matching version`,
    );
  }
  const result = SCHEMAS[kind as keyof typeof SCHEMAS].safeParse(value);
  if (!result.success) {
    const shownIssues = result.error.issues
      .slice(0, 5)
      .map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);
    const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : "";
    fail("invalid-input", name, `${shownIssues.join("; ")}${more}`);
  }
  const document = result.data;
  if (document.kind === CYCLE_DOCUMENT_KIND) requireKeptReports(name, document);
  return document;
}

/** `$.accounts[3].status` for a zod issue path. */
function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${shown(String(key))}]`;
  }
  return out;
}

function requireKeptReports(name: string, document: CycleDocument): void {
  // A kept report about another tenant would file one customer's accounts under another.
  for (const [index, tenant] of document.tenants.entries()) {
    if (
      tenant.report !== undefined &&
      tenant.report.tenantId.toLowerCase() !== tenant.tenantId.toLowerCase()
    ) {
      fail(
        "invalid-input",
        name,
        `$.tenants[${index}].report.tenantId: ${shown(tenant.report.tenantId)} is not the result's tenant ${tenant.tenantId}`,
      );
    }
  }
  const missing = document.tenants.filter(
    (tenant) => (tenant.status === "done" || tenant.status === "partial") && tenant.report === undefined,
  );
  if (missing.length === 0) return;
  const ids = missing.slice(0, 3).map((tenant) => tenant.tenantId);
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : "";
  fail(
    "unsupported-input",
    name,
    `the cycle report kept no per-tenant report for tenant ${ids.join(", ")}${more}, so it has no accounts to show; run the cycle with keepReports: true and report on that`,
  );
}
