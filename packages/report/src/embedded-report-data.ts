/**
 * The report as the page carries it, in two JSON data blocks no tenant string can break out of: the
 * tenants' table rows (`report-data`, decoded before the first paint) and each tenant's units, accounts
 * and findings (`report-details`, one JSON text per tenant, parsed only when the tenant is opened or
 * printed). Accounts that need no attention are counted rather than listed; both blocks are gzip-compressed
 * by default, which keeps 10,000 tenants × 20 accounts near 4 MB and interactive in under two seconds.
 */
import { gzipSync } from "node:zlib";
import type { PostureReport, ReportAccount, TenantPosture } from "./posture-report.js";

/** How a data block holds its value: gzip then base64 (small), or plain JSON (readable). */
export type ReportDataEncoding = "gzip-base64" | "json";

/** The parts of a tenant the page parses only when the tenant is opened (or printed): all the table does not show. */
export type TenantDetail = Pick<
  TenantPosture,
  "restrictedUnits" | "accounts" | "findings" | "accountCounts" | "sources" | "cloud" | "incompleteReason"
>;

/** A tenant as the table needs it: everything but its {@link TenantDetail}. */
export type TenantRow = Omit<TenantPosture, keyof TenantDetail>;

/** What the page reads from the `report-data` block. */
export interface EmbeddedReport {
  /** The report with each tenant reduced to its table row. */
  readonly report: Omit<PostureReport, "tenants"> & { readonly tenants: readonly TenantRow[] };
  /** Per tenant index, how many accounts were left out of its details (not protected, no role). */
  readonly omittedAccounts: Readonly<Record<string, number>>;
}

/** The two data blocks' texts, ready to go between `<script type="application/json">` tags. */
export interface ReportDataBlocks {
  /** `{"encoding":…,"value":…}` whose value is an {@link EmbeddedReport}. */
  readonly report: string;
  /**
   * `{"encoding":…,"value":…}` holding the JSON texts of each {@link TenantDetail}, by tenant index: an
   * array of them, or (`"lines": true`) compressed text with one per line.
   */
  readonly details: string;
}

/**
 * Whether an account is embedded in full: protected or unknown verdicts, and anyone holding a role.
 * The rest (not protected, no role) are only counted.
 */
export function needsAttention(account: ReportAccount): boolean {
  return (
    account.status !== "not-protected" || account.globalAdministrator === true || account.roles.length > 0
  );
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

// Level 6 (zlib's default) for the small rows block; the details block, ~80 MB of JSON at 10,000 tenants ×
// 20 accounts, takes level 1: ~0.3 s less render time for a page of 6.7 instead of 5.2 MB (BENCHMARKS.md).
const gzipBase64 = (text: string, level = 6) => gzipSync(text, { level }).toString("base64");

function block(value: unknown, encoding: ReportDataEncoding): string {
  if (encoding === "json") return scriptSafeJson({ encoding, value });
  return scriptSafeJson({ encoding, value: gzipBase64(JSON.stringify(value)) });
}

/**
 * The details block: compressed, the tenants' JSON texts one per line (`"lines": true`; JSON text never
 * holds a raw line break), rather than a JSON array of strings, whose escaping of every quote cost a
 * third of the render time at 10,000 tenants; plain, an array of the texts.
 */
function linesBlock(texts: readonly string[], encoding: ReportDataEncoding): string {
  if (encoding === "json") return scriptSafeJson({ encoding, value: texts });
  return scriptSafeJson({ encoding, lines: true, value: gzipBase64(texts.join("\n"), 1) });
}

/** Splits the report into the page's two data blocks (see the module comment). */
export function reportDataBlocks(report: PostureReport, encoding: ReportDataEncoding): ReportDataBlocks {
  const omittedAccounts: Record<string, number> = {};
  const details: string[] = [];
  const tenants = report.tenants.map((tenant, index): TenantRow => {
    const { restrictedUnits, accounts, findings, accountCounts, sources, cloud, incompleteReason, ...row } =
      tenant;
    let listed = accounts;
    if (accounts.available) {
      const kept = accounts.value.filter(needsAttention);
      if (kept.length < accounts.value.length) {
        omittedAccounts[index] = accounts.value.length - kept.length;
        listed = { ...accounts, value: kept };
      }
    }
    const detail: TenantDetail = {
      restrictedUnits,
      accounts: listed,
      findings,
      accountCounts,
      sources,
      cloud,
      incompleteReason,
    };
    details.push(JSON.stringify(detail));
    return row;
  });
  const embedded: EmbeddedReport = { report: { ...report, tenants }, omittedAccounts };
  return { report: block(embedded, encoding), details: linesBlock(details, encoding) };
}
