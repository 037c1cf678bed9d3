/** BullMQ's own connection: blocking commands wait as long as they must (`maxRetriesPerRequest: null`). */
import { Redis } from "ioredis";
import { invalidOptions } from "./fleet-error.js";
import type { RedisConnection } from "./fleet-redis.js";

/** An ioredis client for BullMQ from a URL or options; the caller disconnects it. */
export function bullConnection(where: string, connection: RedisConnection): Redis {
  if (typeof connection === "string") {
    let protocol = "";
    try {
      protocol = new URL(connection).protocol;
    } catch {
      invalidOptions(where, "connection is not a URL (expected redis://host:port)");
    }
    if (protocol !== "redis:" && protocol !== "rediss:")
      invalidOptions(where, `connection must be a redis:// or rediss:// URL, not ${protocol}`);
    return new Redis(connection, { maxRetriesPerRequest: null });
  }
  if (typeof connection !== "object" || connection === null)
    invalidOptions(where, "connection must be a Redis URL or ioredis options");
  return new Redis({ ...connection, maxRetriesPerRequest: null });
}
