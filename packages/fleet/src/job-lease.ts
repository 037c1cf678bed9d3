/**
 * A worker's hold on one job: BullMQ's job lock, renewed by us and checked before every write, so that a
 * worker that lost the lock (paused past the lock duration, cut off from Redis) writes nothing more for
 * that job: another worker may already own the tenant (decision 0019).
 *
 * The lease counts from when a renewal was *sent*, never from when its answer arrived, and ends a margin
 * before the lock would expire in Redis: a write is let through only while the lock is surely still
 * ours. When the local lease has run out, the next write first asks Redis; if the lock is gone, the
 * lease's signal aborts the run and nothing more is written.
 */
import type { Job } from "bullmq";
import { createFleetError, type FleetError } from "./fleet-error.js";

/** A running lease. */
export interface JobLease {
  /** Aborted, with a `lock-lost` FleetError, once the lock is known lost. */
  readonly signal: AbortSignal;
  /** Resolves while the lock is ours (renewing it first when the local lease ran out); rejects when lost. */
  ensure(): Promise<void>;
  /** Stops renewing. */
  end(): void;
}

/** The part of a BullMQ job a lease needs. */
export type LeasedJob = Pick<Job, "id" | "extendLock">;

/**
 * Starts a lease: renews the lock once at once (the lease must count from a time we know), then every
 * third of the lock duration. Rejects with `lock-lost` when the lock is not ours to begin with.
 */
export async function startJobLease(
  job: LeasedJob,
  token: string,
  lockDurationMs: number,
  tenantId: string,
): Promise<JobLease> {
  const controller = new AbortController();
  const marginMs = Math.min(lockDurationMs / 4, 5_000);
  let validUntil = Number.NEGATIVE_INFINITY;
  let renewing: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;

  const lose = (cause?: unknown): FleetError => {
    const error = createFleetError(
      "lock-lost",
      `The lock of job ${job.id} (tenant ${tenantId}) was lost: another worker may run the tenant now, so this worker writes nothing more for it`,
      { tenantId, cause },
    );
    if (!controller.signal.aborted) controller.abort(error);
    return controller.signal.reason as FleetError;
  };

  const renew = (): Promise<void> => {
    renewing ??= (async () => {
      const sentAt = performance.now();
      let answer: unknown;
      try {
        answer = await job.extendLock(token, lockDurationMs);
      } catch (error) {
        // Redis could not confirm the lock: as good as lost, since it may expire unseen meanwhile.
        throw lose(error);
      }
      if (answer !== 1 && answer !== "1") throw lose();
      validUntil = sentAt + lockDurationMs - marginMs;
    })().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };

  const schedule = () => {
    timer = setTimeout(
      () => {
        if (ended || controller.signal.aborted) return;
        renew().then(schedule, () => {});
      },
      Math.max(10, lockDurationMs / 3),
    );
    timer.unref?.();
  };

  await renew();
  schedule();
  return {
    signal: controller.signal,
    async ensure() {
      if (controller.signal.aborted) throw controller.signal.reason;
      if (performance.now() < validUntil) return;
      await renew();
    },
    end() {
      ended = true;
      clearTimeout(timer);
    },
  };
}
