/** Safety first: a worker that lost a job's lock writes nothing more for it. */
import type { AccountStore, AccountWrite } from "@rotation-exclusion/core";
import { afterEach, describe, expect, test, vi } from "vitest";
import { fencedAccountStore, fencedSnapshotStore } from "./fenced-stores.js";
import { isFleetError } from "./fleet-error.js";
import { startJobLease } from "./job-lease.js";

const TENANT = "0b7e1c5a-9a43-4f0e-8d4c-3b2a1f0e9d8c";

/** A job whose lock answers like BullMQ's extendLock script: 1 while ours, 0 once another owns it. */
function lockedJob() {
  const job = { id: "cycle-1.t", ours: true, calls: 0, extendLock: async () => 0 };
  job.extendLock = async () => {
    job.calls += 1;
    return job.ours ? 1 : 0;
  };
  return job;
}

function recordingStore() {
  const writes: string[] = [];
  const store: AccountStore = {
    list: async () => [],
    update: async (key: string, _write: AccountWrite) => {
      writes.push(key);
      return { status: "conflict", current: undefined };
    },
  };
  return { store, writes };
}

const write: AccountWrite = { expectedVersion: "1", autoRotate: false, record: null };

afterEach(() => {
  vi.useRealTimers();
});

describe("job lease: the lock guards every write", () => {
  test("while the lock is ours, writes go through without asking Redis again", async () => {
    const job = lockedJob();
    const lease = await startJobLease(job, "token", 30_000, TENANT);
    const { store, writes } = recordingStore();
    const fenced = fencedAccountStore(store, lease);
    await fenced.update("a", write);
    await fenced.update("b", write);
    expect(writes).toEqual(["a", "b"]);
    expect(job.calls).toBe(1);
    lease.end();
  });

  test("paused past the lock duration, then resumed: the next write asks Redis, finds the lock lost, writes nothing", async () => {
    const job = lockedJob();
    const lease = await startJobLease(job, "token", 2_000, TENANT);
    const { store, writes } = recordingStore();
    const fenced = fencedAccountStore(store, lease);
    const saved: string[] = [];
    const snapshots = fencedSnapshotStore(
      { load: async () => undefined, save: async (s) => void saved.push(s.tenantId) },
      lease,
    );
    // A SIGSTOP: no timer ran, the monotonic clock moved past the lock duration, another worker took
    // the job. The write comes first after the resume, before any renewal timer.
    job.ours = false;
    const realNow = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => realNow() + 3_000);
    const refused = await fenced.update("a", write).catch((error: unknown) => error);
    expect(isFleetError(refused) && refused.code).toBe("lock-lost");
    expect(writes).toEqual([]);
    expect(lease.signal.aborted).toBe(true);
    await expect(
      snapshots.save({
        version: 1,
        tenantId: TENANT,
        protectedAtMs: 0,
        unitsAtMs: 0,
        protectedRead: { primarySignal: "available", users: [], complete: true },
        unitsRead: { units: [], complete: true },
      }),
    ).rejects.toMatchObject({ code: "lock-lost" });
    expect(saved).toEqual([]);
    expect(job.calls).toBe(2);
    vi.restoreAllMocks();
    lease.end();
  });

  test("a lock that is not ours from the start is refused before anything runs", async () => {
    const job = lockedJob();
    job.ours = false;
    await expect(startJobLease(job, "token", 30_000, TENANT)).rejects.toMatchObject({ code: "lock-lost" });
  });

  test("a renewal that fails ends the lease: the run's signal aborts", async () => {
    vi.useFakeTimers();
    const job = lockedJob();
    const lease = await startJobLease(job, "token", 3_000, TENANT);
    job.ours = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lease.signal.aborted).toBe(true);
    expect(isFleetError(lease.signal.reason) && lease.signal.reason.code).toBe("lock-lost");
    lease.end();
  });

  test("Redis unable to confirm the lock counts as lost", async () => {
    const job = lockedJob();
    const lease = await startJobLease(job, "token", 30_000, TENANT);
    job.extendLock = async () => {
      throw new Error("Connection is closed.");
    };
    // Force the local lease to have run out.
    const realNow = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => realNow() + 60_000);
    await expect(lease.ensure()).rejects.toMatchObject({ code: "lock-lost" });
    expect(lease.signal.aborted).toBe(true);
    vi.restoreAllMocks();
    lease.end();
  });
});
