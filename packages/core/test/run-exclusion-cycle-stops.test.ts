/**
 * runExclusionCycle when something does not stop by itself: a store call or hook that never settles, a
 * tenant source that throws, a long-lived host signal; and partial versus deferred by the writes made.
 */
import {
  type AccountStore,
  type DirectoryReader,
  type ExclusionCycleEvent,
  runExclusionCycle,
} from "@rotation-exclusion/core";
import { describe, expect, test } from "vitest";
import { createFakeDirectory } from "./directory-fixture.js";
import { createFakeStore } from "./fake-store.js";
import { standardAccounts, standardTenant } from "./guard-fixture.js";

const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";

const directory = (): DirectoryReader =>
  createFakeDirectory(standardTenant(), { canReadHidden: true }).reader;
const pending = <T>() => new Promise<T>(() => {});
const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Settles with the cycle's report, or with "pending" if it has not settled after `ms`. */
async function within<T>(cycle: Promise<T>, ms = 1_000): Promise<T | "pending"> {
  return Promise.race([cycle, tick(ms).then(() => "pending" as const)]);
}

/** The standard store, with its list() or update() replaced. */
function storeWith(override: Partial<AccountStore>) {
  const fake = createFakeStore(standardAccounts());
  const store: AccountStore = {
    list: (o) => fake.store.list(o),
    update: (key, write, o) => fake.store.update(key, write, o),
    ...override,
  };
  return { fake, store };
}

