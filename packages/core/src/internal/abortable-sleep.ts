/**
 * The one abortable wait of this repository: the adapter's retry delays and throttle-budget pauses, the
 * testing kit's simulated latency and the fake Graph server's delays all end early on abort.
 */

/**
 * Resolves after `ms` (at once when `ms` is not positive), or rejects with the signal's reason as soon as
 * it aborts, including when it already has: a caller that gave up must not go on to take a reservation
 * or send a request. The abort listener is removed when the timer fires, so a long-lived signal does not
 * keep a closure per wait.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    if (!(ms > 0)) {
      resolve();
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
