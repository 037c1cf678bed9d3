/**
 * The five answers to "which of these managed accounts may I rotate?", each run over many tenants:
 * (a) ours: runExclusionCycle (protected-user flag query + cached unit evidence) over the Graph adapter;
 * (b) unit enumeration only (every cycle); (c) one GET per managed account; (d) the same GETs in
 * `$batch`es of 20; (e) what rotation engines do today: attempt the password change, classify the 403.
 * (c) to (e) are plain clients that honour `Retry-After`, as a careful rotation engine would.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import {
  type AccountStore,
  type CycleGuardOptions,
  createInMemorySnapshotStore,
  runExclusionCycle,
  type SnapshotStore,
} from "@rotation-exclusion/core";
import {
  createGraphConnectionPool,
  createGraphDirectory,
  createThrottleBudget,
  type FetchFunction,
  type GraphConnectionPool,
  type ThrottleBudget,
} from "@rotation-exclusion/graph-adapter";
import { Agent, fetch as undiciFetch } from "undici";
import { lazyAccountStore } from "./lazy-account-store.js";
import { sizeOf, type TenantShape, tenantIdOf, tenantIndexOf, userIdOf } from "./synthetic-tenants.js";

export type Strategy = "a" | "b" | "c" | "d" | "e";

/** Tenants worked on at once, for every strategy. */
export const TENANT_CONCURRENCY = 32;
/** Requests in flight per tenant for (c) and (e); (d) keeps 4 batches (80 items) in flight. */
const PER_TENANT_CONCURRENCY = 16;

/** What a cycle of strategy (a) may change in the guards (production cells: evidence expiry). */
export interface CycleOptions {
  readonly guardOptions?: CycleGuardOptions;
}

export interface BenchWorld {
  readonly url: string;
  /** For the plain clients (c) to (e), and the bare-fetch baseline. */
  readonly fetch: FetchFunction;
  /** For the Graph adapter: one pool of keep-alive connections for every tenant, as a host shares one. */
  readonly connectionPool: GraphConnectionPool;
  readonly tenants: number;
  /** Managed accounts of tenant n. */
  readonly accountsOf: (n: number) => number;
  /** One budget for the app, kept across cycles as a host keeps it (cycles run back to back). */
  readonly throttleBudget: ThrottleBudget;
  /** One store per tenant, kept across cycles (exclusions written by (a) stay). */
  readonly stores: Map<number, AccountStore>;
  snapshotStore: SnapshotStore;
}

export function createWorld(
  url: string,
  ca: string,
  tenants: number,
  accounts: number | ((n: number) => number),
  shape: TenantShape = "large",
): BenchWorld {
  // One connection pool for every tenant, as a host would share one agent towards graph.microsoft.com.
  const agent = new Agent({ connect: { ca }, connections: 256, keepAliveTimeout: 60_000 });
  const fetch = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent } as Parameters<
      typeof undiciFetch
    >[1])) as unknown as FetchFunction;
  const connectionPool = createGraphConnectionPool({ ca, connections: 256 });
  return {
    url,
    fetch,
    connectionPool,
    tenants,
    accountsOf: typeof accounts === "number" ? () => accounts : accounts,
    throttleBudget: createThrottleBudget({
      tenantSize: (tenantId) => sizeOf(shape, tenantIndexOf(tenantId)),
    }),
    stores: new Map(),
    snapshotStore: createInMemorySnapshotStore(),
  };
}

function storeOf(world: BenchWorld, tenant: number): AccountStore {
  let store = world.stores.get(tenant);
  if (store === undefined) {
    store = lazyAccountStore(tenant, world.accountsOf(tenant));
    world.stores.set(tenant, store);
  }
  return store;
}

