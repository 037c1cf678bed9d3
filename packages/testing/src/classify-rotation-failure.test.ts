import {
  classifyRotationFailure,
  createInMemoryDirectory,
  emergencyAccessTenant,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

describe("classifyRotationFailure", () => {
  it("reads plain { status, code, message } objects", () => {
    expect(
      classifyRotationFailure({ status: 403, code: "Authorization_RequestDenied", message: "denied" }),
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
    expect(classifyRotationFailure(sdkError)).toEqual({
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
    expect(classifyRotationFailure({ response: { status: 400 }, body })).toEqual({
      status: 400,
      code: "Request_BadRequest",
      message: "restricted unit",
      requestId: "req-2",
    });
  });

  it("answers undefined for values that carry nothing", () => {
    for (const value of [undefined, null, 42, "boom", {}, { status: "403" }]) {
      expect(classifyRotationFailure(value)).toBeUndefined();
    }
  });

  it("is the in-memory directory's classifyFailure", () => {
    const directory = createInMemoryDirectory(emergencyAccessTenant().tenant);
    expect(directory.classifyFailure({ statusCode: 404 })).toEqual({ status: 404 });
  });
});
