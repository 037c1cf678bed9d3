/**
 * The real Redis and PostgreSQL the fleet's tests run against (never a mock): REDIS_URL (default
 * redis://127.0.0.1:6379) and DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Without
 * them the tests are skipped with a loud reason; with REQUIRE_REDIS=1 (CI) a missing service fails the run.
 * Each test gets its own key prefix, queue and schema, and removes them afterwards.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function redisProblem(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === "PONG" ? undefined : `Redis answered ${pong}`;
  } catch (error) {
    return `Redis is not reachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.disconnect();
  }
}

async function postgresProblem(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL is not reachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Why the fleet's tests cannot run here, or `undefined` when Redis (and, when asked, PostgreSQL) answer.
 * Throws instead when REQUIRE_REDIS=1: on CI a missing service is a failure, never a skip.
 */
export async function missingServices(needs: { postgres?: boolean } = {}): Promise<string | undefined> {
  const problems = [await redisProblem(), needs.postgres ? await postgresProblem() : undefined].filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length === 0) return undefined;
  const reason = `${problems.join("; ")} (REDIS_URL=${REDIS_URL.replace(/:[^@/]*@/, ":***@")}, DATABASE_URL set: ${process.env.DATABASE_URL !== undefined})`;
  if (process.env.REQUIRE_REDIS === "1") throw new Error(`REQUIRE_REDIS=1 but ${reason}`);
  process.stderr.write(`\n*** SKIPPED: the fleet tests need a real Redis and PostgreSQL: ${reason} ***\n\n`);
  return reason;
}

/** A prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under a prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

/** A schema of its own, dropped by `drop()`. */
export async function temporarySchema(
  label: string,
): Promise<{ pool: pg.Pool; schema: string; drop(): Promise<void> }> {
  const schema = `test_${label}_${randomUUID().slice(0, 8)}`.replace(/-/g, "_");
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  return {
    pool,
    schema,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
      await pool.end();
    },
  };
}
