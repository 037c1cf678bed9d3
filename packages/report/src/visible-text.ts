/** Tenant text made safe to look at: bidirectional controls shown as escapes instead of reordering the line. */

// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): a name such as `invoice\u202Egnp.exe`
// would otherwise display as `invoiceexe.png`.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Replaces every bidirectional embedding, override and isolate control with its escape (`\u202E`), so
 * a name cannot disguise itself. The report page applies the same rule in the browser.
 *
 * @example
 * escapeBidi("invoice\u202Egnp.exe"); // "invoice\\u202Egnp.exe"
 */
export function escapeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, (control) => `\\u${control.charCodeAt(0).toString(16).toUpperCase()}`);
}
