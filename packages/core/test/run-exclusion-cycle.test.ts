/** runExclusionCycle: isolation, deadline and abort (partial/deferred, writes kept), progress, counts. */
import {
  type AccountStore,
  createInMemorySnapshotStore,
  type DirectoryReader,
  type ExclusionCycleEvent,
  isRotationExclusionError,
  runExclusionCycle,
} from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { createFakeDirectory, type FakeDirectory, type FakeFaults, guid } from "./directory-fixture.js";
import { createFakeStore, type FakeStore } from "./fake-store.js";
import { standardAccounts, standardTenant } from "./guard-fixture.js";

const tenantId = (n: number) => `aaaaaaaa-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

/** A fake directory that also counts calls as Graph `stats()` would. */
function countedDirectory(faults: FakeFaults = { canReadHidden: true }) {
  const fake = createFakeDirectory(standardTenant(), faults);
  const reader: DirectoryReader = {
    ...fake.reader,
    stats: () => {
      const requests = fake.calls.protectedUsers + fake.calls.restrictedUnits + fake.calls.checkUsers;
      return { requests, retries: 0, throttled: 0, byEndpoint: {} };
    },
  };
  return { fake, reader };
}

interface World {
  readonly directories: Map<string, FakeDirectory>;
  readonly stores: Map<string, FakeStore>;
  createDirectory(id: string): DirectoryReader;
  accounts(id: string): AccountStore;
}

function world(faultsFor: (id: string) => FakeFaults = () => ({ canReadHidden: true })): World {
  const directories = new Map<string, FakeDirectory>();
  const stores = new Map<string, FakeStore>();
  return {
    directories,
    stores,
    createDirectory(id) {
      const { fake, reader } = countedDirectory(faultsFor(id));
      directories.set(id, fake);
      return reader;
    },
    accounts(id) {
      let store = stores.get(id);
      if (store === undefined) {
        store = createFakeStore(standardAccounts());
        stores.set(id, store);
      }
      return store.store;
    },
  };
}

const never = new Promise<void>(() => {});

describe("runExclusionCycle", () => {
  test("runs every tenant, sums accounts and Graph requests, and reports progress in order", async () => {
    const w = world();
    const events: ExclusionCycleEvent[] = [];
    const report = await runExclusionCycle({
      tenants: [tenantId(1), tenantId(2), tenantId(3), tenantId(2)],
      createDirectory: w.createDirectory,
      accounts: w.accounts,
      concurrency: 2,
      onProgress: (event) => events.push(event),
    });
    expect(report.tenantCounts).toEqual({
      total: 3,
      done: 3,
      partial: 0,
      failed: 0,
      deferred: 0,
      incomplete: 0,
    });
    // Alice, Dave and Erin are protected in each tenant; Bob and Carol are not.
    expect(report.accounts).toMatchObject({ listed: 15, excluded: 9, notProtected: 6, deferred: 0 });
    expect(report.graph).toEqual({ requests: 6, retries: 0, throttled: 0 });
    expect(report.tenants.map((t) => t.tenantId)).toEqual([tenantId(1), tenantId(2), tenantId(3)]);
    expect(w.stores.get(tenantId(1))?.writes).toHaveLength(3);
    expect(events.filter((e) => e.type === "tenant-started")).toHaveLength(3);
    const finished = events.flatMap((e) => (e.type === "tenant-finished" ? [e.finished] : []));
    expect(finished).toEqual([1, 2, 3]);
    expect(report.stoppedBy).toBeUndefined();
  });

  test("a failing, a throttled and a store-broken tenant are reported alone; the others finish", async () => {
    const w = world((id) =>
      id === tenantId(3)
        ? { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } }
        : { canReadHidden: true },
    );
    const report = await runExclusionCycle({
      tenants: [tenantId(1), tenantId(2), tenantId(3), tenantId(4), "not-a-guid"],
      createDirectory(id) {
        if (id === tenantId(2)) throw new Error("no credential for this tenant");
        return w.createDirectory(id);
      },
      accounts(id) {
        const store = w.accounts(id);
        if (id === tenantId(4)) (w.stores.get(id) as FakeStore).faults.listThrows = true;
        return store;
      },
      onProgress: () => {
        throw new Error("a broken progress callback");
      },
    });
    const byId = new Map(report.tenants.map((t) => [t.tenantId, t]));
    expect(byId.get(tenantId(1))).toMatchObject({ status: "done", snapshotComplete: true });
    expect(byId.get(tenantId(2))).toMatchObject({
      status: "failed",
      error: { message: "no credential for this tenant" },
    });
    expect(byId.get(tenantId(3))).toMatchObject({
      status: "done",
      snapshotComplete: false,
      incompleteReason: "throttled",
      accounts: { excluded: 3, deferred: 2 },
    });
    expect(byId.get(tenantId(4))).toMatchObject({ status: "failed", error: { code: "store-failed" } });
    expect(byId.get("not-a-guid")).toMatchObject({ status: "failed", error: { code: "invalid-options" } });
    expect(report.tenantCounts).toMatchObject({ total: 5, done: 2, failed: 3, incomplete: 1 });
    // The throttled tenant wrote only on positive evidence (unit members), nothing for Bob and Carol.
    expect(w.stores.get(tenantId(3))?.writes.map((x) => x.key)).toEqual(["alice", "dave", "erin"]);
  });

  test("the deadline stops a stuck tenant (deferred), leaves queued ones deferred and keeps finished ones", async () => {
    const w = world((id) =>
      id === tenantId(2) ? { canReadHidden: true, gate: never } : { canReadHidden: true },
    );
    const events: ExclusionCycleEvent[] = [];
    const report = await runExclusionCycle({
      tenants: [tenantId(1), tenantId(2), tenantId(3), tenantId(4)],
      createDirectory: w.createDirectory,
      accounts: w.accounts,
      concurrency: 2,
      // Long enough for the other tenants' reads on a loaded machine; the gated one never finishes.
      deadlineMs: 400,
      onProgress: (event) => events.push(event),
    });
    const statuses = report.tenants.map((t) => [t.status, t.stoppedBy]);
    expect(statuses[0]).toEqual(["done", undefined]);
    expect(statuses[1]).toEqual(["deferred", "cycle-deadline"]);
    expect(report.stoppedBy).toBe("cycle-deadline");
    expect(report.tenantCounts.done + report.tenantCounts.deferred).toBe(4);
    expect(w.stores.get(tenantId(2))?.writes ?? []).toHaveLength(0);
    expect(events).toContainEqual({ type: "cycle-stopping", cause: "cycle-deadline" });
  });

  test("a tenant stopped during its writes is partial: what it wrote stays, the rest is deferred", async () => {
    const w = world();
    let release: () => void = () => {};
    const slowWrite = new Promise<void>((resolve) => {
      release = resolve;
    });
    const report = await runExclusionCycle({
      tenants: [tenantId(1)],
      createDirectory: w.createDirectory,
      accounts(id) {
        const inner = w.accounts(id);
        let writes = 0;
        return {
          list: (o) => inner.list(o),
          async update(key, write, o) {
            writes += 1;
            const result = await inner.update(key, write, o);
            // The second write is slow: the deadline passes while it is in flight.
            if (writes === 2) {
              setTimeout(release, 800);
              await slowWrite;
            }
            return result;
          },
        };
      },
      guardOptions: { writeConcurrency: 1 },
      deadlineMs: 400,
    });
    const [tenant] = report.tenants;
    expect(tenant).toMatchObject({ status: "partial", stoppedBy: "cycle-deadline" });
    expect(tenant?.accounts).toMatchObject({ excluded: 2, deferred: 1 });
    expect(w.stores.get(tenantId(1))?.writes.map((x) => x.key)).toEqual(["alice", "dave"]);
    expect(report.tenantCounts.partial).toBe(1);
  });

  test("the caller's abort stops the cycle like the deadline; a tenant deadline stops only its tenant", async () => {
    const w = world((id) =>
      id === tenantId(1) ? { canReadHidden: true, gate: never } : { canReadHidden: true },
    );
    const controller = new AbortController();
    const aborted = runExclusionCycle({
      tenants: [tenantId(1), tenantId(2)],
      createDirectory: w.createDirectory,
      accounts: w.accounts,
      concurrency: 1,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("shutting down")), 20);
    const report = await aborted;
    expect(report.stoppedBy).toBe("aborted");
    expect(report.tenants.map((t) => t.status)).toEqual(["deferred", "deferred"]);
    expect(report.tenants[0]?.stoppedBy).toBe("aborted");

    const timed = await runExclusionCycle({
      tenants: [tenantId(1), tenantId(2)],
      createDirectory: w.createDirectory,
      accounts: w.accounts,
      concurrency: 1,
      tenantDeadlineMs: 400,
    });
    expect(timed.stoppedBy).toBeUndefined();
    expect(timed.tenants.map((t) => [t.status, t.stoppedBy])).toEqual([
      ["deferred", "tenant-deadline"],
      ["done", undefined],
    ]);
  });

  test("with a snapshot store a quiet tenant's second cycle costs one directory read", async () => {
    const w = world();
    const snapshotStore = createInMemorySnapshotStore();
    const cycle = () =>
      runExclusionCycle({
        tenants: [tenantId(1), tenantId(2)],
        createDirectory: w.createDirectory,
        accounts: w.accounts,
        snapshotStore,
      });
    expect((await cycle()).graph.requests).toBe(4);
    const second = await cycle();
    expect(second.graph.requests).toBe(2);
    expect(second.tenants.map((t) => t.graph.requests)).toEqual([1, 1]);
    expect(second.accounts).toMatchObject({ excluded: 0, alreadyExcluded: 6 });
  });

  test("async iterables are read lazily, a dry run writes nothing, bad options are refused", async () => {
    const w = world();
    async function* tenants() {
      yield tenantId(1);
      yield tenantId(2);
    }
    const report = await runExclusionCycle({
      tenants: tenants(),
      createDirectory: w.createDirectory,
      accounts: w.accounts,
      dryRun: true,
      keepReports: true,
    });
    expect(report).toMatchObject({ dryRun: true, tenantCounts: { done: 2 }, accounts: { excluded: 6 } });
    expect(report.tenants[0]?.report?.excluded.map((e) => e.key)).toEqual(["alice", "dave", "erin"]);
    expect([...w.stores.values()].every((s) => s.writes.length === 0)).toBe(true);
    const bad = runExclusionCycle({
      tenants: [guid(1)],
      createDirectory: w.createDirectory,
      accounts: w.accounts,
      concurrency: 0,
    });
    await expect(bad).rejects.toSatisfy(
      (error) => isRotationExclusionError(error) && error.code === "invalid-options",
    );
  });
});
