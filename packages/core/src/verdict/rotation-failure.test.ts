import { describe, expect, it } from "vitest";
import { normalizeRotationFailure } from "./rotation-failure.js";

describe("normalizeRotationFailure", () => {
  it("reads plain { status, code, message } objects", () => {
    expect(
      normalizeRotationFailure({ status: 403, code: "Authorization_RequestDenied", message: "denied" }),
    ).toEqual({
      status: 403,
      code: "Authorization_RequestDenied",
      message: "denied",
    });
  });

  it("reads Graph SDK-style errors and Graph error bodies", () => {
    const sdkError = Object.assign(new Error("Insufficient privileges"), {
      statusCode: 403,
      code: "Authorization_RequestDenied",
      requestId: "req-1",
    });
    expect(normalizeRotationFailure(sdkError)).toEqual({
      status: 403,
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges",
      requestId: "req-1",
    });
    const body = JSON.stringify({
      error: {
        code: "Request_BadRequest",
        message: "restricted unit",
        innerError: { "request-id": "req-2" },
      },
    });
    expect(normalizeRotationFailure({ response: { status: 400 }, body })).toEqual({
      status: 400,
      code: "Request_BadRequest",
      message: "restricted unit",
      requestId: "req-2",
    });
  });

  it("answers undefined for values that carry nothing", () => {
    for (const value of [undefined, null, 42, "boom", {}, { status: "403" }]) {
      expect(normalizeRotationFailure(value)).toBeUndefined();
    }
  });

  it("reads a fetch-based client's { status, body } with the body as an object or as JSON text", () => {
    const error = { code: "Authorization_RequestDenied", message: "Insufficient privileges." };
    for (const body of [{ error }, JSON.stringify({ error })]) {
      expect(normalizeRotationFailure({ status: 403, body })).toEqual({ status: 403, ...error });
    }
  });

  it("reads the request id from headers, a Headers object included", () => {
    expect(
      normalizeRotationFailure({ status: 503, headers: new Headers({ "request-id": "req-3" }) }),
    ).toEqual({
      status: 503,
      requestId: "req-3",
    });
  });

  it("never throws, even on hostile getters", () => {
    const hostile = Object.defineProperty({}, "status", {
      get() {
        throw new Error("boom");
      },
    });
    expect(normalizeRotationFailure(hostile)).toBeUndefined();
  });
});