describe("runExclusionCycle stops what does not stop by itself", () => {
  test("a store write that never settles: the tenant is partial after its deadline and the grace period", async () => {
    const { fake, store } = storeWith({});
    let updates = 0;
    store.update = async (key, write, o) => {
      updates += 1;
      // The first write lands; the second never answers.
      return updates === 1 ? fake.store.update(key, write, o) : pending();
    };
    const report = await within(
      runExclusionCycle({
        tenants: [T1, T2],
        createDirectory: directory,
        accounts: (id) => (id === T1 ? store : storeWith({}).store),
        guardOptions: { writeConcurrency: 1 },
        tenantDeadlineMs: 400,
        stopGraceMs: 20,
      }),
    );
    if (report === "pending") throw new Error("the cycle did not settle");
    const [first, second] = report.tenants;
    expect(first).toMatchObject({ status: "partial", stoppedBy: "tenant-deadline" });
    expect(first?.unsettled).toMatch(/1 write.* in flight/);
    // The stuck tenant did not hold its slot: the next one ran.
    expect(second).toMatchObject({ status: "done" });
    expect(updates).toBe(2);
  });

  test("a store list that never settles: the tenant is deferred after the cycle deadline and the grace period", async () => {
    const { store } = storeWith({ list: () => pending() });
    const report = await within(
      runExclusionCycle({
        tenants: [T1],
        createDirectory: directory,
        accounts: () => store,
        deadlineMs: 30,
        stopGraceMs: 20,
      }),
    );
    if (report === "pending") throw new Error("the cycle did not settle");
    expect(report.stoppedBy).toBe("cycle-deadline");
    expect(report.tenants[0]).toMatchObject({ status: "deferred", stoppedBy: "cycle-deadline" });
    expect(report.tenants[0]?.unsettled).toMatch(/starts no new write/);
  });

  test("a run given up on that fails later is no unhandled rejection; a bad stopGraceMs is refused", async () => {
    let lateFailure = false;
    const { store } = storeWith({
      list: () =>
        new Promise((_, reject) =>
          setTimeout(() => {
            lateFailure = true;
            reject(new Error("store timed out"));
          }, 600),
        ),
    });
    const report = await runExclusionCycle({
      tenants: [T1],
      createDirectory: directory,
      accounts: () => store,
      deadlineMs: 10,
      stopGraceMs: 0,
    });
    expect(report.tenants[0]).toMatchObject({ status: "deferred", stoppedBy: "cycle-deadline" });
    expect(lateFailure).toBe(false);
    await tick(700);
    // The orphaned run rejected after the cycle resolved; vitest fails the file on an unhandled rejection.
    expect(lateFailure).toBe(true);
    for (const stopGraceMs of [-1, Number.NaN, "5000"]) {
      await expect(
        runExclusionCycle({
          tenants: [T1],
          createDirectory: directory,
          accounts: () => store,
          stopGraceMs: stopGraceMs as number,
        }),
      ).rejects.toThrow(/stopGraceMs/);
    }
  });

  test("an onReleased hook that never settles: the tenant is partial and the cycle settles", async () => {
    const fake = createFakeStore(standardAccounts());
    // The first cycle excludes Alice, Dave and Erin; then every restricted unit is gone, so the
    // second cycle releases them and calls the hook, which never answers.
    await runExclusionCycle({ tenants: [T1], createDirectory: directory, accounts: () => fake.store });
    const tenant = standardTenant();
    tenant.units = [];
    let released = 0;
    const report = await within(
      runExclusionCycle({
        tenants: [T1],
        createDirectory: () => createFakeDirectory(tenant, { canReadHidden: true }).reader,
        accounts: () => fake.store,
        guardOptions: {
          writeConcurrency: 1,
          onReleased: () => {
            released += 1;
            return pending();
          },
        },
        tenantDeadlineMs: 400,
        stopGraceMs: 10,
      }),
    );
    if (report === "pending") throw new Error("the cycle did not settle");
    // The hook holds the only write slot; after the deadline no further write starts.
    expect(released).toBe(1);
    expect(fake.writes).toHaveLength(4);
    expect(report.tenants[0]).toMatchObject({ status: "partial", stoppedBy: "tenant-deadline" });
  });

  test("a tenant source that throws: no new tenant starts, the running one finishes, the cycle says why", async () => {
    let writesAfterSettled = 0;
    let settled = false;
    const { fake } = storeWith({});
    const store: AccountStore = {
      list: (o) => fake.store.list(o),
      async update(key, write, o) {
        await tick(30);
        if (settled) writesAfterSettled += 1;
        return fake.store.update(key, write, o);
      },
    };
    async function* tenants() {
      yield T1;
      await tick(5);
      throw new Error("tenant DB down");
    }
    const events: ExclusionCycleEvent[] = [];
    const report = await runExclusionCycle({
      tenants: tenants(),
      createDirectory: directory,
      accounts: () => store,
      concurrency: 2,
      onProgress: (event) => events.push(event),
    });
    settled = true;
    await tick(100);
    expect(report.stoppedBy).toBe("tenant-source-failed");
    expect(report.sourceError).toMatchObject({ name: "Error", message: "tenant DB down" });
    expect(report.tenants).toMatchObject([{ tenantId: T1, status: "done" }]);
    expect(writesAfterSettled).toBe(0);
    expect(events).toContainEqual({ type: "cycle-stopping", cause: "tenant-source-failed" });
  });

  test("a finished cycle no longer listens to the host's long-lived signal", async () => {
    const shutdown = new AbortController();
    const late: string[] = [];
    for (let i = 0; i < 3; i++) {
      let done = false;
      await runExclusionCycle({
        tenants: [T1],
        createDirectory: directory,
        accounts: () => storeWith({}).store,
        signal: shutdown.signal,
        onProgress: (event) => {
          if (done) late.push(`${i}:${event.type}`);
        },
      });
      done = true;
    }
    shutdown.abort();
    expect(late).toEqual([]);
  });

  test("a tenant stopped after planning but before its first write is deferred, not partial", async () => {
    const controller = new AbortController();
    const { fake } = storeWith({});
    const store: AccountStore = {
      async list(o) {
        const listed = await fake.store.list(o);
        controller.abort();
        return listed;
      },
      update: (key, write, o) => fake.store.update(key, write, o),
    };
    const report = await runExclusionCycle({
      tenants: [T1],
      createDirectory: directory,
      accounts: () => store,
      signal: controller.signal,
    });
    expect(fake.writes).toHaveLength(0);
    expect(report.tenants[0]).toMatchObject({ status: "deferred", stoppedBy: "aborted" });
    expect(report.tenantCounts).toMatchObject({ partial: 0, deferred: 1 });
  });
});
