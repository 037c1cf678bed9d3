/**
 * The one worker pool of core: an exclusion run's writes, a role import's writes and a cycle's tenants
 * all go through it, so that "at most N at once, stop handing out work on abort, wait for what is in
 * flight" is written (and tested) once.
 */

/** Options of {@link boundedMap}. */
export interface BoundedMapOptions {
  /** At most this many `work` calls run at once (an integer >= 1). */
  readonly concurrency: number;
  /**
   * Once aborted, no further item is handed out; calls in flight are not cancelled but awaited (a
   * half-cancelled compare-and-set would leave us unsure whether it landed).
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * How a {@link boundedMap} ended. `started` items were handed to `work`, in order: for an array, the
 * items from index `started` on were never started.
 * - `done`: every item was handed out and every call settled.
 * - `stopped`: the signal was aborted; the calls in flight settled.
 * - `source-failed`: the iterable threw (`error`); no item was handed out after it, the calls in flight settled.
 */
export type BoundedMapEnd =
  | { readonly status: "done" | "stopped"; readonly started: number }
  | { readonly status: "source-failed"; readonly started: number; readonly error: unknown };

/**
 * Calls `work` for each item of an array, iterable or async iterable, at most `concurrency` at once,
 * and resolves once every started call has settled. Items are pulled one at a time (an iterator must
 * not be asked concurrently) and only when a worker is free, so a lazy source is read lazily. If a
 * `work` call throws, no further item is handed out and the first error is rethrown once the calls in
 * flight have settled.
 *
 * @example
 * const end = await boundedMap(writes, (entry) => applyWrite(entry), { concurrency: 8, signal });
 * const notStarted = writes.slice(end.started);
 */
export async function boundedMap<T>(
  items: Iterable<T> | AsyncIterable<T>,
  work: (item: T, index: number) => Promise<void>,
  options: BoundedMapOptions,
): Promise<BoundedMapEnd> {
  const { signal } = options;
  const iterator: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let started = 0;
  let end: BoundedMapEnd | undefined;
  let workFailure: { error: unknown } | undefined;
  let pulling: Promise<unknown> = Promise.resolve();
  // A function, not a narrowed property read: the signal may abort while a pull awaits.
  const stopping = () => signal?.aborted === true;

  const pull = async (): Promise<{ item: T; index: number } | undefined> => {
    if (end !== undefined || workFailure !== undefined) return undefined;
    if (stopping()) {
      end = { status: "stopped", started };
      return undefined;
    }
    let step: IteratorResult<T>;
    try {
      step = await iterator.next();
    } catch (error) {
      end = { status: "source-failed", started, error };
      return undefined;
    }
    if (step.done === true) {
      end = { status: "done", started };
      return undefined;
    }
    // An async source may have taken a while: an abort meanwhile still stops before this item starts.
    if (stopping()) {
      end = { status: "stopped", started };
      return undefined;
    }
    const index = started;
    started += 1;
    return { item: step.value, index };
  };

  const take = () => {
    const next = pulling.then(pull);
    pulling = next;
    return next;
  };

  const worker = async () => {
    for (;;) {
      const taken = await take();
      if (taken === undefined) return;
      try {
        await work(taken.item, taken.index);
      } catch (error) {
        workFailure ??= { error };
        return;
      }
    }
  };

  const workers = Array.isArray(items) ? Math.min(options.concurrency, items.length) : options.concurrency;
  await Promise.all(Array.from({ length: workers }, worker));
  // Stopped early: let a generator run its cleanup (finally blocks). Its own failure changes nothing here.
  if (end?.status !== "done" && end?.status !== "source-failed") {
    try {
      await iterator.return?.();
    } catch {
      // The items we needed were already taken; a source that fails to close is its own business.
    }
  }
  if (workFailure !== undefined) throw workFailure.error;
  return end ?? { status: "done", started };
}

/**
 * `task` over an array through {@link boundedMap}, with the results in input order: for reads that
 * fan out (a unit's members, a group's members), a few at a time, never one per object at once.
 *
 * @example
 * const members = await mapConcurrently(unitIds, (id) => readMembers(id), { concurrency: 4 });
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  task: (item: T, index: number) => Promise<R>,
  options: BoundedMapOptions,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  await boundedMap(
    items,
    async (item, index) => {
      results[index] = await task(item, index);
    },
    options,
  );
  return results;
}
