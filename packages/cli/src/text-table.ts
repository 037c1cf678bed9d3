/**
 * Plain aligned text tables for terminal output: padded columns, a header row, no colours (output is
 * often piped or pasted into a ticket).
 */

/** One column: its header and how cells are aligned. */
export interface TableColumn {
  readonly header: string;
  /** Default `left`. */
  readonly align?: "left" | "right";
  /** Cells longer than this are cut with an ellipsis. Default: no limit. */
  readonly maxWidth?: number;
}

// Control characters from directory data (display names) must not move the cursor or fake a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

function fit(cell: string, maxWidth: number | undefined): string {
  const clean = cell.replace(CONTROL_CHARS, " ");
  if (maxWidth === undefined || clean.length <= maxWidth) return clean;
  return `${clean.slice(0, Math.max(0, maxWidth - 1))}…`;
}

/**
 * Formats rows under headers, columns separated by two spaces; trailing spaces are trimmed.
 *
 * @example
 * formatTable([{ header: "STATUS" }, { header: "ACCOUNT" }], [["protected", "bg1@contoso.com"]]);
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const cells = [columns.map((column) => column.header), ...rows].map((row) =>
    columns.map((column, index) => fit(row[index] ?? "", column.maxWidth)),
  );
  const widths = columns.map((_, index) => Math.max(...cells.map((row) => (row[index] as string).length)));
  return cells
    .map((row) =>
      row
        .map((cell, index) => {
          const width = widths[index] as number;
          return columns[index]?.align === "right" ? cell.padStart(width) : cell.padEnd(width);
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
