/**
 * The reference `AccountStore` over PostgreSQL (`pg`), shared by every worker of a fleet: one table of
 * managed accounts for all tenants, every field of the account record kept as written (in `jsonb`, the
 * release-alert flag included), and an optimistic `version` column for compare-and-set. A host copies it
 * or uses it as it is; it passes the account store contract of `@rotation-exclusion/testing/contract`.
 */
import type {
  AccountStore,
  AccountWrite,
  AccountWriteResult,
  AutoRotateRecord,
  ManagedAccount,
  NewManagedAccount,
} from "@rotation-exclusion/core";
import { isGuid, redactSecrets } from "@rotation-exclusion/core/internal";
import type { ReadOptions } from "@rotation-exclusion/core/ports";
import type { Pool, PoolClient } from "pg";
import { createFleetError, invalidOptions, isFleetError } from "./fleet-error.js";
import { accountTableSql, checkIdentifier, migrateAccountTable } from "./postgres-migration.js";

/** Options of {@link createPostgresAccountStore}. */
export interface PostgresAccountStoreOptions {
  /** A `pg` pool (the host owns it and ends it). */
  readonly pool: Pool;
  /** Schema of the table. Default `public`. */
  readonly schema?: string;
  /** The table. Default `rotation_exclusion_accounts`. */
  readonly table?: string;
}

/** An account to insert (seeding, or the host's own import). */
export interface PostgresAccountSeed {
  /** Default: the object id, lower case. */
  readonly key?: string;
  readonly objectId?: string;
  readonly userPrincipalName?: string;
  readonly autoRotate: boolean;
  readonly record?: AutoRotateRecord;
}

/** One tenant's store, with `add` (role imports). */
export type PostgresTenantAccountStore = AccountStore & {
  add(account: NewManagedAccount, options?: ReadOptions): Promise<AccountWriteResult>;
};

/** The managed accounts of every tenant in one PostgreSQL table. */
export interface PostgresAccountStore {
  /** The `AccountStore` of one tenant: pass `(tenantId) => store.forTenant(tenantId)` to the workers. */
  forTenant(tenantId: string): PostgresTenantAccountStore;
  /** Creates the schema and table, or brings them up to date (safe to run from several processes). */
  migrate(): Promise<void>;
  /** Inserts accounts of a tenant (each gets version 1); a key that exists is an error. */
  insert(tenantId: string, accounts: readonly PostgresAccountSeed[]): Promise<void>;
}

interface Row {
  account_key: string;
  object_id: string | null;
  user_principal_name: string | null;
  auto_rotate: boolean;
  record: AutoRotateRecord | null;
  version: string;
}

const COLUMNS = "account_key, object_id, user_principal_name, auto_rotate, record, version::text AS version";

function accountOf(row: Row): ManagedAccount {
  return {
    key: row.account_key,
    ...(row.object_id === null ? {} : { objectId: row.object_id }),
    ...(row.user_principal_name === null ? {} : { userPrincipalName: row.user_principal_name }),
    autoRotate: row.auto_rotate,
    record: row.record ?? undefined,
    version: row.version,
  };
}

/**
 * Creates the store. Call `migrate()` once before first use (or run the SQL of `accountTableSql`).
 *
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const accountStore = createPostgresAccountStore({ pool });
 * await accountStore.migrate();
 * createExclusionWorker({ ..., accounts: (tenantId) => accountStore.forTenant(tenantId) });
 */
