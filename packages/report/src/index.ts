export {
  type BuildPostureReportOptions,
  buildPostureReport,
  type FailedTenantRead,
  type TenantListEntry,
} from "./build-posture-report.js";
export {
  type AccountStatus,
  POSTURE_REPORT_KIND,
  POSTURE_REPORT_SCHEMA_VERSION,
  type PostureReport,
  type PostureSummary,
  type ReportAccount,
  type ReportEvidence,
  type ReportFinding,
  type ReportInputKind,
  type ReportInputRecord,
  type ReportUnit,
  type Section,
  SEVERITIES,
  type Severity,
  type StatusCounts,
  type TenantPosture,
} from "./posture-report.js";
export { cycleDocumentSchema } from "./cycle-document-schema.js";
export { MAX_STRING_LENGTH } from "./document-fields.js";
export { auditDocumentSchema, scanDocumentSchema } from "./document-schemas.js";
export { escapeMarkdown } from "./markdown-text.js";
export { postureReportSchema } from "./posture-report-schema.js";
export { publishedJsonSchemas, SCHEMA_BASE_URL } from "./published-json-schemas.js";
export { CSV_COLUMNS, csvTextCell, renderPostureCsv } from "./render-csv.js";
export { type RenderHtmlOptions, renderPostureHtml } from "./render-html.js";
export { type RenderMarkdownOptions, renderPostureMarkdown } from "./render-markdown.js";
export {
  createReportError,
  isReportError,
  REPORT_ERROR_CODES,
  type ReportError,
  type ReportErrorCode,
  type ReportErrorOptions,
} from "./report-error.js";
export {
  AUDIT_DOCUMENT_KIND,
  type AuditDocument,
  CYCLE_DOCUMENT_KIND,
  type CycleDocument,
  DOCUMENT_SCHEMA_VERSION,
  type DocumentEvidence,
  type DocumentFinding,
  type DocumentGenerator,
  type DocumentUnit,
  MAX_INPUT_BYTES,
  type NamedMember,
  type NamedUnit,
  parseReportInput,
  type ReportDocument,
  type ReportSource,
  SCAN_DOCUMENT_KIND,
  type ScanDocument,
} from "./report-input.js";
export {
  createSecretRedactor,
  REDACTED,
  type SecretRedactor,
  type TextSink,
} from "./secret-redactor.js";
export { redactReportStrings, redactUserPrincipalNames, selectTenants } from "./select-tenants.js";
export { escapeBidi } from "./visible-text.js";