const credential: TokenCredential = {
  async getToken(_scope, options): Promise<AccessToken> {
    return { token: `bench.${options?.tenantId ?? ""}`, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

async function eachBounded(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

const tenantIds = (count: number) => Array.from({ length: count }, (_, n) => tenantIdOf(n));

/** (a) and (b): the rotatable count over all tenants, through the Graph adapter. */
async function viaAdapter(world: BenchWorld, strategy: "a" | "b", options: CycleOptions): Promise<number> {
  const { throttleBudget } = world;
  const directory = (tenantId: string) =>
    createGraphDirectory({
      tenantId,
      credential,
      baseUrl: world.url,
      connectionPool: world.connectionPool,
      throttleBudget,
    });
  if (strategy === "a") {
    const report = await runExclusionCycle({
      tenants: tenantIds(world.tenants),
      createDirectory: directory,
      accounts: (tenantId) => storeOf(world, Number.parseInt(tenantId.slice(-12), 16)),
      snapshotStore: world.snapshotStore,
      concurrency: TENANT_CONCURRENCY,
      ...(options.guardOptions !== undefined ? { guardOptions: options.guardOptions } : {}),
    });
    if (report.tenantCounts.done !== world.tenants || report.accounts.deferred > 0) {
      throw new Error(`strategy (a) did not finish cleanly: ${JSON.stringify(report.tenantCounts)}`);
    }
    return report.accounts.notProtected;
  }
  let rotatable = 0;
  await eachBounded(world.tenants, TENANT_CONCURRENCY, async (n) => {
    const read = await directory(tenantIdOf(n)).readRestrictedUnits();
    if (!read.complete) throw new Error("unit enumeration incomplete");
    const members = new Set(read.units.flatMap((unit) => unit.members.userIds));
    for (const account of await storeOf(world, n).list()) {
      if (!members.has(account.objectId as string)) rotatable += 1;
    }
  });
  return rotatable;
}

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One request with Retry-After honoured (at most 8 attempts). */
async function send(
  world: BenchWorld,
  tenant: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await world.fetch(`${world.url}/v1.0${path}`, {
      method,
      headers: {
        authorization: `Bearer bench.${tenantIdOf(tenant)}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status === 429 && attempt < 8) {
      await new Promise((resolve) =>
        setTimeout(resolve, Number(response.headers.get("retry-after") ?? 1) * 1000),
      );
      continue;
    }
    return {
      status: response.status,
      headers: response.headers,
      body: text.length > 0 ? JSON.parse(text) : undefined,
    };
  }
}

const userPath = (tenant: number, i: number) =>
  `/users/${userIdOf(tenant, i)}?$select=id,isManagementRestricted`;

/** (c), (d), (e): the rotatable count over all tenants, with plain HTTP. */
async function perUser(world: BenchWorld, strategy: "c" | "d" | "e"): Promise<number> {
  let rotatable = 0;
  await eachBounded(world.tenants, TENANT_CONCURRENCY, async (n) => {
    const accounts = await storeOf(world, n).list();
    if (strategy === "d") {
      const chunks = Math.ceil(accounts.length / 20);
      await eachBounded(chunks, 4, async (c) => {
        let pending = accounts.slice(c * 20, c * 20 + 20).map((_, k) => c * 20 + k);
        for (let attempt = 1; pending.length > 0 && attempt <= 8; attempt += 1) {
          const requests = pending.map((i) => ({ id: String(i), method: "GET", url: userPath(n, i) }));
          const reply = await send(world, n, "POST", "/$batch", { requests });
          const responses = (
            reply.body as {
              responses: {
                id: string;
                status: number;
                headers: Record<string, string>;
                body: { isManagementRestricted?: boolean | null };
              }[];
            }
          ).responses;
          let waitS = 0;
          const retry: number[] = [];
          for (const item of responses) {
            if (item.status === 429) {
              retry.push(Number(item.id));
              waitS = Math.max(waitS, Number(item.headers["retry-after"] ?? 1));
            } else if (item.status === 200 && item.body.isManagementRestricted !== true) rotatable += 1;
          }
          pending = retry;
          if (retry.length > 0) await new Promise((resolve) => setTimeout(resolve, waitS * 1000));
        }
      });
      return;
    }
    await eachBounded(accounts.length, PER_TENANT_CONCURRENCY, async (i) => {
      if (strategy === "c") {
        const reply = await send(world, n, "GET", userPath(n, i));
        if (
          reply.status === 200 &&
          (reply.body as { isManagementRestricted?: boolean | null }).isManagementRestricted !== true
        )
          rotatable += 1;
        return;
      }
      const reply = await send(world, n, "PATCH", `/users/${userIdOf(n, i)}`, {
        passwordProfile: { password: `Bench-${i}-Pw!`, forceChangePasswordNextSignIn: false },
      });
      // 204: rotated; a 403 naming a restricted unit: protected, skipped next time (if remembered).
      if (reply.status === 204) rotatable += 1;
    });
  });
  return rotatable;
}

/** Runs one cycle of `strategy` over the world; answers the number of rotatable accounts found. */
export function runCycle(world: BenchWorld, strategy: Strategy, options: CycleOptions = {}): Promise<number> {
  return strategy === "a" || strategy === "b"
    ? viaAdapter(world, strategy, options)
    : perUser(world, strategy);
}
