/**
 * Tenant text made visible: bidirectional controls (which can make `gnp.exe` read as `exe.png`) shown as
 * escapes instead of acting on the text around them. Every renderer applies it to every tenant string.
 */

// U+202A–U+202E (embeddings and overrides), U+2066–U+2069 (isolates), and the invisible marks
// U+200E, U+200F and U+061C that steer the same algorithm.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * Replaces every bidirectional control character by a visible escape (`\u202E`).
 *
 * @example
 * escapeBidi("\u202Egnp.exe"); // "\\u202Egnp.exe"
 */
export function escapeBidi(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}
