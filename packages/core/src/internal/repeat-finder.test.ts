import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findRepeat } from "./repeat-finder.js";

const at = (values: readonly (string | undefined)[]) => (index: number) => values[index];

/** What a Set finds: the first index whose value was seen before, and where it was first seen. */
function bySet(values: readonly (string | undefined)[], foldCase: boolean) {
  const seen = new Map<string, number>();
  for (const [index, value] of values.entries()) {
    if (value === undefined) continue;
    const key = foldCase ? value.replace(/[A-Z]/g, (c) => c.toLowerCase()) : value;
    const first = seen.get(key);
    if (first !== undefined) return { first, second: index };
    seen.set(key, index);
  }
  return undefined;
}

describe("findRepeat", () => {
  it("answers undefined when every value is listed once, and skips missing values", () => {
    expect(findRepeat(4, at(["a", undefined, "b", undefined]))).toBeUndefined();
    expect(findRepeat(0, at([]))).toBeUndefined();
  });

  it("names both positions of the first repeat", () => {
    expect(findRepeat(5, at(["a", "b", "c", "b", "a"]))).toEqual({ first: 1, second: 3 });
  });

  it("compares exactly, or ignoring the case of ASCII letters when asked", () => {
    const ids = ["6d1f0000-0000-4000-8000-00000000000A", "6d1f0000-0000-4000-8000-00000000000a"];
    expect(findRepeat(2, at(ids))).toBeUndefined();
    expect(findRepeat(2, at(ids), true)).toEqual({ first: 0, second: 1 });
  });

  it("finds what a Set finds, for any list (many collisions in a small alphabet included)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.option(fc.string({ unit: fc.constantFrom("a", "A", "b", "-", "é", "É"), maxLength: 20 }), {
            nil: undefined,
          }),
          {
            maxLength: 60,
          },
        ),
        fc.boolean(),
        (values, foldCase) => {
          expect(findRepeat(values.length, at(values), foldCase)).toEqual(bySet(values, foldCase));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("finds the same repeat when every value shares its sampled code units (the Map fallback)", () => {
    // Same length, same first 4 and last 12 code units: every value hashes alike.
    const values = Array.from({ length: 3_000 }, (_, i) => `head${String(i).padStart(8, "0")}-tail-shared`);
    expect(findRepeat(values.length, at(values))).toBeUndefined();
    values.push(values[1_234] as string);
    expect(findRepeat(values.length, at(values))).toEqual({ first: 1_234, second: 3_000 });
    const upper = values.map((v) => v.toUpperCase());
    expect(findRepeat(2, at([upper[7], values[7]]), true)).toEqual({ first: 0, second: 1 });
  });

  it("handles a list larger than its first table size without a false repeat", () => {
    const values = Array.from({ length: 50_000 }, (_, i) => `acc-${i}`);
    expect(findRepeat(values.length, at(values))).toBeUndefined();
    values.push("acc-31337");
    expect(findRepeat(values.length, at(values))).toEqual({ first: 31_337, second: 50_000 });
  });
});
