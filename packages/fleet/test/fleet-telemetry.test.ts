/**
 * The fleet worker's OpenTelemetry against a real Redis: one CONSUMER span per tenant job, with core's
 * cycle and tenant-run spans inside it, and the jobs counted by result without a tenant id.
 */
import { readFileSync } from "node:fs";
import { SpanKind } from "@opentelemetry/api";
import {
  connectFleetRedis,
  createExclusionQueue,
  createExclusionWorker,
  createRedisSnapshotStore,
} from "@rotation-exclusion/fleet";
import {
  createInMemoryAccountStore,
  createInMemoryDirectory,
  emergencyAccessTenant,
} from "@rotation-exclusion/testing";
import { captureTelemetry, total } from "@rotation-exclusion/testing/telemetry";
import { afterAll, describe, expect, test } from "vitest";
import { deleteKeys, missingServices, REDIS_URL, uniquePrefix } from "./fleet-services.js";

const missing = await missingServices();
const prefix = uniquePrefix("telemetry");

describe.skipIf(missing !== undefined)(`fleet telemetry${missing ? ` (skipped: ${missing})` : ""}`, () => {
  const redis = connectFleetRedis(REDIS_URL);
  afterAll(async () => {
    await deleteKeys(prefix);
    await redis.close();
  });

  test("a worker's job span holds the tenant's run; jobs are counted by result", async () => {
    await using telemetry = captureTelemetry();
    const { tenant } = emergencyAccessTenant();
    const queueName = "telemetry";
    const bullPrefix = `${prefix}bull`;
    const queue = createExclusionQueue({ connection: REDIS_URL, queueName, bullPrefix });
    const worker = createExclusionWorker({
      connection: REDIS_URL,
      queueName,
      bullPrefix,
      name: "worker-1",
      createDirectory: () => createInMemoryDirectory(tenant),
      accounts: () => createInMemoryAccountStore([]),
      snapshotStore: createRedisSnapshotStore({ redis, keyPrefix: prefix }),
    });
    try {
      await worker.ready();
      await queue.enqueueCycle({ cycleId: "c1", tenants: [tenant.tenantId] });
      const report = await queue.collectCycle({
        cycleId: "c1",
        tenants: [tenant.tenantId],
        timeoutMs: 15_000,
        pollIntervalMs: 50,
      });
      expect(report.tenants[0]?.status).toBe("done");
    } finally {
      await worker.close();
      await queue.close();
    }
    const spans = telemetry.spans();
    const job = spans.find((span) => span.name === `process ${queueName}`);
    expect(job?.kind).toBe(SpanKind.CONSUMER);
    expect(job?.attributes).toMatchObject({
      "messaging.destination.name": queueName,
      "rotation_exclusion.tenant.id": tenant.tenantId,
      "rotation_exclusion.fleet.worker": "worker-1",
      "rotation_exclusion.fleet.job.result": "done",
    });
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(job?.instrumentationScope).toEqual({ name: "@rotation-exclusion/fleet", version });
    const cycle = spans.find((span) => span.name === "rotation_exclusion.cycle");
    expect(cycle?.parentSpanContext?.spanId).toBe(job?.spanContext().spanId);
    const run = spans.find((span) => span.name === "rotation_exclusion.tenant_run");
    expect(run?.parentSpanContext?.spanId).toBe(cycle?.spanContext().spanId);

    const points = await telemetry.points();
    expect(
      total(points, "rotation_exclusion.fleet.jobs", { "rotation_exclusion.fleet.job.result": "done" }),
    ).toBe(1);
    for (const point of points) expect(Object.values(point.attributes)).not.toContain(tenant.tenantId);
  });
});
