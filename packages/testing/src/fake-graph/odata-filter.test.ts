import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesFilter, parseFilter, pinnedValues } from "./odata-filter.js";

const CAPS = { userPrincipalName: ["eq", "in", "startsWith"], isManagementRestricted: ["eq"] } as const;
const KNOWN = new Set(["userPrincipalName", "isManagementRestricted", "displayName"]);

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

describe("parseFilter", () => {
  it("reads any string literal back exactly when it is quoted the OData way", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parseFilter(`userPrincipalName eq ${quote(value)}`, CAPS, KNOWN);
        expect(parsed).toEqual({ op: "eq", property: "userPrincipalName", value });
      }),
    );
  });

  it("never lets a hostile literal change the expression: it matches only itself", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, other) => {
        const parsed = parseFilter(`userPrincipalName eq ${quote(value)}`, CAPS, KNOWN);
        if ("kind" in parsed) throw new Error("parse failed");
        expect(matchesFilter(parsed, { userPrincipalName: other })).toBe(
          value.toLowerCase() === other.toLowerCase(),
        );
      }),
    );
  });

  it("parses in-lists, startsWith, and/or with parentheses", () => {
    const parsed = parseFilter(
      "(userPrincipalName in ('a@x', 'b@x') or startsWith(userPrincipalName, 'c')) and isManagementRestricted eq true",
      CAPS,
      KNOWN,
    );
    if ("kind" in parsed) throw new Error("parse failed");
    expect(matchesFilter(parsed, { userPrincipalName: "B@X", isManagementRestricted: true })).toBe(true);
    expect(matchesFilter(parsed, { userPrincipalName: "cat", isManagementRestricted: null })).toBe(false);
    expect(pinnedValues(parsed, "userPrincipalName")).toEqual(["a@x", "b@x"]);
  });

  it("tells unknown properties, unsupported operators and syntax errors apart", () => {
    expect(parseFilter("shoeSize eq 1", CAPS, KNOWN)).toEqual({
      kind: "unknown-property",
      property: "shoeSize",
    });
    expect(parseFilter("displayName eq 'x'", CAPS, KNOWN)).toEqual({
      kind: "unsupported",
      property: "displayName",
    });
    expect(parseFilter("isManagementRestricted ne true", CAPS, KNOWN)).toEqual({
      kind: "unsupported",
      property: "isManagementRestricted",
    });
    expect(parseFilter("userPrincipalName eq 'open", CAPS, KNOWN)).toMatchObject({ kind: "syntax" });
    expect(parseFilter("userPrincipalName eq 'a' extra", CAPS, KNOWN)).toMatchObject({ kind: "syntax" });
  });

  it("treats null as Graph does: eq false does not match an unset (null) flag", () => {
    const isFalse = parseFilter("isManagementRestricted eq false", CAPS, KNOWN);
    if ("kind" in isFalse) throw new Error("parse failed");
    expect(matchesFilter(isFalse, { isManagementRestricted: null })).toBe(false);
  });
});
