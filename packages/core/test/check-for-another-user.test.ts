/**
 * A directory whose per-user check answers about a different user than the one asked (a reader bug, a
 * proxy mixing responses) must not decide the asked account: the check counts as a failed bad-response,
 * so the account stays unknown and nothing is written on the other user's word.
 */
import {
  type AccountStore,
  createRotationGuard,
  type DirectoryReader,
  type NewManagedAccount,
} from "@rotation-exclusion/core";
import type { UserCheck } from "@rotation-exclusion/core/ports";
import { describe, expect, test } from "vitest";

const TENANT = "11111111-1111-4111-8111-111111111111";
const X = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const Y = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const ROLE = "62e90394-69f5-4237-9190-012177145e10";

/** A directory whose snapshot is incomplete (throttled) and whose every check answers `answer`. */
function directoryAnswering(answer: UserCheck): DirectoryReader & { checked: number } {
  const directory = {
    checked: 0,
    async readProtectedUsers() {
      return {
        primarySignal: "available" as const,
        users: [],
        complete: false,
        failure: { kind: "throttled" as const, message: "429 on the restricted users read" },
      };
    },
    async readRestrictedUnits() {
      return { units: [], complete: true };
    },
    async checkUsers(refs: readonly unknown[]) {
      directory.checked += refs.length;
      return refs.map(() => answer);
    },
    async readRoleHolders() {
      return {
        role: { id: ROLE, displayName: "Global Administrator" },
        complete: true,
        failures: [],
        others: [],
        users: [
          {
            user: { id: X, userPrincipalName: "x@contoso.test", displayName: null },
            kind: "active" as const,
            via: null,
            directoryScopeId: "/",
            assignmentId: "assignment-x",
          },
        ],
      };
    },
  };
  return directory;
}

const answeredForY = (isManagementRestricted: boolean): UserCheck => ({
  outcome: "found",
  user: { id: Y, userPrincipalName: "y@contoso.test", displayName: null },
  isManagementRestricted,
});

function emptyStore(): AccountStore & { added: NewManagedAccount[] } {
  const added: NewManagedAccount[] = [];
  return {
    added,
    async list() {
      return [];
    },
    async update() {
      throw new Error("no update expected");
    },
    async add(account) {
      added.push(account);
      const { record, ...rest } = account;
      const stored = { ...rest, key: account.objectId, version: "1" };
      return { status: "written", account: record === null ? stored : { ...stored, record } };
    },
  };
}

describe("a per-user check answered for another user", () => {
  test("checkProtection by id stays unknown (bad-response) for the asked id", async () => {
    const guard = createRotationGuard({
      tenantId: TENANT,
      directory: directoryAnswering(answeredForY(false)),
      accounts: emptyStore(),
    });
    const verdict = await guard.checkProtection(X);
    expect(verdict).toMatchObject({ status: "unknown", reasonCode: "bad-response", accountId: X });
  });

  test("checkProtection by UPN stays unknown when the answer names another UPN", async () => {
    const guard = createRotationGuard({
      tenantId: TENANT,
      directory: directoryAnswering(answeredForY(false)),
      accounts: emptyStore(),
    });
    const verdict = await guard.checkProtection({ userPrincipalName: "x@contoso.test" });
    expect(verdict).toMatchObject({ status: "unknown", reasonCode: "bad-response", accountId: null });
  });

  test("a role import never imports X on Y's verdict", async () => {
    const directory = directoryAnswering(answeredForY(false));
    const accounts = emptyStore();
    const guard = createRotationGuard({ tenantId: TENANT, directory, accounts });
    const plan = await guard.planRoleImport({ roles: ["Global Administrator"] });
    expect(directory.checked).toBeGreaterThan(0);
    expect(plan.accounts[0]?.verdict).toMatchObject({
      status: "unknown",
      reasonCode: "bad-response",
      accountId: X,
    });
    await guard.applyRoleImport(plan);
    expect(accounts.added.filter((account) => account.autoRotate)).toEqual([]);
  });

  test("the guard logs the mismatched answer as an error, naming both objects", async () => {
    const errors: unknown[][] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error(...args: unknown[]) {
        errors.push(args);
      },
    };
    const guard = createRotationGuard({
      tenantId: TENANT,
      directory: directoryAnswering(answeredForY(false)),
      accounts: emptyStore(),
      logger,
    });
    await guard.checkProtection(X);
    expect(JSON.stringify(errors)).toMatch(/answered about another/);
    expect(JSON.stringify(errors)).toContain(Y);
  });

  test("an answer for the asked id in upper case is accepted", async () => {
    const directory = directoryAnswering({
      outcome: "found",
      user: { id: X.toUpperCase(), userPrincipalName: "x@contoso.test", displayName: null },
      isManagementRestricted: false,
    });
    const guard = createRotationGuard({ tenantId: TENANT, directory, accounts: emptyStore() });
    expect(await guard.checkProtection(X)).toMatchObject({ status: "not-protected", accountId: X });
  });
});
