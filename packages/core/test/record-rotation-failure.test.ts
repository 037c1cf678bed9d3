/** recordRotationFailure: a denial by a unit, a plain 403, anything else, and failure normalization. */
import {
  createRotationGuard,
  describesRestrictedManagementDenial,
  type Logger,
} from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { ALICE, BOB, createFixture, ERIN, keys, TENANT_ID } from "./guard-fixture.js";

const DENIAL_MESSAGE =
  "Insufficient privileges to complete the operation. Target object is a member of a restricted management administrative unit and can only be modified by administrators scoped to that administrative unit. Check that you are assigned a role that has permission to perform the operation for this restricted management administrative unit. Learn more: https://go.microsoft.com/fwlink/?linkid=2197831";
const denial = {
  status: 403,
  code: "Authorization_RequestDenied",
  message: DENIAL_MESSAGE,
  requestId: "req-1",
};
const plain403 = {
  status: 403,
  code: "Authorization_RequestDenied",
  message: "Insufficient privileges to complete the operation.",
};

describe("describesRestrictedManagementDenial", () => {
  test("needs status 403, code Authorization_RequestDenied and the unit named, all three", () => {
    expect(describesRestrictedManagementDenial(denial)).toBe(true);
    expect(
      describesRestrictedManagementDenial({
        status: 403,
        code: "AUTHORIZATION_REQUESTDENIED",
        message: DENIAL_MESSAGE.toUpperCase().replace(/ /g, "\n  "),
      }),
    ).toBe(true);
    expect(describesRestrictedManagementDenial(plain403)).toBe(false);
    expect(describesRestrictedManagementDenial({ ...denial, status: 400 })).toBe(false);
    expect(describesRestrictedManagementDenial({ ...denial, code: "Request_BadRequest" })).toBe(false);
    expect(describesRestrictedManagementDenial({})).toBe(false);
  });

  test("a missing status or code is never a denial, whatever the message says", () => {
    // A host's own error text (a timeout while "verifying" a unit) must not exclude a normal account.
    const hostText = `Could not verify whether the target is in a restricted management administrative unit: timeout`;
    expect(describesRestrictedManagementDenial({ message: hostText })).toBe(false);
    expect(describesRestrictedManagementDenial({ message: DENIAL_MESSAGE })).toBe(false);
    expect(describesRestrictedManagementDenial({ status: 403, message: DENIAL_MESSAGE })).toBe(false);
    expect(
      describesRestrictedManagementDenial({ code: "Authorization_RequestDenied", message: DENIAL_MESSAGE }),
    ).toBe(false);
    expect(describesRestrictedManagementDenial({ ...denial, code: "" })).toBe(false);
  });
});

