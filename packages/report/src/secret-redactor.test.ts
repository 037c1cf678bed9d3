import { describe, expect, it } from "vitest";
import { createSecretRedactor, REDACTED } from "./secret-redactor.js";

const JWT = "eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl";

describe("createSecretRedactor", () => {
  it("removes a JWT wherever it stands, glued to text or URL-encoded quotes included", () => {
    const { redact } = createSecretRedactor();
    for (const text of [JWT, `token=${JWT}`, `%22${JWT}%22`, `token_${JWT}`, `X${JWT}.`]) {
      expect(redact(text)).not.toContain("eyJhbGciOiJub25lIn0");
      expect(redact(text)).toContain(REDACTED);
    }
  });

  it("removes bearer credentials and known secrets in their printed forms, and keeps request ids", () => {
    const requestId = "0f6a3c2e-1d2b-4c5e-9f80-112233445566";
    const { redact, add } = createSecretRedactor(["s3cr3t/value"]);
    add("later-secret");
    const text = `Bearer abc.def; s3cr3t%2Fvalue "later-secret" request-id ${requestId}`;
    expect(redact(text)).toBe(`Bearer ${REDACTED}; ${REDACTED} "${REDACTED}" request-id ${requestId}`);
  });
});
