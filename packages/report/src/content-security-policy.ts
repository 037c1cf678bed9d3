/** The report page's Content-Security-Policy: nothing loads, and only the page's own inline code runs. */
import { createHash } from "node:crypto";

/** The inline code a page carries, exactly as written between its tags. */
export interface InlineCode {
  readonly scripts: readonly string[];
  readonly styles: readonly string[];
}

/** The CSP source expression (`'sha256-…'`) that allows exactly this inline script or style. */
export function sha256Source(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The policy for a `<meta http-equiv="Content-Security-Policy">` tag: no fetch of any kind, images only
 * from `data:`, scripts and styles only by hash, and Trusted Types required so no string can become markup.
 * `frame-ancestors` is left out because browsers ignore it in a meta tag.
 */
export function reportPageCsp(code: InlineCode): string {
  return [
    "default-src 'none'",
    `script-src ${code.scripts.map(sha256Source).join(" ")}`,
    `style-src ${code.styles.map(sha256Source).join(" ")}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
  ].join("; ");
}
