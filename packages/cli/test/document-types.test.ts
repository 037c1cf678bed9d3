/**
 * The CLI's JSON documents are the report's input documents, checked by the type checker (`pnpm
 * typecheck` fails on drift): `scan --format json` is a ScanDocument, `audit --format json` an
 * AuditDocument with exactly its fields.
 */
import type { AuditReport, ScanReport } from "@rotation-exclusion/cli";
import type { AuditDocument, ScanDocument } from "@rotation-exclusion/report";
import { describe, expectTypeOf, it } from "vitest";

describe("scan and audit JSON are the report's input documents", () => {
  it("ScanReport is ScanDocument", () => {
    expectTypeOf<ScanReport>().toEqualTypeOf<ScanDocument>();
  });

  it("AuditReport is an AuditDocument with no field the document does not have", () => {
    expectTypeOf<AuditReport>().toExtend<AuditDocument>();
    expectTypeOf<keyof AuditReport>().toEqualTypeOf<keyof AuditDocument>();
    expectTypeOf<keyof AuditReport["globalAdministrators"][number]>().toEqualTypeOf<
      keyof AuditDocument["globalAdministrators"][number]
    >();
  });
});
