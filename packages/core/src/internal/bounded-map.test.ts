import { describe, expect, test } from "vitest";
import { boundedMap } from "./bounded-map.js";

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A `work` that records what ran and how many ran at once. */
function recorder(delayMs = 1) {
  const done: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const work = async (item: number) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await tick(delayMs);
    running -= 1;
    done.push(item);
  };
  return { work, done, max: () => maxRunning, running: () => running };
}

describe("boundedMap", () => {
  test("runs every item, never more than `concurrency` at once", async () => {
    const r = recorder();
    const items = Array.from({ length: 20 }, (_, i) => i);
    const end = await boundedMap(items, r.work, { concurrency: 3 });
    expect(end).toEqual({ status: "done", started: 20 });
    expect([...r.done].sort((a, b) => a - b)).toEqual(items);
    expect(r.max()).toBe(3);
  });

  test("an empty list or a concurrency above the length is fine", async () => {
    expect(await boundedMap([], async () => {}, { concurrency: 4 })).toEqual({ status: "done", started: 0 });
    const r = recorder();
    expect(await boundedMap([1, 2], r.work, { concurrency: 100 })).toEqual({ status: "done", started: 2 });
  });

  test("an abort stops handing out items; the calls in flight settle first", async () => {
    const controller = new AbortController();
    const r = recorder(5);
    const items = Array.from({ length: 10 }, (_, i) => i);
    const end = await boundedMap(
      items,
      async (item) => {
        if (item === 3) controller.abort();
        await r.work(item);
      },
      { concurrency: 2, signal: controller.signal },
    );
    expect(end.status).toBe("stopped");
    // Items 0..3 were handed out before the abort; nothing after it; everything handed out settled.
    expect(end.started).toBe(4);
    expect([...r.done].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(r.running()).toBe(0);
    expect(items.slice(end.started)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  test("an already aborted signal starts nothing", async () => {
    const r = recorder();
    const end = await boundedMap([1, 2, 3], r.work, { concurrency: 2, signal: AbortSignal.abort() });
    expect(end).toEqual({ status: "stopped", started: 0 });
    expect(r.done).toEqual([]);
  });

  test("a throwing source ends as source-failed after the calls in flight settle", async () => {
    const r = recorder(20);
    const failure = new Error("tenant list down");
    async function* source() {
      yield 1;
      yield 2;
      await tick(1);
      throw failure;
    }
    const end = await boundedMap(source(), r.work, { concurrency: 4 });
    expect(end).toEqual({ status: "source-failed", started: 2, error: failure });
    expect([...r.done].sort()).toEqual([1, 2]);
    expect(r.running()).toBe(0);
  });

  test("a throwing work call stops handing out items and is rethrown after the others settle", async () => {
    const r = recorder(10);
    const started: number[] = [];
    const run = boundedMap(
      [0, 1, 2, 3, 4, 5],
      async (item) => {
        started.push(item);
        if (item === 1) throw new Error("bug");
        await r.work(item);
      },
      { concurrency: 2 },
    );
    await expect(run).rejects.toThrow("bug");
    expect(r.running()).toBe(0);
    // Item 0 was in flight when item 1 threw: it settled; item 2 was the only one taken meanwhile at most.
    expect(started.length).toBeLessThanOrEqual(3);
    expect(r.done).toContain(0);
  });

  test("an async source is pulled lazily, one at a time, and closed when the run stops early", async () => {
    let pulling = 0;
    let overlapping = false;
    let pulled = 0;
    let closed = false;
    const controller = new AbortController();
    async function* source() {
      try {
        for (let i = 0; ; i++) {
          pulling += 1;
          if (pulling > 1) overlapping = true;
          await tick(1);
          pulling -= 1;
          pulled += 1;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const end = await boundedMap(
      source(),
      async (item) => {
        if (item === 5) controller.abort();
        await tick(2);
      },
      { concurrency: 3, signal: controller.signal },
    );
    expect(end.status).toBe("stopped");
    expect(overlapping).toBe(false);
    // An endless source is read only as far as free workers asked.
    expect(pulled).toBeLessThanOrEqual(end.started + 3);
    expect(closed).toBe(true);
  });
});
