/**
 * The fleet's own Redis connection (the snapshot store and the shared budget; BullMQ keeps its own):
 * fail-fast (a command that gets no answer within `commandTimeoutMs` fails instead of waiting for a
 * reconnect), every command counted as one round trip, and every failure a `FleetError` that names the
 * server by host and port only, never by a URL that may carry a password.
 */

import { redactSecrets } from "@rotation-exclusion/core/internal";
import { Redis, type RedisOptions } from "ioredis";
import { createFleetError, invalidOptions, isFleetError } from "./fleet-error.js";

/** Where Redis is: a `redis://` or `rediss://` URL, or ioredis options. */
export type RedisConnection = string | RedisOptions;

/** Options of {@link connectFleetRedis}. */
export interface FleetRedisOptions {
  /** How long one command may take before it counts as Redis being unavailable. Default 2000. */
  readonly commandTimeoutMs?: number;
}

/** A counted, fail-fast Redis connection shared by the fleet's stores in one process. */
export interface FleetRedis {
  /** The ioredis client (for scripts of this package; do not share it with BullMQ). */
  readonly client: Redis;
  /** `host:port` of the server, safe to log. */
  readonly server: string;
  /** Round trips sent so far: a command, a script call or a pipeline counts one. */
  roundTrips(): number;
  /** Closes the connection. */
  close(): Promise<void>;
}

const DEFAULTS = { commandTimeoutMs: 2_000 } satisfies Required<FleetRedisOptions>;

/** What {@link roundTrip} runs: one exchange with Redis. */
export interface CountedRedis extends FleetRedis {
  /** Sends one exchange, counts it, and turns any failure into a `redis-unavailable` FleetError. */
  roundTrip<T>(what: string, send: (client: Redis) => Promise<T>, tenantId?: string): Promise<T>;
}

/** The host and port of a connection, never its password or user. */
export function describeRedis(connection: RedisConnection): string {
  if (typeof connection === "string") {
    try {
      const url = new URL(connection);
      return `${url.hostname || "localhost"}:${url.port || "6379"}`;
    } catch {
      return "an unparsable Redis URL";
    }
  }
  return `${connection.host ?? "localhost"}:${connection.port ?? 6379}`;
}

function checkConnection(where: string, connection: unknown): asserts connection is RedisConnection {
  if (typeof connection === "string") {
    let protocol = "";
    try {
      protocol = new URL(connection).protocol;
    } catch {
      invalidOptions(where, "connection is not a URL (expected redis://host:port or rediss://host:port)");
    }
    if (protocol !== "redis:" && protocol !== "rediss:")
      invalidOptions(where, `connection must be a redis:// or rediss:// URL, not ${protocol}`);
    return;
  }
  if (typeof connection !== "object" || connection === null || Array.isArray(connection))
    invalidOptions(where, "connection must be a Redis URL or ioredis options");
}

/**
 * Connects the fleet's Redis client: one per process is enough (commands are pipelined by ioredis).
 *
 * @example
 * const redis = connectFleetRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
 * const snapshotStore = createRedisSnapshotStore({ redis });
 */
export function connectFleetRedis(connection: RedisConnection, options: FleetRedisOptions = {}): FleetRedis {
  checkConnection("connectFleetRedis", connection);
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
  if (!(Number.isInteger(commandTimeoutMs) && commandTimeoutMs > 0))
    invalidOptions("connectFleetRedis", "commandTimeoutMs must be a whole number of milliseconds > 0");
  const failFast: RedisOptions = {
    commandTimeout: commandTimeoutMs,
    // A command waits for at most one reconnect: a budget or snapshot that Redis cannot give now is
    // reported, never waited for (decision 0019).
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    lazyConnect: false,
  };
  const client =
    typeof connection === "string"
      ? new Redis(connection, failFast)
      : new Redis({ ...connection, ...failFast });
  const server = describeRedis(connection);
  let lastError = "";
  // An 'error' event without a listener would be printed by ioredis on every reconnect attempt; the
  // failures reach callers through their commands, so the event only keeps the last message.
  client.on("error", (error: unknown) => {
    lastError = error instanceof Error ? error.message : String(error);
  });
  let roundTrips = 0;
  const counted: CountedRedis = {
    client,
    server,
    roundTrips: () => roundTrips,
    async close() {
      client.disconnect();
    },
    async roundTrip(what, send, tenantId) {
      roundTrips += 1;
      try {
        return await send(client);
      } catch (error) {
        if (isFleetError(error)) throw error;
        const reason = redactSecrets(error instanceof Error ? error.message : String(error));
        throw createFleetError(
          "redis-unavailable",
          `${what} failed: Redis at ${server} did not answer (${reason || lastError}); check that Redis is up and reachable`,
          { cause: error, tenantId },
        );
      }
    },
  };
  return counted;
}

/** The counting side of a {@link FleetRedis} made by {@link connectFleetRedis}. */
export function countedRedis(where: string, redis: unknown): CountedRedis {
  if (
    typeof redis !== "object" ||
    redis === null ||
    typeof (redis as Partial<CountedRedis>).roundTrip !== "function"
  ) {
    invalidOptions(where, "redis must come from connectFleetRedis()");
  }
  return redis as CountedRedis;
}
