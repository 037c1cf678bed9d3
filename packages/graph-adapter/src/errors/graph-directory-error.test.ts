import { describe, expect, it } from "vitest";
import {
  createGraphDirectoryError,
  GRAPH_DIRECTORY_ERROR_CODES,
  isGraphDirectoryError,
} from "./graph-directory-error.js";

describe("GraphDirectoryError", () => {
  it("carries code, status, Graph details and cause", () => {
    const cause = new Error("socket hang up");
    const error = createGraphDirectoryError("throttled", "Listing users on tenant t failed", {
      cause,
      status: 429,
      graphCode: "TooManyRequests",
      requestId: "r1",
      retryAfterMs: 200,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("GraphDirectoryError");
    expect(error).toMatchObject({
      code: "throttled",
      status: 429,
      graphCode: "TooManyRequests",
      requestId: "r1",
    });
    expect(error.cause).toBe(cause);
    expect(isGraphDirectoryError(error)).toBe(true);
  });

  it("is recognized across package copies by its registry brand, and only then", () => {
    const foreign = Object.assign(new Error("x"), { code: "throttled" });
    expect(isGraphDirectoryError(foreign)).toBe(false);
    Object.defineProperty(foreign, Symbol.for("@rotation-exclusion/graph-adapter/GraphDirectoryError"), {
      value: true,
    });
    expect(isGraphDirectoryError(foreign)).toBe(true);
    expect(
      isGraphDirectoryError({
        code: "nope",
        [Symbol.for("@rotation-exclusion/graph-adapter/GraphDirectoryError")]: true,
      }),
    ).toBe(false);
    expect(GRAPH_DIRECTORY_ERROR_CODES).toContain("invalid-options");
  });
});
