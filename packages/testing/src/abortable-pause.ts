/** Waits `ms` (a macrotask even at 0, so a caller's abort right after the call is seen); rejects on abort. */
export function abortablePause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      reject(signal?.reason);
    };
    const done = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const timer = ms > 0 ? setTimeout(done, ms) : undefined;
    const immediate = ms > 0 ? undefined : setImmediate(done);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
