/**
 * The tenant list of `report --tenants <file>`: one tenant id per line (blank lines and `#` comments
 * ignored), or CSV with a `tenantId` header and optional `displayName` and `cloud` columns (parsed by
 * csv-parse, so quoting and embedded commas follow RFC 4180). Every problem is a usage error naming the
 * file, the line and what is wrong.
 */
import { describeValue, isGuid } from "@rotation-exclusion/core/internal";
import { GRAPH_CLOUDS, type GraphCloud } from "@rotation-exclusion/graph-adapter";
import type { TenantListEntry } from "@rotation-exclusion/report";
import { CsvError, parse } from "csv-parse/sync";
import { createCliError } from "./cli-error.js";

/** A tenant of the list, with the line it came from (for messages). */
export interface TenantListLine extends TenantListEntry {
  readonly cloud: GraphCloud | null;
  readonly line: number;
}

const CLOUDS = Object.keys(GRAPH_CLOUDS) as GraphCloud[];
const COLUMNS = ["tenantId", "displayName", "cloud"] as const;

function problem(file: string, line: number, message: string): never {
  throw createCliError("usage", `--tenants: ${file}, line ${line}: ${message}`);
}

function checkTenantId(file: string, line: number, value: string): string {
  if (!isGuid(value)) {
    problem(
      file,
      line,
      `${describeValue(value)} is not a tenant id; give the directory (tenant) id, a GUID.`,
    );
  }
  return value.toLowerCase();
}

function checkCloud(file: string, line: number, value: string): GraphCloud | null {
  if (value === "") return null;
  if (!(CLOUDS as string[]).includes(value)) {
    problem(file, line, `cloud ${describeValue(value)} is not one of ${CLOUDS.join(", ")}.`);
  }
  return value as GraphCloud;
}

// The first line that is neither blank nor a comment decides the format: a CSV header names tenantId.
function isCsv(text: string): boolean {
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== "" && !line.startsWith("#"));
  return first !== undefined && /^"?tenantId"?\s*(,|$)/i.test(first);
}

function plainLines(file: string, text: string): TenantListLine[] {
  const entries: TenantListLine[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const value = raw.replace(/#.*$/, "").trim();
    if (value === "") continue;
    entries.push({
      tenantId: checkTenantId(file, index + 1, value),
      displayName: null,
      cloud: null,
      line: index + 1,
    });
  }
  return entries;
}

function csvLines(file: string, text: string): TenantListLine[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) =>
        header.map((name, index) => {
          const column = COLUMNS.find((known) => known.toLowerCase() === name.trim().toLowerCase());
          if (column === undefined) {
            problem(
              file,
              1,
              `column ${index + 1} ${describeValue(name)} is not one of ${COLUMNS.join(", ")}.`,
            );
          }
          return column;
        }),
      comment: "#",
      skip_empty_lines: true,
      // A row may leave out its trailing optional columns (no cloud); more columns than the header is an error.
      relax_column_count_less: true,
      trim: true,
      info: true,
      bom: true,
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      problem(file, line, `not valid CSV: ${error.message.replace(/^Invalid [^:]*: /, "")}`);
    }
    throw error;
  }
  return records.map(({ record, info }) => {
    const line = info.lines;
    const displayName = record.displayName ?? "";
    return {
      tenantId: checkTenantId(file, line, record.tenantId ?? ""),
      displayName: displayName === "" ? null : displayName,
      cloud: checkCloud(file, line, record.cloud ?? ""),
      line,
    };
  });
}

/**
 * Parses a tenant list file's text. Throws a usage CliError naming `file`, the line number and the
 * problem: not a GUID, an unknown cloud, a tenant listed twice, an unknown CSV column, no tenant at all.
 *
 * @example
 * const tenants = parseTenantList("tenants.csv", "tenantId,displayName\n8b1c…,Contoso\n");
 */
export function parseTenantList(file: string, text: string): TenantListLine[] {
  const entries = isCsv(text) ? csvLines(file, text) : plainLines(file, text);
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const first = seen.get(entry.tenantId);
    if (first !== undefined) {
      problem(file, entry.line, `tenant ${entry.tenantId} is listed twice (first on line ${first}).`);
    }
    seen.set(entry.tenantId, entry.line);
  }
  if (entries.length === 0) {
    throw createCliError("usage", `--tenants: ${file} lists no tenant.`);
  }
  return entries;
}
