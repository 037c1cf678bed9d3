/** The input checks the guard applies and the sibling packages share (the CLI validates flags with them). */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseAccountInput } from "../guard/account-input.js";
import { parseRoleNames } from "../role-import/role-input.js";
import {
  describeValue,
  isGuid,
  MAX_ROLE_NAME_LENGTH,
  roleNameProblem,
  userPrincipalNameProblem,
} from "./input-checks.js";

describe("input checks", () => {
  test("isGuid accepts object ids in any case and nothing else", () => {
    expect(isGuid("0A1B2C3D-0000-4000-8000-000000000001")).toBe(true);
    expect(isGuid("{0a1b2c3d-0000-4000-8000-000000000001}")).toBe(false);
    expect(isGuid(42)).toBe(false);
  });

  test("isGuid answers what the 8-4-4-4-12 hex pattern answers, for any string", () => {
    const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    // Near-GUIDs: 36 code units from hex digits, dashes and a few neighbours of the hex ranges.
    const unit = fc.constantFrom(..."0129aAfFgG-/:@`{ ");
    const nearGuid = fc.string({ unit, minLength: 35, maxLength: 37 });
    const almost = fc
      .tuple(fc.uuid(), fc.nat(35), unit)
      .map(([uuid, at, code]) => `${uuid.slice(0, at)}${code}${uuid.slice(at + 1)}`);
    fc.assert(
      fc.property(fc.oneof(nearGuid, almost, fc.uuid(), fc.string()), (value) => {
        expect(isGuid(value)).toBe(pattern.test(value));
      }),
      { numRuns: 5_000 },
    );
  });

  test("describeValue quotes, escapes control characters and cuts long values", () => {
    expect(describeValue("a\u0007b")).toBe('"a\\u0007b"');
    expect(describeValue("x".repeat(100))).toBe(`"${"x".repeat(80)}…"`);
    expect(describeValue(null)).toBe("null");
    expect(describeValue(7)).toBe("number");
  });

  test.each([
    ["Global Administrator", undefined],
    ["", "must be a role display name or role template id (a non-empty string)"],
    ["   ", "must be a role display name or role template id (a non-empty string)"],
    [42, "must be a role display name or role template id (a non-empty string)"],
    ["x".repeat(MAX_ROLE_NAME_LENGTH + 1), `is longer than ${MAX_ROLE_NAME_LENGTH} characters`],
    ["Global\u0000Administrator", "contains control characters"],
  ])("roleNameProblem(%j) is %j", (value, problem) => {
    expect(roleNameProblem(value)).toBe(problem);
  });

  test.each([
    ["alice@contoso.test", undefined],
    ["", "must be a non-empty string"],
    ["alice", 'must contain "@"'],
    ["a@b.c\r\nadmin", "contains control characters"],
    [`${"a".repeat(1100)}@b`, "is longer than 1024 characters"],
  ])("userPrincipalNameProblem(%j) is %j", (value, problem) => {
    expect(userPrincipalNameProblem(value)).toBe(problem);
  });

  test("parseRoleNames and parseAccountInput are the checks the guard applies", () => {
    expect(parseRoleNames(["Global Administrator", "global administrator"])).toEqual([
      "Global Administrator",
    ]);
    expect(parseAccountInput("0A1B2C3D-0000-4000-8000-000000000001")).toEqual({
      id: "0a1b2c3d-0000-4000-8000-000000000001",
    });
  });
});
