/**
 * Hostile input to every public function of core: each is refused with a typed error that names the bad
 * value, and nothing is read from the directory or written to the store.
 */
import {
  type AccountStore,
  createRotationGuard,
  isRotationExclusionError,
  type ManagedAccount,
  type RotationExclusionErrorCode,
  type RotationGuardOptions,
} from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { ALICE, BOB, createFixture, TENANT_ID } from "./guard-fixture.js";

async function refusal(run: () => unknown): Promise<{ code: RotationExclusionErrorCode; message: string }> {
  try {
    await run();
  } catch (error) {
    if (!isRotationExclusionError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error("expected a RotationExclusionError, but the call succeeded");
}

function untouched(f: ReturnType<typeof createFixture>): void {
  expect(
    f.directory.calls.protectedUsers + f.directory.calls.restrictedUnits + f.directory.calls.checkUsers,
  ).toBe(0);
  expect(f.store.writes).toEqual([]);
  expect(f.store.adds).toEqual([]);
}

const HOSTILE_IDS: readonly [unknown, RegExp][] = [
  ["", /account "" is neither an Entra object id \(a GUID\) nor a user principal name/],
  ["not-a-guid", /account "not-a-guid" is neither an Entra object id/],
  ["' or 1 eq 1", /account "' or 1 eq 1" is neither an Entra object id/],
  [`${ALICE}' or 1 eq 1`, /is neither an Entra object id/],
  [`${ALICE}/../..`, /is neither an Entra object id/],
  ["a\r\n@contoso.test", /is neither an Entra object id/],
  [42, /account number must be/],
  [-1, /account number must be/],
  [Number.MAX_VALUE, /account number must be/],
  [null, /account null must be/],
  [{}, /account must name an id or a userPrincipalName/],
  [{ id: "' or 1 eq 1" }, /account id "' or 1 eq 1"/],
  [{ userPrincipalName: "' or 1 eq 1" }, /userPrincipalName "' or 1 eq 1" must contain "@"/],
  [{ userPrincipalName: "" }, /userPrincipalName "" must be a non-empty string/],
  [
    { userPrincipalName: "a@b.c\r\nadmin" },
    /userPrincipalName "a@b.c\\r\\nadmin" contains control characters/,
  ],
  [
    { userPrincipalName: `${"x".repeat(2000)}@contoso.test` },
    /userPrincipalName "x{80}…" is longer than 1024 characters/,
  ],
  [{ userPrincipalName: 7 }, /userPrincipalName number must be a non-empty string/],
];

describe("hostile account input", () => {
  test.each(
    HOSTILE_IDS.map(([input, message]) => [JSON.stringify(input)?.slice(0, 60), input, message] as const),
  )(
    "%s is refused by every check, naming the value, with no reads or writes",
    async (_label, input, message) => {
      const f = createFixture();
      const account = input as never;
      for (const call of [
        () => f.guard.checkProtection(account),
        () => f.guard.isRotationProtected(account),
        () => f.guard.recordRotationFailure(account, { status: 403 }),
      ]) {
        const error = await refusal(call);
        expect(error.code).toBe("invalid-input");
        expect(error.message).toMatch(message);
      }
      untouched(f);
    },
  );

  test("a UPN with quotes and OData operators is a name, passed on verbatim, never a query", async () => {
    const f = createFixture();
    const upn = "o'brien' or 1 eq 1@contoso.test";
    const verdict = await f.guard.checkProtection({ userPrincipalName: upn });
    // The fake directory does not know the user: the verdict is unknown, never protected or not-protected.
    expect(verdict.status).toBe("unknown");
    expect(verdict.userPrincipalName).toBe(upn);
  });
});

describe("hostile guard options", () => {
  const base = (): RotationGuardOptions => {
    const f = createFixture();
    return { tenantId: TENANT_ID, directory: f.directory.reader, accounts: f.store.store };
  };

  test.each([
    [{ tenantId: "" }, /tenantId must be the tenant's id \(a GUID\) \(got ""\)/],
    [{ tenantId: "contoso.onmicrosoft.com' or 1 eq 1" }, /\(got "contoso.onmicrosoft.com' or 1 eq 1"\)/],
    [{ snapshotMaxAgeMs: -1 }, /snapshotMaxAgeMs must be a finite number of milliseconds >= 0 \(got -1\)/],
    [{ snapshotMaxAgeMs: Number.POSITIVE_INFINITY }, /snapshotMaxAgeMs .* \(got Infinity\)/],
    [{ unitEvidenceMaxAgeMs: Number.NaN }, /unitEvidenceMaxAgeMs .* \(got NaN\)/],
    [{ writeConcurrency: 0 }, /writeConcurrency must be an integer >= 1 \(got 0\)/],
    [
      { writeConcurrency: Number.POSITIVE_INFINITY },
      /writeConcurrency must be an integer >= 1 \(got Infinity\)/,
    ],
    [{ writeConcurrency: 2.5 }, /\(got 2.5\)/],
    [{ restoreReleased: "yes" }, /restoreReleased must be a boolean \(got "yes"\)/],
    [{ directory: {} }, /directory must implement readProtectedUsers/],
    [{ accounts: { list: () => [] } }, /accounts must implement list and update/],
    [{ logger: console.log }, /logger must have debug, info, warn and error/],
  ] as const)("%j is refused as invalid-options", async (override, message) => {
    const error = await refusal(() => createRotationGuard({ ...base(), ...(override as object) }));
    expect(error.code).toBe("invalid-options");
    expect(error.message).toMatch(message);
  });
});

describe("hostile role import input", () => {
  test.each([
    [[], /roles must be a non-empty array/],
    [[""], /roles\[0\] "" must be a role display name/],
    [["Global Administrator", 42], /roles\[1\] number must be/],
    [["x".repeat(300)], /roles\[0\] "x{80}…" is longer than 256 characters/],
    [["Global\u0000Administrator"], /roles\[0\] "Global\\u0000Administrator" contains control characters/],
  ])("roles %# are refused, naming the value, before any read", async (roles, message) => {
    const f = createFixture();
    const error = await refusal(() => f.guard.planRoleImport({ roles: roles as string[] }));
    expect(error).toMatchObject({ code: "invalid-input" });
    expect(error.message).toMatch(message);
    expect(f.directory.calls.roleHolders).toEqual([]);
  });

  test("a role name with quotes reaches the directory verbatim, as a name", async () => {
    const f = createFixture();
    const role = "Tier 0 ' or 1 eq 1 Administrator";
    const plan = await f.guard.planRoleImport({ roles: [role] });
    expect(f.directory.calls.roleHolders).toEqual([role]);
    expect(plan.accounts).toEqual([]);
  });

  test("a plan that is not a plan, or is another tenant's, writes nothing", async () => {
    const f = createFixture();
    const garbage = await refusal(() => f.guard.applyRoleImport({} as never));
    expect(garbage.code).toBe("invalid-input");
    const plan = await f.guard.planRoleImport({ roles: ["Global Administrator"] });
    const other = await refusal(() =>
      f.guard.applyRoleImport({ ...plan, tenantId: "99999999-9999-4999-8999-999999999999" }),
    );
    expect(other.code).toBe("invalid-input");
    expect(other.message).toMatch(/99999999-9999-4999-8999-999999999999/);
    expect(f.store.writes).toEqual([]);
    expect(f.store.adds).toEqual([]);
  });
});

describe("hostile account stores", () => {
  const account = (key: string, objectId: string | undefined, autoRotate = true) =>
    ({ key, objectId, autoRotate, version: "1" }) as ManagedAccount;

  function storeListing(listed: unknown): AccountStore & { writes: number } {
    const store = {
      writes: 0,
      list: async () => listed as readonly ManagedAccount[],
      update: async () => {
        store.writes += 1;
        throw new Error("must not be called");
      },
      add: async () => {
        store.writes += 1;
        throw new Error("must not be called");
      },
    };
    return store;
  }

  test.each([
    [[account("alice", ALICE), account("alice", BOB)], /listed key "alice" twice/],
    [
      [account("a", ALICE), account("b", ALICE.toUpperCase())],
      /listed object id .* twice \(keys "a" and "b"\)/,
    ],
    [{ accounts: [] }, /listed object instead of an array of accounts/],
    [[null], /listed null at index 0/],
    [[{ objectId: ALICE, autoRotate: true, version: "1" }], /listed an account without a key at index 0/],
    [
      [{ key: "alice", objectId: ALICE, autoRotate: "true", version: "1" }],
      /account "alice" without a boolean autoRotate/,
    ],
    [
      [{ key: "alice", objectId: 42, autoRotate: true, version: "1" }],
      /account "alice" with a non-string objectId/,
    ],
  ])(
    "a store listing %j fails the run as store-failed, naming the entry, and writes nothing",
    async (listed, message) => {
      const f = createFixture();
      const store = storeListing(listed);
      const guard = createRotationGuard({
        tenantId: TENANT_ID,
        directory: f.directory.reader,
        accounts: store,
      });
      for (const run of [
        () => guard.excludeFromAutoRotation(),
        async () => guard.applyRoleImport(await guard.planRoleImport({ roles: ["Global Administrator"] })),
      ]) {
        const error = await refusal(run);
        expect(error.code).toBe("store-failed");
        expect(error.message).toMatch(message);
        expect(error.message).toMatch(/nothing was changed/);
      }
      expect(store.writes).toBe(0);
    },
  );

  test("a store whose list throws fails the run as store-failed and writes nothing", async () => {
    const f = createFixture();
    f.store.faults.listThrows = true;
    const error = await refusal(() => f.guard.excludeFromAutoRotation());
    expect(error.code).toBe("store-failed");
    expect(f.store.writes).toEqual([]);
  });
});
