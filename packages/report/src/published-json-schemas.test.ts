import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { publishedJsonSchemas } from "./published-json-schemas.js";

const REGENERATE =
  "pnpm --filter @rotation-exclusion/report build && node packages/report/scripts/write-schemas.mjs";

describe("published JSON Schemas", () => {
  const schemas = publishedJsonSchemas();

  it("are the four documents, each with its $id, draft 2020-12 and a title", () => {
    expect(Object.keys(schemas).sort()).toEqual([
      "audit.schema.json",
      "cycle.schema.json",
      "posture-report.schema.json",
      "scan.schema.json",
    ]);
    for (const [file, text] of Object.entries(schemas)) {
      const schema = JSON.parse(text);
      expect(schema.$id).toBe(`https://rotation-exclusion.dev/schemas/${file}`);
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.title).toMatch(/^rotation-exclusion /);
    }
  });

  it.each(Object.keys(schemas))("schemas/%s is committed as the zod schema produces it", (file) => {
    const committed = readFileSync(fileURLToPath(new URL(`../schemas/${file}`, import.meta.url)), "utf8");
    expect(committed, `schemas/${file} is out of date; regenerate it: ${REGENERATE}`).toBe(schemas[file]);
  });
});
