import { describe, expect, it } from "vitest";
import { parseGraphErrorBody } from "./graph-error-body.js";

describe("parseGraphErrorBody", () => {
  it("reads Graph's documented shape, as text or parsed", () => {
    const body = {
      error: { code: "Request_ResourceNotFound", message: "gone", innerError: { "request-id": "rid-1" } },
    };
    const expected = { code: "Request_ResourceNotFound", message: "gone", requestId: "rid-1" };
    expect(parseGraphErrorBody(body)).toEqual(expected);
    expect(parseGraphErrorBody(JSON.stringify(body))).toEqual(expected);
  });

  it("falls back to the innermost non-empty innerError code when error.code is empty", () => {
    const body = {
      error: {
        code: "",
        message: "Please retry again later.",
        innerError: {
          code: "429",
          "request-id": "outer-rid",
          innerError: { code: "TooManyRequests", innerError: { code: "" } },
        },
      },
    };
    expect(parseGraphErrorBody(body)).toEqual({
      code: "TooManyRequests",
      message: "Please retry again later.",
      requestId: "outer-rid",
    });
  });

  it("keeps a non-empty top-level code over inner codes, and reads the OData spelling innererror", () => {
    expect(parseGraphErrorBody({ error: { code: "Top", innerError: { code: "Inner" } } }).code).toBe("Top");
    expect(parseGraphErrorBody({ error: { code: " ", innererror: { code: "Inner" } } }).code).toBe("Inner");
  });

  it("reads legacy odata.error bodies with message as { value }", () => {
    const body = { "odata.error": { code: "Request_BadRequest", message: { lang: "en", value: "bad" } } };
    expect(parseGraphErrorBody(body)).toEqual({
      code: "Request_BadRequest",
      message: "bad",
      requestId: undefined,
    });
    expect(parseGraphErrorBody({ error: { code: "X", message: { message: "nested" } } }).message).toBe(
      "nested",
    );
  });

  it("accepts the bare inner error object only when asked (the SDK's GraphError body)", () => {
    const bare = JSON.stringify({ code: "Authorization_RequestDenied", message: "denied" });
    expect(parseGraphErrorBody(bare).code).toBeUndefined();
    expect(parseGraphErrorBody(bare, { bareErrorObject: true })).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "denied",
    });
  });

  it("bounds messages and never throws on junk, cycles or hostile getters", () => {
    expect(parseGraphErrorBody({ error: { code: "X", message: "m".repeat(10_000) } }).message).toHaveLength(
      500,
    );
    const cyclic: Record<string, unknown> = { code: "" };
    cyclic.innerError = cyclic;
    expect(parseGraphErrorBody({ error: cyclic }).code).toBeUndefined();
    const hostile = Object.defineProperty({}, "error", {
      get() {
        throw new Error("boom");
      },
    });
    for (const junk of [undefined, null, 42, "<html>", "[]", { error: "x" }, hostile]) {
      expect(parseGraphErrorBody(junk)).toEqual({
        code: undefined,
        message: undefined,
        requestId: undefined,
      });
    }
  });
});
