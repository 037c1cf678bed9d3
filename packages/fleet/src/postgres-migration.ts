/**
 * The account table and its migrations: numbered steps, each applied once, under an advisory lock so
 * that workers starting together do not race, and recorded in `<table>_migrations`.
 */
import type { Pool } from "pg";
import { invalidOptions } from "./fleet-error.js";

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema or table name (it is written into SQL, so only plain lower-case names pass). */
export function checkIdentifier(where: string, what: string, value: unknown): string {
  if (typeof value !== "string" || !IDENTIFIER.test(value))
    invalidOptions(where, `${what} must be a lower-case SQL name (letters, digits, '_'; up to 63)`);
  return value;
}

/**
 * The SQL of each migration step for a table, in order: what `migrate()` runs, for a host that applies
 * migrations with its own tool.
 */
export function accountTableSql(schema = "public", table = "rotation_exclusion_accounts"): readonly string[] {
  checkIdentifier("accountTableSql", "schema", schema);
  checkIdentifier("accountTableSql", "table", table);
  const name = `"${schema}"."${table}"`;
  return [
    // 1: the table. `version` is the optimistic-concurrency counter every write compares and moves;
    // `record` holds the whole AutoRotateRecord as written (releaseAlertPending included).
    `CREATE TABLE ${name} (
      tenant_id text NOT NULL,
      account_key text NOT NULL,
      object_id text,
      user_principal_name text,
      auto_rotate boolean NOT NULL,
      record jsonb,
      version bigint NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, account_key)
    );
    CREATE UNIQUE INDEX "${table}_object_id" ON ${name} (tenant_id, lower(object_id)) WHERE object_id IS NOT NULL;`,
  ];
}

/** Applies the steps not yet applied, in one transaction, under an advisory lock. */
export async function migrateAccountTable(pool: Pool, schema: string, table: string): Promise<void> {
  const steps = accountTableSql(schema, table);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
      `rotation-exclusion:${schema}.${table}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${schema}"."${table}_migrations" (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = await client.query<{ version: number }>(
      `SELECT version FROM "${schema}"."${table}_migrations"`,
    );
    const done = new Set(applied.rows.map((row) => row.version));
    for (const [index, sql] of steps.entries()) {
      const version = index + 1;
      if (done.has(version)) continue;
      await client.query(sql);
      await client.query(`INSERT INTO "${schema}"."${table}_migrations" (version) VALUES ($1)`, [version]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
