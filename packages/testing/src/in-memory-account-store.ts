/**
 * An {@link AccountStore} in memory with compare-and-set (versions are strings of a counter), injectable
 * write failures and operator conflicts, and a log of every attempted write, so tests can assert what
 * core persisted and, just as important, what it did not.
 */
import type {
  AccountStore,
  AccountWrite,
  AccountWriteResult,
  AutoRotateRecord,
  ManagedAccount,
  NewManagedAccount,
} from "@rotation-exclusion/core";
import type { ReadOptions } from "@rotation-exclusion/core/ports";
import type { TenantModel } from "./tenant-model.js";
import { createTestingError } from "./testing-error.js";

/** An account to seed the store with; the store assigns the version. */
export interface InitialManagedAccount {
  /** Default: the object id. */
  readonly key?: string;
  readonly objectId?: string;
  readonly userPrincipalName?: string;
  readonly autoRotate: boolean;
  readonly record?: AutoRotateRecord;
}

/** A store call set up to throw. */
export interface AccountStoreFailure {
  /** Which calls: `write` (update and add, the default), `update`, `add` or `list`. */
  readonly operation?: "write" | "update" | "add" | "list";
  /** Only calls for these keys (update) or object ids (add). Default: any. */
  readonly keys?: readonly string[];
  /** Start at the Nth matching call (1-based). Default 1. */
  readonly onCall?: number;
  /** How many matching calls fail from then on. Default 1; `Infinity` for always. */
  readonly times?: number;
  /** What to throw. Default: a `TestingError` with code `injected-failure`. */
  readonly error?: unknown;
}

/** An operator edit of one account, as {@link InMemoryAccountStore.operatorChange} applies it. */
export interface OperatorChange {
  readonly autoRotate?: boolean;
  readonly record?: AutoRotateRecord | null;
}

/** An operator changing an account between core's `list` and its `update`: the update then conflicts. */
export interface InjectedConflict {
  readonly key: string;
  /** How many updates of the key meet a fresh operator change. Default 1. */
  readonly times?: number;
  /** What the operator changes (the version always moves). Default: nothing else. */
  readonly change?: OperatorChange;
}

/** One attempted write, with its result. */
export type AccountWriteLogEntry = {
  /** 1-based order among all attempted writes. */
  readonly sequence: number;
  /** The account key (update) or object id (add). */
  readonly key: string;
  readonly result: "written" | "conflict" | "failed";
  /** The version after a successful write. */
  readonly version?: string;
  /** What was thrown, for `failed`. */
  readonly error?: unknown;
} & (
  | { readonly operation: "update"; readonly write: AccountWrite }
  | { readonly operation: "add"; readonly account: NewManagedAccount }
);

/** Options of {@link createInMemoryAccountStore}. */
export interface InMemoryAccountStoreOptions {
  readonly failures?: readonly AccountStoreFailure[];
  readonly conflicts?: readonly InjectedConflict[];
}

/** The in-memory store: the port (with `add`) plus helpers for tests. All reads return plain copies. */
export interface InMemoryAccountStore extends AccountStore {
  add(account: NewManagedAccount, options?: ReadOptions): Promise<AccountWriteResult>;
  get(key: string): ManagedAccount | undefined;
  /** Every account, in insertion order. */
  snapshot(): ManagedAccount[];
  /** Every attempted write so far, oldest first. */
  writeLog(): AccountWriteLogEntry[];
  failWrites(failure: AccountStoreFailure): void;
  injectConflict(conflict: InjectedConflict): void;
  /** Applies an operator's edit now (the version moves) and returns the new account. */
  operatorChange(key: string, change: OperatorChange): ManagedAccount;
}

const DEFAULT_OPTIONS = { failures: [], conflicts: [] } satisfies Required<InMemoryAccountStoreOptions>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Creates an in-memory account store.
 *
 * @example
 * const { tenant, ids } = emergencyAccessTenant();
 * const store = createInMemoryAccountStore(managedAccountsFor(tenant, [ids.breakGlass1, ids.activeAdmin]), {
 *   conflicts: [{ key: ids.breakGlass1, change: { autoRotate: false } }],
 * });
 */
