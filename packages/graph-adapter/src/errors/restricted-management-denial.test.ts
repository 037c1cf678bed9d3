import { GraphError } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { createGraphDirectoryError } from "./graph-directory-error.js";
import { isRestrictedManagementDenial, normalizeGraphFailure } from "./restricted-management-denial.js";

const DENIAL =
  "Insufficient privileges to complete the operation. Target object is a member of a restricted management " +
  "administrative unit and can only be modified by administrators scoped to that administrative unit.";
const PLAIN = "Insufficient privileges to complete the operation.";

function sdkError(status: number, code: string, message: string): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  error.requestId = "req-1";
  error.body = JSON.stringify({ code, message, innerError: { "request-id": "req-1" } });
  return error;
}

describe("isRestrictedManagementDenial", () => {
  it("recognizes the SDK's GraphError for a restricted-unit denial", () => {
    expect(isRestrictedManagementDenial(sdkError(403, "Authorization_RequestDenied", DENIAL))).toBe(true);
  });

  it("recognizes a raw Graph error body with its status and a plain object", () => {
    const raw = { error: { code: "Authorization_RequestDenied", message: DENIAL } };
    expect(isRestrictedManagementDenial({ status: 403, ...raw })).toBe(true);
    // Without a status the body alone is never evidence (core's rule: 403 and the code and the unit).
    expect(isRestrictedManagementDenial(raw)).toBe(false);
    expect(
      isRestrictedManagementDenial({ status: 403, code: "Authorization_RequestDenied", message: DENIAL }),
    ).toBe(true);
    // Graph may reflow the message.
    const reflowed = DENIAL.replace("restricted management", "restricted\n  management");
    expect(
      isRestrictedManagementDenial({ status: 403, code: "Authorization_RequestDenied", message: reflowed }),
    ).toBe(true);
  });

  it("recognizes a fetch-based host's { status, body }, the body as an object or as JSON text", () => {
    const error = { code: "Authorization_RequestDenied", message: DENIAL };
    expect(isRestrictedManagementDenial({ status: 403, body: { error } })).toBe(true);
    expect(isRestrictedManagementDenial({ status: 403, body: JSON.stringify({ error }) })).toBe(true);
    expect(
      isRestrictedManagementDenial({
        status: 403,
        body: JSON.stringify({ error: { ...error, message: PLAIN } }),
      }),
    ).toBe(false);
    expect(isRestrictedManagementDenial({ status: 400, body: { error } })).toBe(false);
  });

  it("recognizes our own errors", () => {
    const error = createGraphDirectoryError("forbidden", "x", {
      status: 403,
      graphCode: "Authorization_RequestDenied",
      graphMessage: DENIAL,
    });
    expect(isRestrictedManagementDenial(error)).toBe(true);
    expect(isRestrictedManagementDenial(createGraphDirectoryError("restricted-management-denied", "x"))).toBe(
      true,
    );
  });

  it("is false for a plain Authorization_RequestDenied, other statuses and codes, and junk", () => {
    expect(isRestrictedManagementDenial(sdkError(403, "Authorization_RequestDenied", PLAIN))).toBe(false);
    expect(
      isRestrictedManagementDenial({ status: 500, code: "Authorization_RequestDenied", message: DENIAL }),
    ).toBe(false);
    expect(isRestrictedManagementDenial({ status: 403, code: "Request_BadRequest", message: DENIAL })).toBe(
      false,
    );
    expect(isRestrictedManagementDenial({ status: 403, message: DENIAL })).toBe(false);
    for (const junk of [undefined, null, 42, "403", new Error(DENIAL), { error: "x" }]) {
      expect(isRestrictedManagementDenial(junk)).toBe(false);
    }
    const hostile = Object.defineProperty({}, "statusCode", {
      get() {
        throw new Error("boom");
      },
    });
    expect(isRestrictedManagementDenial(hostile)).toBe(false);
  });
});

describe("normalizeGraphFailure", () => {
  it("extracts status, code, message and request id from the SDK's GraphError", () => {
    expect(normalizeGraphFailure(sdkError(403, "Authorization_RequestDenied", DENIAL))).toEqual({
      status: 403,
      code: "Authorization_RequestDenied",
      message: DENIAL,
      requestId: "req-1",
    });
  });

  it("returns undefined for values without any failure detail", () => {
    expect(normalizeGraphFailure({})).toBeUndefined();
    expect(normalizeGraphFailure("boom")).toBeUndefined();
  });
});