describe("recordRotationFailure", () => {
  test("a denial by a unit is positive evidence: protected, remembered and excluded in the store", async () => {
    const f = createFixture();
    expect(await f.guard.checkProtection(BOB)).toMatchObject({ status: "not-protected" });
    f.advance(1000);
    const verdict = await f.guard.recordRotationFailure(BOB, denial);
    expect(verdict).toMatchObject({
      status: "protected",
      reasonCode: "rotation-denied-by-unit",
      accountId: BOB,
    });
    expect(verdict.evidence).toEqual([
      {
        kind: "rotation-denied",
        message: expect.stringContaining("restricted management administrative unit"),
        status: 403,
        code: "Authorization_RequestDenied",
        requestId: "req-1",
        observedAt: new Date(f.now()).toISOString(),
      },
    ]);
    expect(f.store.get("bob")).toMatchObject({
      autoRotate: false,
      record: { kind: "exclusion", reasonCode: "rotation-denied-by-unit" },
    });
    // The remembered denial outweighs the older complete snapshot...
    expect(await f.guard.checkProtection(BOB)).toMatchObject({
      status: "protected",
      reasonCode: "rotation-denied-by-unit",
    });
    // ...until a newer complete snapshot shows the account in no unit.
    f.advance(1000);
    const report = await f.guard.excludeFromAutoRotation();
    expect(keys(report.released.newly)).toEqual(["bob"]);
  });

  test("a denial for an account the store knows by UPN only is excluded by UPN", async () => {
    const f = createFixture({
      accounts: [{ key: "bob", userPrincipalName: "Bob@Contoso.test", autoRotate: true }],
    });
    const verdict = await f.guard.recordRotationFailure({ userPrincipalName: "bob@contoso.test" }, denial);
    expect(verdict.status).toBe("protected");
    expect(f.store.get("bob")?.autoRotate).toBe(false);
    expect(await f.guard.isRotationProtected({ userPrincipalName: "bob@contoso.test" })).toBe(true);
  });

  test("normalizes errors: classifyFailure first, then the error's message", async () => {
    const f = createFixture();
    class SdkError extends Error {
      statusCode = 403;
      code = "Authorization_RequestDenied";
      headers = { authorization: "Bearer secret-token" };
    }
    const logged: object[] = [];
    const logger: Logger = {
      debug() {},
      info: (o) => logged.push(o),
      warn: (o) => logged.push(o),
      error: (o) => logged.push(o),
    };
    const guard = createRotationGuard({
      tenantId: TENANT_ID,
      accounts: f.store.store,
      logger,
      directory: {
        ...f.directory.reader,
        classifyFailure: (e) =>
          e instanceof SdkError ? { status: e.statusCode, code: e.code, message: e.message } : undefined,
      },
    });
    expect(await guard.recordRotationFailure(BOB, new SdkError(DENIAL_MESSAGE))).toMatchObject({
      status: "protected",
    });
    // A plain Error carries no status or code: never evidence; ALICE is protected by her own flag.
    expect(await guard.recordRotationFailure(ALICE, new Error(DENIAL_MESSAGE))).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
    });
    expect(JSON.stringify(logged)).not.toContain("secret-token");
  });

  test("a host's own error naming a unit is not evidence: nothing remembered, nothing persisted", async () => {
    const f = createFixture();
    const hostError = new Error(
      "Could not verify whether the target is in a restricted management administrative unit: timeout",
    );
    for (const failure of [hostError, { message: DENIAL_MESSAGE }]) {
      expect(await f.guard.recordRotationFailure(BOB, failure)).toMatchObject({ status: "not-protected" });
    }
    // Graph's code without a status is Graph's refusal, not the triple: a fresh look, nothing remembered.
    expect(
      await f.guard.recordRotationFailure(BOB, { code: denial.code, message: DENIAL_MESSAGE }),
    ).toMatchObject({ status: "unknown", reasonCode: "permission-missing" });
    expect(f.store.writes).toEqual([]);
    expect(f.store.get("bob")?.autoRotate).toBe(true);
    expect(await f.guard.isRotationProtected(BOB)).toBe(false);
  });

  test("a 403 naming a unit but without Graph's code takes the fresh-check path", async () => {
    const f = createFixture();
    const verdict = await f.guard.recordRotationFailure(BOB, { status: 403, message: DENIAL_MESSAGE });
    expect(verdict).toMatchObject({ status: "unknown", reasonCode: "permission-missing" });
    expect(f.directory.calls.checkUsers).toBe(1);
    expect(f.store.writes).toEqual([]);
    expect(await f.guard.checkProtection(BOB)).toMatchObject({ status: "not-protected" });
  });

  test("a host's message never reaches logs or records; Graph's evidence text is capped", async () => {
    const f = createFixture();
    const logged: object[] = [];
    const logger: Logger = {
      debug: (o) => logged.push(o),
      info: (o) => logged.push(o),
      warn: (o) => logged.push(o),
      error: (o) => logged.push(o),
    };
    const guard = createRotationGuard({
      tenantId: TENANT_ID,
      accounts: f.store.store,
      logger,
      directory: f.directory.reader,
    });
    await guard.recordRotationFailure(BOB, { status: 403, message: "new password Summer2026! rejected" });
    await guard.recordRotationFailure(ALICE, { status: 403, message: "new password Winter2026! rejected" });
    expect(JSON.stringify(logged)).not.toMatch(/Summer2026!|Winter2026!/);
    expect(JSON.stringify(f.store.all())).not.toMatch(/Summer2026!|Winter2026!/);

    const long = { ...denial, message: `${DENIAL_MESSAGE} ${"x".repeat(5000)}` };
    const verdict = await guard.recordRotationFailure(ERIN, long);
    const evidence = verdict.evidence.find((e) => e.kind === "rotation-denied");
    expect(evidence?.kind === "rotation-denied" && evidence.message.length).toBeLessThanOrEqual(301);
    expect(evidence?.kind === "rotation-denied" && evidence.message).toContain(
      "restricted management administrative unit",
    );
  });

  test("a denial for a user the snapshot lists as restricted carries the flag as evidence too", async () => {
    const f = createFixture();
    await f.guard.checkProtection(ALICE);
    const verdict = await f.guard.recordRotationFailure(ALICE, denial);
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "rotation-denied-by-unit" });
    expect(verdict.evidence.map((e) => e.kind)).toEqual(["rotation-denied", "restricted-flag"]);
    expect(f.directory.calls.checkUsers).toBe(0);
    expect(f.store.get("alice")?.record?.evidence.map((e) => e.kind)).toEqual([
      "rotation-denied",
      "restricted-flag",
    ]);
  });

  test("a plain 403 on a restricted user: one fresh check, then protected and excluded", async () => {
    const f = createFixture();
    const verdict = await f.guard.recordRotationFailure(ALICE, plain403);
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "restricted-flag" });
    expect(f.directory.calls.checkUsers).toBe(1);
    expect(f.store.get("alice")).toMatchObject({
      autoRotate: false,
      record: { reasonCode: "restricted-flag" },
    });
  });

  test("a plain 403 on an unrestricted user: unknown permission-missing, nothing persisted", async () => {
    const f = createFixture();
    const verdict = await f.guard.recordRotationFailure(BOB, plain403);
    expect(verdict).toMatchObject({ status: "unknown", reasonCode: "permission-missing" });
    expect(verdict.reason).toContain("no restricted management administrative unit");
    expect(f.store.writes).toEqual([]);
    expect(await f.guard.checkProtection(BOB)).toMatchObject({ status: "not-protected" });
  });

  // Graph's refusals that are not the documented-by-nobody triple (403 + Authorization_RequestDenied + the
  // unit named): each earns the fresh check, none is remembered, and only the flag read true excludes.
  test.each([
    [
      "Authorization_RequestDenied with another status",
      {
        status: 400,
        code: "Authorization_RequestDenied",
        message: "Insufficient privileges to complete the operation.",
      },
    ],
    [
      "Authorization_RequestDenied without a status",
      { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
    ],
    [
      "a 403 linking Microsoft's restricted-unit page without naming the unit",
      {
        status: 403,
        code: "Request_Forbidden",
        message: "Access denied. Learn more: https://go.microsoft.com/fwlink/?linkid=2197831",
      },
    ],
  ])("%s: one fresh check; the refusal itself is never remembered", async (_, failure) => {
    const f = createFixture();
    expect(await f.guard.recordRotationFailure(BOB, failure)).toMatchObject({
      status: "unknown",
      reasonCode: "permission-missing",
    });
    expect(f.directory.calls.checkUsers).toBe(1);
    expect(f.store.writes).toEqual([]);
    // Not remembered: the next check decides Bob from the directory alone.
    expect(await f.guard.checkProtection(BOB)).toMatchObject({ status: "not-protected" });
    // On a restricted user the check reads the flag as true: excluded, with the flag as the evidence.
    const verdict = await f.guard.recordRotationFailure(ALICE, failure);
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "restricted-flag" });
    expect(verdict.evidence.map((e) => e.kind)).toEqual(["restricted-flag"]);
    expect(f.store.get("alice")).toMatchObject({
      autoRotate: false,
      record: { reasonCode: "restricted-flag" },
    });
  });

  test("the triple as seen in the wild, with the learn-more link, is the denial", async () => {
    const f = createFixture();
    const verdict = await f.guard.recordRotationFailure(BOB, {
      status: 403,
      code: "Authorization_RequestDenied",
      message:
        "Insufficient privileges to complete the operation. Target object is a member of a restricted management administrative unit and can only be modified by administrators scoped to that administrative unit. Check that you are assigned a role that has permission to perform the operation for this restricted management administrative unit. Learn more: https://go.microsoft.com/fwlink/?linkid=2197831",
    });
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "rotation-denied-by-unit" });
    expect(f.directory.calls.checkUsers).toBe(0);
  });

  test("a fetch-based host's { status, body } is read, with the body as an object or as JSON text", async () => {
    const error = { code: "Authorization_RequestDenied", message: DENIAL_MESSAGE };
    for (const body of [{ error }, JSON.stringify({ error })]) {
      const f = createFixture();
      expect(await f.guard.recordRotationFailure(BOB, { status: 403, body })).toMatchObject({
        status: "protected",
        reasonCode: "rotation-denied-by-unit",
      });
      expect(f.store.get("bob")).toMatchObject({ autoRotate: false });
    }
  });

  test("any other failure returns the current verdict and persists nothing", async () => {
    const f = createFixture();
    expect(await f.guard.recordRotationFailure(BOB, { status: 500, message: "boom" })).toMatchObject({
      status: "not-protected",
    });
    expect(await f.guard.recordRotationFailure(ALICE, "timeout")).toMatchObject({
      status: "protected",
      reasonCode: "restricted-flag",
    });
    expect(f.store.writes).toEqual([]);
  });

  test("a failing store does not lose the verdict: the denial is remembered", async () => {
    const f = createFixture();
    f.store.faults.throwOn.add("bob");
    expect(await f.guard.recordRotationFailure(BOB, denial)).toMatchObject({ status: "protected" });
    expect(await f.guard.isRotationProtected(BOB)).toBe(true);
    f.store.faults.listThrows = true;
    expect(await f.guard.recordRotationFailure(BOB, denial)).toMatchObject({ status: "protected" });
  });

  test("rejects invalid input", async () => {
    const f = createFixture();
    await expect(f.guard.recordRotationFailure("bob", denial)).rejects.toMatchObject({
      code: "invalid-input",
    });
  });
});

describe("recordRotationFailure with a broken account store", () => {
  test("a store listing one object id twice gets no write, yet the account stays protected this cycle", async () => {
    const f = createFixture({
      accounts: [
        { key: "bob", objectId: BOB, autoRotate: true },
        { key: "bob-copy", objectId: BOB.toUpperCase(), autoRotate: true },
      ],
    });
    const verdict = await f.guard.recordRotationFailure(BOB, denial);
    expect(verdict).toMatchObject({ status: "protected", reasonCode: "rotation-denied-by-unit" });
    // Writing to whichever copy came first would leave the other one rotating.
    expect(f.store.writes).toEqual([]);
    expect(await f.guard.isRotationProtected(BOB)).toBe(true);
  });
});
