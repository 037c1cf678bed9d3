/**
 * The JSON Schemas (draft 2020-12) the package publishes under `schemas/`, generated from its zod
 * schemas so they cannot drift: `pnpm --filter @rotation-exclusion/report build` then
 * `node packages/report/scripts/write-schemas.mjs` rewrites them, and a test fails while they differ.
 */
import { z } from "zod";
import { cycleDocumentSchema } from "./cycle-document-schema.js";
import { auditDocumentSchema, scanDocumentSchema } from "./document-schemas.js";
import { postureReportSchema } from "./posture-report-schema.js";

/** Where the schemas are published; each `$id` is this plus the file name. */
export const SCHEMA_BASE_URL = "https://rotation-exclusion.dev/schemas/";

const SCHEMAS = {
  "scan.schema.json": scanDocumentSchema,
  "audit.schema.json": auditDocumentSchema,
  "cycle.schema.json": cycleDocumentSchema,
  "posture-report.schema.json": postureReportSchema,
} as const;

/**
 * Every published schema by file name (shared parts such as `Evidence` and `Verdict` under `$defs`), as the text written to `schemas/` (two-space JSON, final newline).
 * Input documents are described as the parser accepts them; the report as it is written.
 *
 * @example
 * for (const [file, text] of Object.entries(publishedJsonSchemas())) await writeFile(`schemas/${file}`, text);
 */
export function publishedJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SCHEMAS).map(([file, schema]) => {
      const io = file === "posture-report.schema.json" ? "output" : "input";
      const json = {
        $id: `${SCHEMA_BASE_URL}${file}`,
        ...z.toJSONSchema(schema, {
          target: "draft-2020-12",
          io,
        }),
      };
      return [file, `${JSON.stringify(json, null, 2)}\n`];
    }),
  );
}
