/**
 * Bounded parallelism for per-object reads (a unit's members, a group's members): a few requests in
 * flight, never one per object at once, so a large tenant does not throttle itself.
 */

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
