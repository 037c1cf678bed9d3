import { describe, expect, it } from "vitest";
import { toDirectoryFailure } from "./directory-failure.js";
import { errorFromResponse } from "./graph-response-error.js";

const context = { what: "Listing protected users", tenantId: "contoso.onmicrosoft.com" };
const body = (code: string, message: string) => ({
  error: { code, message, innerError: { "request-id": "inner-id" } },
});

describe("errorFromResponse and the failure mapping", () => {
  it.each([
    [429, "TooManyRequests", "throttled", "throttled"],
    [401, "InvalidAuthenticationToken", "unauthorized", "authentication-failed"],
    [403, "Authorization_RequestDenied", "forbidden", "permission-missing"],
    [404, "Request_ResourceNotFound", "not-found", "not-found"],
    [400, "Request_BadRequest", "bad-request", "unavailable"],
    [503, "serviceNotAvailable", "server-error", "unavailable"],
    [504, "UnknownError", "server-error", "unavailable"],
  ] as const)("maps HTTP %i to %s / %s", (status, graphCode, code, kind) => {
    const error = errorFromResponse(
      status,
      new Headers({ "request-id": "hdr-id" }),
      JSON.stringify(body(graphCode, "m")),
      context,
    );
    expect(error.code).toBe(code);
    expect(error.graphCode).toBe(graphCode);
    expect(error.requestId).toBe("hdr-id");
    expect(error.message).toContain("contoso.onmicrosoft.com");
    expect(error.message).toContain(`HTTP ${status}`);
    expect(toDirectoryFailure(error)).toMatchObject({ kind, status, code: graphCode, requestId: "hdr-id" });
  });

  it("recognizes a restricted-unit denial and reads Retry-After and ids from a $batch item's plain headers", () => {
    const denial = errorFromResponse(
      403,
      { "Retry-After": "1" },
      body(
        "Authorization_RequestDenied",
        "Target object is a member of a restricted management administrative unit.",
      ),
      context,
    );
    expect(denial.code).toBe("restricted-management-denied");
    expect(denial.retryAfterMs).toBe(1000);
    expect(denial.requestId).toBe("inner-id");
  });

  it("takes the request id from the request-id header, else the body, never the echoed client-request-id", () => {
    const echoed = new Headers({ "client-request-id": "our-own-id" });
    const fromBody = errorFromResponse(500, echoed, JSON.stringify(body("", "m")), context);
    expect(fromBody.requestId).toBe("inner-id");
    const none = errorFromResponse(500, echoed, "not json", context);
    expect(none.requestId).toBeUndefined();
    const legacy = errorFromResponse(
      400,
      undefined,
      { "odata.error": { code: "Request_BadRequest", message: { value: "Bad filter" } } },
      context,
    );
    expect(legacy).toMatchObject({
      code: "bad-request",
      graphCode: "Request_BadRequest",
      graphMessage: "Bad filter",
    });
  });

  it("survives a body that is not Graph's error shape", () => {
    const error = errorFromResponse(502, undefined, "<html>bad gateway</html>", context);
    expect(error).toMatchObject({ code: "server-error", status: 502, graphCode: undefined });
  });
});
