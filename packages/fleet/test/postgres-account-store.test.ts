/**
 * The PostgreSQL account store against the machine's real PostgreSQL: the account store contract every
 * store passes, plus what is its own (migrations, a write refused once its job's lock is gone).
 */
import { createPostgresAccountStore, isFleetError } from "@rotation-exclusion/fleet";
import { describeAccountStoreContract } from "@rotation-exclusion/testing/contract";
import { describe, expect, test } from "vitest";
import { missingServices, temporarySchema } from "./fleet-services.js";

const missing = await missingServices({ postgres: true });
const TENANT = "5e0c3a1b-7d2f-4a6e-9b8c-1d2e3f4a5b6c";
const OTHER_TENANT = "6f1d4b2c-8e3a-4b7f-8c9d-2e3f4a5b6c7d";

describe.skipIf(missing !== undefined)(
  `PostgreSQL account store${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    describeAccountStoreContract("PostgreSQL", {
      async create(seed) {
        const db = await temporarySchema("contract");
        const accounts = createPostgresAccountStore({ pool: db.pool, schema: db.schema });
        await accounts.migrate();
        await accounts.insert(TENANT, seed);
        // Another tenant's rows in the same table must never show up.
        await accounts.insert(OTHER_TENANT, [{ key: "row-break-glass", autoRotate: true }]);
        return {
          store: accounts.forTenant(TENANT),
          async operatorChange(key, change) {
            await db.pool.query(
              `UPDATE "${db.schema}"."rotation_exclusion_accounts" SET auto_rotate = $3, record = NULL, version = version + 1 WHERE tenant_id = $1 AND account_key = $2`,
              [TENANT, key, change.autoRotate],
            );
          },
          dispose: () => db.drop(),
        };
      },
    });

    test("migrate() is idempotent and safe to run from several workers at once", async () => {
      const db = await temporarySchema("migrate");
      try {
        const stores = [1, 2, 3].map(() => createPostgresAccountStore({ pool: db.pool, schema: db.schema }));
        await Promise.all(stores.map((store) => store.migrate()));
        await stores[0]?.migrate();
        const applied = await db.pool.query(
          `SELECT version FROM "${db.schema}"."rotation_exclusion_accounts_migrations"`,
        );
        expect(applied.rows).toEqual([{ version: 1 }]);
      } finally {
        await db.drop();
      }
    });

    test("a write whose signal was aborted while it waited for a connection is never sent", async () => {
      const db = await temporarySchema("fence");
      try {
        const accounts = createPostgresAccountStore({ pool: db.pool, schema: db.schema });
        await accounts.migrate();
        await accounts.insert(TENANT, [{ key: "a", autoRotate: true }]);
        const store = accounts.forTenant(TENANT);
        // Hold every connection of the pool, so the write waits for one.
        const held = await Promise.all(Array.from({ length: 8 }, () => db.pool.connect()));
        const controller = new AbortController();
        const lost = new Error("lock lost");
        const waiting = store.update(
          "a",
          { expectedVersion: "1", autoRotate: false, record: null },
          { signal: controller.signal },
        );
        controller.abort(lost);
        for (const client of held) client.release();
        await expect(waiting).rejects.toBe(lost);
        const [account] = await store.list();
        expect(account).toMatchObject({ autoRotate: true, version: "1" });
      } finally {
        await db.drop();
      }
    });

    test("bad names and tenant ids are refused with a FleetError naming them", () => {
      const pool = { connect() {}, query() {} } as never;
      const refusal = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return isFleetError(error) ? `${error.code}: ${error.message}` : String(error);
        }
        return "accepted";
      };
      expect(refusal(() => createPostgresAccountStore({ pool, schema: "x; DROP TABLE y" }))).toMatch(
        /invalid-options: .*schema/,
      );
      expect(refusal(() => createPostgresAccountStore({ pool, table: "Accounts" }))).toMatch(/table/);
      expect(refusal(() => createPostgresAccountStore({ pool }).forTenant("not-a-guid"))).toMatch(
        /tenantId must be a GUID/,
      );
      expect(refusal(() => createPostgresAccountStore({ pool: {} as never }))).toMatch(
        /pool must be a pg Pool/,
      );
    });
  },
);
