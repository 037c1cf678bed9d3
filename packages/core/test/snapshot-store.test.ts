/** The snapshot store: unit evidence survives a restart; a failing or odd store is never trusted. */
import {
  createInMemorySnapshotStore,
  createRotationGuard,
  isRotationExclusionError,
  type Logger,
  type SnapshotStore,
  type StoredSnapshot,
} from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { createFakeDirectory } from "./directory-fixture.js";
import { createFakeStore } from "./fake-store.js";
import { ALICE, DAVE, PUBLIC_UNIT, standardAccounts, standardTenant, TENANT_ID } from "./guard-fixture.js";

const HOUR_MS = 3_600_000;

function recordingLogger() {
  const lines: { level: string; msg: string | undefined; obj: object }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, msg, obj });
    };
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, lines };
}

/** A host process: a fresh guard and directory over the same tenant and store (a cold start). */
function startHost(snapshotStore: SnapshotStore, nowMs: number, logger?: Logger) {
  const directory = createFakeDirectory(standardTenant(), { canReadHidden: true });
  const accounts = createFakeStore(standardAccounts());
  const guard = createRotationGuard({
    tenantId: TENANT_ID,
    directory: directory.reader,
    accounts: accounts.store,
    clock: () => nowMs,
    snapshotStore,
    ...(logger ? { logger } : {}),
  });
  return { directory, guard };
}

describe("snapshot store", () => {
  test("a restart keeps the unit evidence: the warm first run reads only the protected set", async () => {
    const snapshots = createInMemorySnapshotStore();
    const t0 = Date.UTC(2026, 0, 1);
    const first = startHost(snapshots, t0);
    await first.guard.excludeFromAutoRotation();
    expect(first.directory.calls).toMatchObject({ protectedUsers: 1, restrictedUnits: 1 });
    expect(snapshots.size).toBe(1);

    const second = startHost(snapshots, t0 + 60_000);
    const report = await second.guard.excludeFromAutoRotation();
    expect(second.directory.calls).toMatchObject({ protectedUsers: 1, restrictedUnits: 0 });
    expect(report.snapshot).toMatchObject({ complete: true, restrictedUnitCount: 2 });
    // The unit evidence from before the restart still names the unit.
    const alice = await second.guard.checkProtection(ALICE);
    expect(alice).toMatchObject({ status: "protected", unitIds: [PUBLIC_UNIT] });
    expect(report.snapshot.unitEvidenceObservedAt).toBe(new Date(t0).toISOString());
  });

  test("a protected set that changed while the host was down makes the units be read again", async () => {
    const snapshots = createInMemorySnapshotStore();
    const t0 = Date.UTC(2026, 0, 1);
    await startHost(snapshots, t0).guard.excludeFromAutoRotation();
    const second = startHost(snapshots, t0 + 60_000);
    second.directory.tenant.units[0]?.userIds.pop(); // Erin leaves the public restricted unit.
    await second.guard.excludeFromAutoRotation();
    expect(second.directory.calls.restrictedUnits).toBe(1);
  });

  test("stored unit evidence older than unitEvidenceMaxAgeMs is read again", async () => {
    const snapshots = createInMemorySnapshotStore();
    const t0 = Date.UTC(2026, 0, 1);
    await startHost(snapshots, t0).guard.excludeFromAutoRotation();
    const second = startHost(snapshots, t0 + HOUR_MS);
    await second.guard.excludeFromAutoRotation();
    expect(second.directory.calls.restrictedUnits).toBe(1);
  });

  test("a store that throws on load and save is logged and ignored; the run still excludes", async () => {
    const { logger, lines } = recordingLogger();
    const broken: SnapshotStore = {
      load: async () => {
        throw new Error("connection refused (password=hunter2)");
      },
      save: async () => {
        throw new Error("disk full");
      },
    };
    const host = startHost(broken, Date.UTC(2026, 0, 1), logger);
    const report = await host.guard.excludeFromAutoRotation();
    expect(report.excluded.map((entry) => entry.accountId)).toContain(DAVE);
    expect(host.directory.calls.restrictedUnits).toBe(1);
    const warnings = lines.filter((line) => line.level === "warn").map((line) => line.msg);
    expect(warnings).toEqual([
      "snapshot store load failed; starting cold",
      "snapshot store save failed; the next cold start reads units again",
    ]);
    expect(JSON.stringify(lines)).not.toContain("hunter2");
  });

  test.each([
    [
      "another tenant's record",
      (s: StoredSnapshot) => ({ ...s, tenantId: "99999999-2222-4333-8444-555555555555" }),
    ],
    ["a record from the future", (s: StoredSnapshot) => ({ ...s, unitsAtMs: s.unitsAtMs + 10 * HOUR_MS })],
    [
      "a last complete snapshot from the future",
      (s: StoredSnapshot) => ({ ...s, lastCompleteAtMs: s.protectedAtMs + 10 * HOUR_MS }),
    ],
    [
      // Not in the future, but after the read it claims to come from: a complete snapshot that was never read.
      "a last complete snapshot later than its protected-set read",
      (s: StoredSnapshot) => ({ ...s, lastCompleteAtMs: s.protectedAtMs + 30_000 }),
    ],
    ["an unknown version", (s: StoredSnapshot) => ({ ...s, version: 2 })],
    [
      "a malformed unit read",
      (s: StoredSnapshot) => ({ ...s, unitsRead: { complete: true, units: [{ id: 1 }] } }),
    ],
  ])("%s is ignored and the units are read again", async (_name, corrupt) => {
    const { logger, lines } = recordingLogger();
    const inner = createInMemorySnapshotStore();
    const t0 = Date.UTC(2026, 0, 1);
    await startHost(inner, t0).guard.excludeFromAutoRotation();
    const odd: SnapshotStore = {
      load: async (tenantId) => corrupt((await inner.load(tenantId)) as StoredSnapshot) as StoredSnapshot,
      save: (snapshot) => inner.save(snapshot),
    };
    const second = startHost(odd, t0 + 60_000, logger);
    await second.guard.excludeFromAutoRotation();
    expect(second.directory.calls.restrictedUnits).toBe(1);
    expect(lines.some((line) => line.msg === "stored snapshot ignored; starting cold")).toBe(true);
  });

  test("the in-memory store copies: changing a loaded record changes nothing stored", async () => {
    const snapshots = createInMemorySnapshotStore();
    await startHost(snapshots, Date.UTC(2026, 0, 1)).guard.excludeFromAutoRotation();
    const loaded = (await snapshots.load(TENANT_ID.toUpperCase())) as StoredSnapshot;
    (loaded.unitsRead.units as unknown[]).length = 0;
    const again = (await snapshots.load(TENANT_ID)) as StoredSnapshot;
    expect(again.unitsRead.units).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(again))).toEqual(again);
    expect(snapshots.delete(TENANT_ID)).toBe(true);
    expect(await snapshots.load(TENANT_ID)).toBeUndefined();
  });

  test("a snapshotStore without load and save is refused as invalid options", () => {
    const directory = createFakeDirectory(standardTenant());
    const create = () =>
      createRotationGuard({
        tenantId: TENANT_ID,
        directory: directory.reader,
        accounts: createFakeStore([]).store,
        snapshotStore: {} as SnapshotStore,
      });
    expect(create).toThrow(/snapshotStore must implement load and save/);
    try {
      create();
    } catch (error) {
      expect(isRotationExclusionError(error) && error.code).toBe("invalid-options");
    }
  });
});
