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
import { createFakeDirectory } from "./fake-directory.js";
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
