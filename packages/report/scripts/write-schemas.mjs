#!/usr/bin/env node
// Rewrites packages/report/schemas/*.json from the zod schemas (run `pnpm build` first: it reads dist/).
//   pnpm --filter @rotation-exclusion/report build && node packages/report/scripts/write-schemas.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { publishedJsonSchemas } from "../dist/index.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "schemas");
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(publishedJsonSchemas())) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote schemas/${file}`);
}
