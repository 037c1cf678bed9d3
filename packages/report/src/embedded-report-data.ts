/**
 * The report as the page carries it: a JSON data block that no tenant string can break out of, with the
 * accounts that need no attention counted rather than listed, gzip-compressed by default.
 */
import { gzipSync } from "node:zlib";
import type { PostureReport, ReportAccount, TenantPosture } from "./posture-report.js";

/** How the data block holds the report: gzip then base64 (small), or plain JSON (readable). */
export type ReportDataEncoding = "gzip-base64" | "json";

/** What the page reads after decoding the data block. */
export interface EmbeddedReport {
  /** The report, each tenant listing only the accounts that need attention. */
  readonly report: PostureReport;
  /** Per tenant index, how many listed accounts were left out (not protected, no role). */
  readonly omittedAccounts: Readonly<Record<string, number>>;
}

/**
 * Whether an account is embedded in full: protected or unknown verdicts, and anyone holding a role.
 * The rest (not protected, no role) only count, which keeps 10,000 tenants under the size target.
 */
export function needsAttention(account: ReportAccount): boolean {
  return (
    account.status !== "not-protected" || account.globalAdministrator === true || account.roles.length > 0
  );
}

/** The report with the accounts that need no attention left out, and how many were left out per tenant. */
export function embeddedReport(report: PostureReport): EmbeddedReport {
  const omittedAccounts: Record<string, number> = {};
  const tenants = report.tenants.map((tenant, index): TenantPosture => {
    if (!tenant.accounts.available) return tenant;
    const kept = tenant.accounts.value.filter(needsAttention);
    const omitted = tenant.accounts.value.length - kept.length;
    if (omitted === 0) return tenant;
    omittedAccounts[index] = omitted;
    return { ...tenant, accounts: { ...tenant.accounts, value: kept } };
  });
  return { report: { ...report, tenants }, omittedAccounts };
}

// `<`, `>` and `&` could end the script element or open a comment; U+2028 and U+2029 end a line in
// older script parsers. JSON allows each as a \u escape, so the parsed value is unchanged.
const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/** JSON text safe to place between `<script type="application/json">` tags. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE_IN_SCRIPT,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The text of the page's data block: `{"encoding":"json","value":…}` or
 * `{"encoding":"gzip-base64","value":"H4sI…"}` (the gzip of the JSON of an {@link EmbeddedReport}).
 */
export function reportDataBlock(report: PostureReport, encoding: ReportDataEncoding): string {
  const embedded = embeddedReport(report);
  if (encoding === "json") return scriptSafeJson({ encoding, value: embedded });
  // Level 6 trades a little size for speed; 10,000 tenants × 20 accounts compress in well under a second.
  const compressed = gzipSync(JSON.stringify(embedded), { level: 6 }).toString("base64");
  return scriptSafeJson({ encoding, value: compressed });
}