export function createInMemoryAccountStore(
  initial: readonly InitialManagedAccount[] = [],
  options: InMemoryAccountStoreOptions = {},
): InMemoryAccountStore {
  const accounts = new Map<string, Mutable<ManagedAccount>>();
  const log: AccountWriteLogEntry[] = [];
  const failures = (options.failures ?? DEFAULT_OPTIONS.failures).map(armFailure);
  const conflicts = (options.conflicts ?? DEFAULT_OPTIONS.conflicts).map((conflict) => ({
    conflict,
    remaining: conflict.times ?? 1,
  }));
  let versionCounter = 0;
  const nextVersion = () => String(++versionCounter);

  for (const seed of initial) {
    const key = seed.key ?? seed.objectId;
    if (key === undefined) {
      throw createTestingError("invalid-argument", "An initial account needs a key or an object id.");
    }
    if (accounts.has(key))
      throw createTestingError("duplicate-object", `Two initial accounts share the key ${key}.`);
    accounts.set(key, {
      key,
      objectId: seed.objectId,
      userPrincipalName: seed.userPrincipalName,
      autoRotate: seed.autoRotate,
      record: seed.record,
      version: nextVersion(),
    });
  }

  function throwIfFailing(
    operation: "update" | "add" | "list",
    key: string | undefined,
    sequence: number,
  ): void {
    for (const armed of failures) {
      const { failure } = armed;
      const wanted = failure.operation ?? "write";
      if (wanted !== operation && !(wanted === "write" && operation !== "list")) continue;
      if (failure.keys && (key === undefined || !failure.keys.includes(key))) continue;
      armed.calls += 1;
      if (armed.calls < (failure.onCall ?? 1) || armed.remaining <= 0) continue;
      armed.remaining -= 1;
      throw (
        failure.error ??
        createTestingError(
          "injected-failure",
          `Account store ${operation} of ${key ?? "all accounts"} failed (injected, call ${sequence}).`,
        )
      );
    }
  }

  function applyOperatorChange(account: Mutable<ManagedAccount>, change: OperatorChange): void {
    if (change.autoRotate !== undefined) account.autoRotate = change.autoRotate;
    if (change.record !== undefined) account.record = change.record ?? undefined;
    account.version = nextVersion();
  }

  function logged(entry: AccountWriteLogEntry): void {
    log.push(copyEntry(entry));
  }

  const store: InMemoryAccountStore = {
    async list(readOptions: ReadOptions = {}) {
      readOptions.signal?.throwIfAborted();
      throwIfFailing("list", undefined, 0);
      return store.snapshot();
    },

    async update(key, write, readOptions: ReadOptions = {}) {
      readOptions.signal?.throwIfAborted();
      const sequence = log.length + 1;
      try {
        throwIfFailing("update", key, sequence);
      } catch (error) {
        logged({ sequence, operation: "update", key, write, result: "failed", error });
        throw error;
      }
      const account = accounts.get(key);
      const pending = conflicts.find((entry) => entry.conflict.key === key && entry.remaining > 0);
      if (account && pending) {
        pending.remaining -= 1;
        applyOperatorChange(account, pending.conflict.change ?? {});
      }
      if (!account || account.version !== write.expectedVersion) {
        logged({ sequence, operation: "update", key, write, result: "conflict" });
        return { status: "conflict", current: account ? structuredClone(account) : undefined };
      }
      account.autoRotate = write.autoRotate;
      account.record = write.record ?? undefined;
      account.version = nextVersion();
      logged({ sequence, operation: "update", key, write, result: "written", version: account.version });
      return { status: "written", account: structuredClone(account) };
    },

    async add(newAccount, readOptions: ReadOptions = {}) {
      readOptions.signal?.throwIfAborted();
      const sequence = log.length + 1;
      const key = newAccount.objectId;
      try {
        throwIfFailing("add", key, sequence);
      } catch (error) {
        logged({ sequence, operation: "add", key, account: newAccount, result: "failed", error });
        throw error;
      }
      const wanted = key.toLowerCase();
      const existing = [...accounts.values()].find(
        (account) => account.objectId?.toLowerCase() === wanted || account.key === key,
      );
      if (existing) {
        logged({ sequence, operation: "add", key, account: newAccount, result: "conflict" });
        return { status: "conflict", current: structuredClone(existing) };
      }
      const account: Mutable<ManagedAccount> = {
        key,
        objectId: newAccount.objectId,
        userPrincipalName: newAccount.userPrincipalName,
        autoRotate: newAccount.autoRotate,
        record: newAccount.record ?? undefined,
        version: nextVersion(),
      };
      accounts.set(key, account);
      logged({
        sequence,
        operation: "add",
        key,
        account: newAccount,
        result: "written",
        version: account.version,
      });
      return { status: "written", account: structuredClone(account) };
    },

    get: (key) => {
      const account = accounts.get(key);
      return account ? structuredClone(account) : undefined;
    },
    snapshot: () => [...accounts.values()].map((account) => structuredClone(account)),
    writeLog: () => log.map(copyEntry),
    failWrites(failure) {
      failures.push(armFailure(failure));
    },
    injectConflict(conflict) {
      conflicts.push({ conflict, remaining: conflict.times ?? 1 });
    },
    operatorChange(key, change) {
      const account = accounts.get(key);
      if (!account)
        throw createTestingError("unknown-reference", `operatorChange: no account with key ${key}.`);
      applyOperatorChange(account, change);
      return structuredClone(account);
    },
  };
  return store;
}

/** Copies the request data but keeps the thrown error itself, whose brand and `code` a clone would lose. */
function copyEntry(entry: AccountWriteLogEntry): AccountWriteLogEntry {
  return entry.operation === "update"
    ? { ...entry, write: structuredClone(entry.write) }
    : { ...entry, account: structuredClone(entry.account) };
}

function armFailure(failure: AccountStoreFailure) {
  return { failure, calls: 0, remaining: failure.times ?? 1 };
}

/**
 * Managed accounts for tenant users (key = object id), to seed {@link createInMemoryAccountStore}.
 * Throws a `TestingError` naming any id that is not a user of the tenant.
 */
export function managedAccountsFor(
  tenant: TenantModel,
  userIds: readonly string[],
  options: { readonly autoRotate?: boolean } = {},
): InitialManagedAccount[] {
  return userIds.map((id) => {
    const user = tenant.users.get(id);
    if (!user)
      throw createTestingError(
        "unknown-reference",
        `managedAccountsFor: no user with id ${id} in the tenant.`,
      );
    return {
      key: id,
      objectId: id,
      userPrincipalName: user.userPrincipalName,
      autoRotate: options.autoRotate ?? true,
    };
  });
}
