import { describe, expect, test } from "vitest";
import { redactSecrets } from "../internal/error-summary.js";
import { createRotationExclusionError, isRotationExclusionError } from "../rotation-exclusion-error.js";
import { parseAccountInput } from "./account-input.js";

const ID = "0A1B2C3D-0000-4000-8000-000000000001";

describe("parseAccountInput", () => {
  test("accepts ids (lower-cased), UPNs and both", () => {
    expect(parseAccountInput(ID)).toEqual({ id: ID.toLowerCase() });
    expect(parseAccountInput({ userPrincipalName: "a@b.test" })).toEqual({ userPrincipalName: "a@b.test" });
    expect(parseAccountInput({ id: ID, userPrincipalName: "a@b.test" })).toEqual({
      id: ID.toLowerCase(),
      userPrincipalName: "a@b.test",
    });
  });

  test.each([
    ["a non-GUID id", "12345", "12345"],
    ["a GUID with braces", `{${ID}}`, ID],
    ["an empty UPN", { userPrincipalName: "" }, "non-empty"],
    ["a UPN without @", { userPrincipalName: "alice" }, "alice"],
    ["a UPN with a newline", { userPrincipalName: "a\n@b.test" }, "control"],
    ["a UPN over 1024 characters", { userPrincipalName: `${"a".repeat(1100)}@b` }, "1024"],
    ["an empty object", {}, "id or a userPrincipalName"],
    ["a number", 42, "number"],
  ])("rejects %s with invalid-input naming the value", (_, input, shown) => {
    let caught: unknown;
    try {
      parseAccountInput(input as never);
    } catch (error) {
      caught = error;
    }
    expect(isRotationExclusionError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: "invalid-input", name: "RotationExclusionError" });
    expect((caught as Error).message).toContain(shown);
  });
});

describe("RotationExclusionError", () => {
  test("the guard recognizes errors from another copy of the package, and nothing else", () => {
    const error = createRotationExclusionError("store-failed", "down", {
      cause: new Error("x"),
      tenantId: "t",
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: "store-failed", tenantId: "t", cause: expect.any(Error) });
    const foreign = Object.assign(new Error("y"), {
      code: "aborted",
      [Symbol.for("@rotation-exclusion/core/RotationExclusionError")]: true,
    });
    expect(isRotationExclusionError(foreign)).toBe(true);
    expect(isRotationExclusionError(Object.assign(new Error("z"), { code: "aborted" }))).toBe(false);
    expect(isRotationExclusionError({ ...foreign, code: "other" })).toBe(false);
    expect(isRotationExclusionError(null)).toBe(false);
  });
});

describe("redactSecrets", () => {
  test("cuts bearer tokens, JWTs and secret fields", () => {
    const text = redactSecrets(
      'Authorization: Bearer abc.def-ghi token eyJhbGciOi.eyJzdWIi.sig client_secret=s3cr3t "password":"hunter2"',
    );
    expect(text).not.toMatch(/abc\.def|eyJhbGciOi|s3cr3t|hunter2/);
  });
});
