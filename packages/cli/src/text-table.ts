/**
 * Text tables for the terminal, laid out by cli-table3: borderless columns under a header row, fitted
 * to a width (long cells wrap inside their column instead of making 285-column lines), control
 * characters from directory data neutralised. Colour is the caller's choice (see cli-style.ts).
 */
import Table from "cli-table3";

/** One column: its header and how cells are aligned. */
export interface TableColumn {
  readonly header: string;
  /** Default `left`. */
  readonly align?: "left" | "right";
  /** Cells longer than this are cut with an ellipsis. Default: no limit. */
  readonly maxWidth?: number;
  /**
   * Keep the column's natural width when fitting (an account name or a code must be read whole);
   * the other columns wrap. Default false.
   */
  readonly keepWidth?: boolean;
}

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** The width to fit, in columns (the terminal's). Default: no limit, one line per row. */
  readonly width?: number | undefined;
}

// Control characters from directory data (display names) must not move the cursor or fake a line.

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are not part of a cell's width.
const ANSI = /\u001b\[[0-9;]*m/g;
const GAP = 2;
// A column is never squeezed below this (or its natural width, if smaller).
const MIN_COLUMN = 10;

const visibleLength = (text: string) => [...text.replace(ANSI, "")].length;

// Control characters from directory data (display names) must not move the cursor or fake a line;
// colour codes are kept: the caller adds them, not the directory.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_OR_COLOUR = /\u001b\[[0-9;]*m|[\u0000-\u001f\u007f-\u009f]/g;

function fit(cell: string, maxWidth: number | undefined): string {
  const clean = cell.replace(CONTROL_OR_COLOUR, (match) => (match.startsWith("\u001b[") ? match : " "));
  if (maxWidth === undefined || visibleLength(clean) <= maxWidth) return clean;
  return `${clean.replace(ANSI, "").slice(0, Math.max(0, maxWidth - 1))}…`;
}

/** Column widths (with the gap) that fit `width`: the widest columns give way first. */
function columnWidths(
  cells: readonly (readonly string[])[],
  columns: readonly TableColumn[],
  width: number | undefined,
): number[] {
  const count = columns.length;
  const widths = Array.from(
    { length: count },
    (_, index) => Math.max(...cells.map((row) => visibleLength(row[index] ?? ""))) + GAP,
  );
  if (width === undefined) return widths;
  const shrink = (floors: readonly number[]) => {
    let total = widths.reduce((sum, value) => sum + value, 0);
    while (total > width) {
      let widest = -1;
      for (let index = 0; index < count; index += 1) {
        if (
          (widths[index] as number) > (floors[index] as number) &&
          (widest === -1 || (widths[index] as number) > (widths[widest] as number))
        ) {
          widest = index;
        }
      }
      if (widest === -1) return total;
      widths[widest] = (widths[widest] as number) - 1;
      total -= 1;
    }
    return total;
  };
  const minimum = widths.map((natural) => Math.min(natural, MIN_COLUMN + GAP));
  // Kept columns give way only when the others cannot make the table fit.
  const total = shrink(
    widths.map((natural, index) =>
      columns[index]?.keepWidth === true ? natural : (minimum[index] as number),
    ),
  );
  if (total > width) shrink(minimum);
  return widths;
}

/**
 * Formats rows under headers, columns separated by two spaces, fitted to `options.width`; trailing
 * spaces are trimmed.
 *
 * @example
 * formatTable([{ header: "STATUS" }, { header: "ACCOUNT" }], [["protected", "bg1@contoso.com"]], { width: 80 });
 */
export function formatTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const cells = [columns.map((column) => column.header), ...rows].map((row) =>
    columns.map((column, index) => fit(row[index] ?? "", column.maxWidth)),
  );
  const colWidths = columnWidths(cells, columns, options.width);
  const table = new Table({
    head: [],
    colWidths,
    colAligns: columns.map((column) => column.align ?? "left"),
    wordWrap: true,
    wrapOnWordBoundary: true,
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "",
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": GAP, compact: true },
  });
  table.push(...cells);
  return table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}