export function createPostgresAccountStore(options: PostgresAccountStoreOptions): PostgresAccountStore {
  const where = "createPostgresAccountStore";
  if (typeof options !== "object" || options === null) invalidOptions(where, "options must be an object");
  const { pool } = options;
  if (typeof pool?.connect !== "function" || typeof pool.query !== "function")
    invalidOptions(where, "pool must be a pg Pool");
  const schema = checkIdentifier(where, "schema", options.schema ?? "public");
  const tableName = checkIdentifier(where, "table", options.table ?? "rotation_exclusion_accounts");
  const table = `"${schema}"."${tableName}"`;

  // Checks the signal after a connection is had and just before the statement is sent: a write whose
  // job lost its lock while it waited for a connection is never sent (rule 10 keeps one in flight).
  async function run<T>(
    tenantId: string,
    what: string,
    signal: AbortSignal | undefined,
    body: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      signal?.throwIfAborted();
      return await body(client);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      if (isFleetError(error)) throw error;
      const reason = redactSecrets(error instanceof Error ? error.message : String(error));
      throw createFleetError(
        "store-failed",
        `${what} of tenant ${tenantId} failed in PostgreSQL (${reason}); the run reports it and the next run retries`,
        { cause: error, tenantId },
      );
    } finally {
      client?.release();
    }
  }

  const current = async (client: PoolClient, tenantId: string, key: string) => {
    const found = await client.query<Row>(
      `SELECT ${COLUMNS} FROM ${table} WHERE tenant_id = $1 AND account_key = $2`,
      [tenantId, key],
    );
    const row = found.rows[0];
    return row === undefined ? undefined : accountOf(row);
  };

  function forTenant(tenantIdInput: string): PostgresTenantAccountStore {
    if (!isGuid(tenantIdInput)) invalidOptions("PostgresAccountStore.forTenant", "tenantId must be a GUID");
    const tenantId = tenantIdInput.toLowerCase();
    return {
      list: (listOptions = {}) =>
        run(tenantId, "Listing managed accounts", listOptions.signal, async (client) => {
          const listed = await client.query<Row>(
            `SELECT ${COLUMNS} FROM ${table} WHERE tenant_id = $1 ORDER BY account_key`,
            [tenantId],
          );
          return listed.rows.map(accountOf);
        }),
      update: (key: string, write: AccountWrite, writeOptions: ReadOptions = {}) =>
        run(tenantId, `Updating account ${key}`, writeOptions.signal, async (client) => {
          // A version that is not ours (not a number) can only be stale: answer the current account.
          if (/^\d{1,18}$/.test(write.expectedVersion)) {
            const updated = await client.query<Row>(
              `UPDATE ${table} SET auto_rotate = $3, record = $4, version = version + 1, updated_at = now()
               WHERE tenant_id = $1 AND account_key = $2 AND version = $5 RETURNING ${COLUMNS}`,
              [
                tenantId,
                key,
                write.autoRotate,
                write.record === null ? null : JSON.stringify(write.record),
                write.expectedVersion,
              ],
            );
            const row = updated.rows[0];
            if (row !== undefined) return { status: "written", account: accountOf(row) };
          }
          return { status: "conflict", current: await current(client, tenantId, key) };
        }),
      add: (account: NewManagedAccount, addOptions: ReadOptions = {}) =>
        run(tenantId, `Adding account ${account.objectId}`, addOptions.signal, async (client) => {
          const key = account.objectId.toLowerCase();
          const inserted = await client.query<Row>(
            `INSERT INTO ${table} (tenant_id, account_key, object_id, user_principal_name, auto_rotate, record)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
            [
              tenantId,
              key,
              account.objectId,
              account.userPrincipalName ?? null,
              account.autoRotate,
              account.record === null ? null : JSON.stringify(account.record),
            ],
          );
          const row = inserted.rows[0];
          if (row !== undefined) return { status: "written", account: accountOf(row) };
          const existing = await client.query<Row>(
            `SELECT ${COLUMNS} FROM ${table} WHERE tenant_id = $1 AND (lower(object_id) = $2 OR account_key = $2)`,
            [tenantId, key],
          );
          const found = existing.rows[0];
          return { status: "conflict", current: found === undefined ? undefined : accountOf(found) };
        }),
    };
  }

  return {
    forTenant,
    migrate: () => migrateAccountTable(pool, schema, tableName),
    async insert(tenantIdInput, accounts) {
      if (!isGuid(tenantIdInput)) invalidOptions("PostgresAccountStore.insert", "tenantId must be a GUID");
      const tenantId = tenantIdInput.toLowerCase();
      await run(tenantId, "Inserting accounts", undefined, async (client) => {
        for (let start = 0; start < accounts.length; start += 500) {
          const batch = accounts.slice(start, start + 500);
          const values: unknown[] = [];
          const rows = batch.map((account, i) => {
            const key = account.key ?? account.objectId?.toLowerCase();
            if (key === undefined)
              invalidOptions(
                "PostgresAccountStore.insert",
                `accounts[${start + i}] needs a key or an object id`,
              );
            values.push(
              tenantId,
              key,
              account.objectId ?? null,
              account.userPrincipalName ?? null,
              account.autoRotate,
              account.record === undefined ? null : JSON.stringify(account.record),
            );
            const at = i * 6;
            return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6})`;
          });
          await client.query(
            `INSERT INTO ${table} (tenant_id, account_key, object_id, user_principal_name, auto_rotate, record) VALUES ${rows.join(", ")}`,
            values,
          );
        }
      });
    },
  };
}

export { accountTableSql };
