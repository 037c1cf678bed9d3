/**
 * Client CPU of one quiet tenant-cycle (strategy (a) in steady state: the whole guard, snapshot store,
 * store list, classification, throttle budget, logging and the one HTTPS GET) against the CPU of a bare
 * `fetch` of the same GET over the same connection pool, measured side by side in one process,
 * interleaved, medians. Run in its own process by the bench (`BENCH_ONLY=cpu`).
 */
import { type BenchWorld, runCycle } from "./strategies.js";
import { tenantIdOf } from "./synthetic-tenants.js";

export interface QuietCpuResult {
  readonly tenants: number;
  readonly rounds: number;
  /** Median client CPU per quiet tenant-cycle, ms. */
  readonly guardCpuMs: number;
  /** Median client CPU per bare fetch of the same GET, ms. */
  readonly fetchCpuMs: number;
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function measureQuietCpu(world: BenchWorld, rounds: number): Promise<QuietCpuResult> {
  const { url, tenants } = world;
  await runCycle(world, "a"); // cold: reads the unit evidence once
  await runCycle(world, "a"); // warm-up of the steady path
  const query =
    "$filter=isManagementRestricted%20eq%20true&$select=id,userPrincipalName,displayName,isManagementRestricted&$top=999";
  const bareFetch = async (n: number) => {
    const response = await world.fetch(`${url}/v1.0/users?${query}`, {
      headers: { authorization: `Bearer bench.${tenantIdOf(n)}`, accept: "application/json" },
    });
    await response.text();
  };
  const guard: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let from = process.cpuUsage();
    await runCycle(world, "a");
    guard.push(cpuMs(from) / tenants);
    from = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < tenants) await bareFetch(next++);
      }),
    );
    bare.push(cpuMs(from) / tenants);
  }
  return { tenants, rounds, guardCpuMs: median(guard), fetchCpuMs: median(bare) };
}
