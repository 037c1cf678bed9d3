import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { PostureReport } from "./posture-report.js";
import { postureReportSchema } from "./posture-report-schema.js";

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// `pnpm typecheck` fails here when the published schema and the model drift apart.
const matches: Same<DeepReadonly<z.output<typeof postureReportSchema>>, PostureReport> = true;

describe("posture report schema", () => {
  it("infers PostureReport, both ways (checked by the type checker)", () => {
    expect(matches).toBe(true);
  });

  it("rejects a report whose section claims a value without a source", () => {
    const result = postureReportSchema.shape.tenants.element.shape.accounts.safeParse({
      available: true,
      value: [],
    });
    expect(result.success).toBe(false);
  });
});
