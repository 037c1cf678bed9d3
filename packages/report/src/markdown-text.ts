/**
 * Tenant text made inert in Markdown: one function every piece of report data goes through before it
 * lands in a Markdown document, so a display name cannot become a link, an image, raw HTML, a code
 * span, emphasis, a heading or a new table cell.
 */
import { escapeBidi } from "./visible-text.js";

// Backslash-escapable ASCII punctuation that starts inline or block syntax (CommonMark 2.4): links and
// images ([ ] ( ) !), raw HTML and autolinks (< >), entities (&), code (`), emphasis (* _ ~), tables (|),
// headings (#) and the escape itself (\).
const MARKDOWN_SYNTAX = /[\\`*_[\]()<>|!#~&]/g;
// Line and paragraph breaks (a new line could start a heading, a list or a table row).
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029\u0085\v\f]/g;
// GitHub's autolink extension links bare `https://…`, `www.…` and e-mail-like text without any syntax;
// an escaped colon or dot is the same character to a reader and no link to the renderer.
const AUTOLINK_STARTS = /(?<=[A-Za-z])(:)(?=\/\/)|(?<=\bwww)(\.)/gi;

/**
 * Escapes text for a Markdown paragraph or table cell: bidi controls shown as escapes, line breaks
 * turned into spaces, Markdown syntax backslash-escaped. Never emits HTML.
 *
 * @example
 * escapeMarkdown("[click](http://evil)"); // "\\[click\\]\\(http://evil\\)"
 */
export function escapeMarkdown(text: string): string {
  return escapeBidi(text)
    .replace(LINE_BREAKS, " ")
    .replace(MARKDOWN_SYNTAX, (char) => `\\${char}`)
    .replace(AUTOLINK_STARTS, (char) => `\\${char}`);
}
