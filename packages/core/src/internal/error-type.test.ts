import { describe, expect, test } from "vitest";
import { defineErrorType } from "./error-type.js";

interface ProbeError extends Error {
  readonly name: "ProbeError";
  readonly code: "broken" | "missing";
  readonly objectId: string | undefined;
}

const probe = defineErrorType<ProbeError, "objectId">({
  name: "ProbeError",
  brand: "@rotation-exclusion/probe/ProbeError",
  codes: ["broken", "missing"],
  fields: ["objectId"],
});

describe("defineErrorType", () => {
  test("creates plain Errors with a constant name, the code, the fields and the cause", () => {
    const cause = new Error("socket hang up");
    const error = probe.create("broken", "Reading x failed; retry", { cause, objectId: "x" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ProbeError");
    expect(error.message).toBe("Reading x failed; retry");
    expect(error.cause).toBe(cause);
    expect({ ...error }).toEqual({ code: "broken", objectId: "x" });
    expect(String(error)).toBe("ProbeError: Reading x failed; retry");
    // A field not given is present and undefined, so hosts can rely on its key.
    expect(Object.hasOwn(probe.create("missing", "m"), "objectId")).toBe(true);
    expect("cause" in probe.create("missing", "m")).toBe(false);
  });

  test("recognises its errors across package copies by the global brand and a known code only", () => {
    const brand = Symbol.for("@rotation-exclusion/probe/ProbeError");
    expect(probe.is(probe.create("missing", "m"))).toBe(true);
    expect(probe.is(Object.assign(new Error("x"), { [brand]: true, code: "missing" }))).toBe(true);
    expect(probe.is(Object.assign(new Error("x"), { [brand]: true, code: "other" }))).toBe(false);
    expect(probe.is(Object.assign(new Error("x"), { code: "missing" }))).toBe(false);
    expect(probe.is(null)).toBe(false);
    expect(probe.is("ProbeError")).toBe(false);
  });
});
