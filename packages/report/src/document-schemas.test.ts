import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { cycleDocumentSchema } from "./cycle-document-schema.js";
import type { auditDocumentSchema, scanDocumentSchema } from "./document-schemas.js";
import type { AuditDocument, CycleDocument, ScanDocument } from "./report-input.js";

// What zod infers is mutable; the documents are read-only. Compare the read-only form both ways.
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// `pnpm typecheck` fails here when a schema and its TypeScript type drift apart.
const scanMatches: Same<DeepReadonly<z.output<typeof scanDocumentSchema>>, ScanDocument> = true;
const auditMatches: Same<DeepReadonly<z.output<typeof auditDocumentSchema>>, AuditDocument> = true;
const cycleMatches: Same<DeepReadonly<z.output<typeof cycleDocumentSchema>>, CycleDocument> = true;

describe("document schemas", () => {
  it("infer the documents' TypeScript types, both ways (checked by the type checker)", () => {
    expect([scanMatches, auditMatches, cycleMatches]).toEqual([true, true, true]);
  });
});
