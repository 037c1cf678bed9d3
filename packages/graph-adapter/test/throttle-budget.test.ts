/** The client-side throttle budget: documented costs, pacing per tenant and per app, and no 429 over HTTP. */

import {
  createThrottleBudget,
  IDENTITY_THROTTLE_LIMITS,
  isGraphDirectoryError,
  requestCost,
  throttleScopeOf,
} from "@rotation-exclusion/graph-adapter";
import { tenantBuilder } from "@rotation-exclusion/testing";
import { afterEach, describe, expect, test, vi } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

const ROOT = "https://graph.microsoft.com/v1.0";

describe("requestCost", () => {
  test.each([
    ["GET", `${ROOT}/users?$filter=x&$select=id&$top=999`, 1, 0],
    ["GET", `${ROOT}/users`, 2, 0],
    ["GET", `${ROOT}/users/abc?$select=id`, 1, 0],
    ["GET", `${ROOT}/groups/g1/members?$top=10`, 2, 0],
    ["GET", `${ROOT}/groups/g1/transitiveMembers?$expand=manager`, 6, 0],
    ["GET", `${ROOT}/directory/administrativeUnits/u1/members?$select=id&$top=999`, 1, 0],
    ["PATCH", `${ROOT}/users/abc`, 1, 1],
  ])("%s %s costs %i resource units and %i writes", (method, url, resourceUnits, writes) => {
    expect(requestCost(method, url)).toEqual({ resourceUnits, writes, requests: 1 });
  });

  test("a $batch costs the sum of its items", () => {
    const body = {
      requests: [
        { id: "1", method: "GET", url: "/users/a?$select=id" },
        { id: "2", method: "GET", url: "/users" },
        { id: "3", method: "PATCH", url: "/users/b" },
      ],
    };
    expect(requestCost("POST", `${ROOT}/$batch`, body)).toEqual({ resourceUnits: 4, writes: 1, requests: 3 });
  });
});

describe("createThrottleBudget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const oneUnit = { resourceUnits: 1, writes: 0, requests: 1 };

  test("lets a full bucket through at once, then paces each tenant at its own documented rate", async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = createThrottleBudget({
      headroom: 1,
      limits: { tenantResourceUnits: { small: 10, medium: 20, large: 40 }, tenantWindowMs: 1_000 },
    });
    const a = budget.forTenant("A");
    for (let i = 0; i < 10; i += 1) await a.acquire(oneUnit);
    let done = false;
    const eleventh = a.acquire(oneUnit).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    // Another tenant has its own bucket: it is not slowed by A's.
    await budget.forTenant("B").acquire(oneUnit);
    await vi.advanceTimersByTimeAsync(1);
    await eleventh;
    expect(done).toBe(true);
    expect(budget.stats()).toMatchObject({ acquired: 12, waited: 1, waitedMs: 100 });
  });

  test("sizes tenants by size and shares the app bucket across tenants", async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = createThrottleBudget({
      headroom: 0.5,
      tenantSize: (id) => (id === "big" ? "large" : "small"),
      limits: { appResourceUnits: 8, appWindowMs: 1_000 },
    });
    // 4 app units (8 at 50 % headroom) are shared: the fifth request of any tenant waits 250 ms.
    for (const id of ["big", "small-1", "small-2", "big"]) await budget.forTenant(id).acquire(oneUnit);
    const fifth = budget.forTenant("small-3").acquire(oneUnit);
    await vi.advanceTimersByTimeAsync(250);
    await fifth;
    expect(budget.stats().waitedMs).toBe(250);
    expect(IDENTITY_THROTTLE_LIMITS.tenantResourceUnits.large).toBe(8_000);
  });

  test("a reported 429 holds the tenant until Retry-After; an abort ends the wait with its reason", async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = createThrottleBudget();
    const tenant = budget.forTenant("A");
    tenant.reportThrottled(2_000);
    const controller = new AbortController();
    const waiting = tenant.acquire(oneUnit, controller.signal);
    controller.abort(new Error("cycle deadline"));
    await expect(waiting).rejects.toThrow("cycle deadline");
    const held = tenant.acquire(oneUnit);
    let done = false;
    void held.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  test("a 429 scoped to the application holds every tenant of the app; one scoped to the tenant, that tenant only", async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = createThrottleBudget();
    budget.forTenant("A").reportThrottled(1_000, "tenant");
    let otherDone = false;
    void budget
      .forTenant("B")
      .acquire(oneUnit)
      .then(() => {
        otherDone = true;
      });
    await vi.advanceTimersByTimeAsync(0);
    expect(otherDone).toBe(true);

    budget.forTenant("A").reportThrottled(2_000, "application");
    const done: string[] = [];
    for (const id of ["B", "C"]) {
      void budget
        .forTenant(id)
        .acquire(oneUnit)
        .then(() => done.push(id));
    }
    await vi.advanceTimersByTimeAsync(1_999);
    expect(done).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(done.sort()).toEqual(["B", "C"]);
  });

  test.each([
    ["Application/ReadWrite/app-id", "application"],
    ["application/Read/app-id/", "application"],
    ["Tenant_Application/ReadWrite/app-id/tenant-id", "tenant"],
    ["Tenant/Write/tenant-id", "tenant"],
    ["", "tenant"],
    [null, "tenant"],
  ])("x-ms-throttle-scope %j is the %s scope", (header, scope) => {
    expect(throttleScopeOf(header)).toBe(scope);
  });

  test("a request that gave up waiting gives its reservation back: the next one waits only for what was sent", async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = createThrottleBudget({
      headroom: 1,
      limits: { tenantResourceUnits: { small: 10, medium: 10, large: 10 }, tenantWindowMs: 10_000 },
    });
    const tenant = budget.forTenant("A");
    for (let i = 0; i < 10; i += 1) await tenant.acquire(oneUnit);
    // 100 callers queue, then their deadline ends the wait: nothing of theirs is ever sent.
    const gaveUp = Array.from({ length: 100 }, () => {
      const controller = new AbortController();
      const waiting = tenant.acquire(oneUnit, controller.signal).catch(() => "aborted");
      controller.abort(new Error("deadline"));
      return waiting;
    });
    expect(await Promise.all(gaveUp)).toEqual(Array(100).fill("aborted"));
    // A full window later the bucket is full again: the next request passes at once.
    await vi.advanceTimersByTimeAsync(10_000);
    let done = false;
    const next = tenant.acquire(oneUnit).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    await next;
    // And the bucket is never filled above its capacity by what was given back: the 11th request waits.
    for (let i = 0; i < 9; i += 1) await tenant.acquire(oneUnit);
    let eleventh = false;
    void tenant.acquire(oneUnit).then(() => {
      eleventh = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(eleventh).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(eleventh).toBe(true);
  });

  test("a request already aborted takes nothing, and one waiting on its tenant holds no app capacity", async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = createThrottleBudget({
      headroom: 1,
      limits: {
        tenantResourceUnits: { small: 1, medium: 1, large: 1 },
        tenantWindowMs: 1_000,
        appResourceUnits: 2,
        appWindowMs: 1_000,
      },
    });
    const aborted = new AbortController();
    aborted.abort(new Error("stopped"));
    await expect(budget.forTenant("A").acquire(oneUnit, aborted.signal)).rejects.toThrow("stopped");
    await budget.forTenant("A").acquire(oneUnit);
    // A's second request waits on A's own bucket; while it does, B may use the app's remaining unit.
    const controller = new AbortController();
    const waiting = budget
      .forTenant("A")
      .acquire(oneUnit, controller.signal)
      .catch(() => "aborted");
    await vi.advanceTimersByTimeAsync(0);
    let bDone = false;
    void budget
      .forTenant("B")
      .acquire(oneUnit)
      .then(() => {
        bDone = true;
      });
    await vi.advanceTimersByTimeAsync(0);
    expect(bDone).toBe(true);
    controller.abort(new Error("deadline"));
    expect(await waiting).toBe("aborted");
    expect(budget.stats().acquired).toBe(2);
  });

  test("refuses a headroom outside (0, 1] and non-positive limits", () => {
    expect(() => createThrottleBudget({ headroom: 0 })).toThrow(/headroom/);
    try {
      createThrottleBudget({ limits: { appWindowMs: -1 } });
      expect.unreachable();
    } catch (error) {
      expect(isGraphDirectoryError(error) && error.code).toBe("invalid-options");
    }
  });
});

describe("throttle budget over HTTP", () => {
  function tenantWithProtectedUsers(count: number) {
    const builder = tenantBuilder();
    const ids = Array.from({ length: count }, (_, i) => builder.user(`p${i}`));
    builder.unit("Tier 0", { restricted: true, members: ids });
    return builder.build();
  }

  test("without a budget the fake's limit answers 429; with one sized below it, none, and one token", async () => {
    const throttle = { requests: 4, windowMs: 200 };
    await using plain = await directoryOverFakeGraph(tenantWithProtectedUsers(8), {
      maxPageSize: 1,
      throttle,
    });
    const unpaced = await plain.directory.readProtectedUsers();
    expect(unpaced.complete).toBe(true);
    expect(plain.server.stats().throttled).toBeGreaterThan(0);

    const throttleBudget = createThrottleBudget({
      headroom: 1,
      limits: { tenantResourceUnits: { small: 2, medium: 2, large: 2 }, tenantWindowMs: 200 },
    });
    await using paced = await directoryOverFakeGraph(
      tenantWithProtectedUsers(8),
      { maxPageSize: 1, throttle },
      { throttleBudget },
    );
    const read = await paced.directory.readProtectedUsers();
    expect(read).toMatchObject({ complete: true });
    expect(read.users).toHaveLength(8);
    expect(paced.server.stats()).toMatchObject({ throttled: 0 });
    expect(paced.directory.stats()).toMatchObject({ throttled: 0, retries: 0 });
    expect(throttleBudget.stats().waited).toBeGreaterThan(0);
    // The token is cached per tenant: eight pages, one token request.
    expect(paced.credential.issued).toHaveLength(1);
  });

  test("a $batch item answered 429 is reported to the budget like an outer 429", async () => {
    const builder = tenantBuilder();
    const user = builder.user("checked");
    const throttleBudget = createThrottleBudget();
    await using graph = await directoryOverFakeGraph(
      builder.build(),
      {
        faults: [
          {
            match: { route: "users.get", inBatch: true },
            effect: { kind: "throttled", retryAfterSeconds: 0.05 },
            times: 1,
          },
        ],
      },
      { throttleBudget, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    );
    const [check] = await graph.directory.checkUsers([{ id: user }]);
    expect(check).toMatchObject({ outcome: "found" });
    // The outer $batch answered 200; only its item said 429.
    expect(throttleBudget.stats().throttledReported).toBe(1);
  });

  test("an outer 429 naming the application scope holds the other tenants of the app too", async () => {
    const builder = tenantBuilder();
    builder.unit("Tier 0", { restricted: true, members: [builder.user("p0")] });
    const throttleBudget = createThrottleBudget();
    const reported: [number, string | undefined][] = [];
    const forTenant = throttleBudget.forTenant.bind(throttleBudget);
    const spied = {
      stats: () => throttleBudget.stats(),
      forTenant(tenantId: string) {
        const tenant = forTenant(tenantId);
        return {
          acquire: tenant.acquire.bind(tenant),
          reportThrottled(ms: number, scope?: "tenant" | "application") {
            reported.push([ms, scope]);
            tenant.reportThrottled(ms, scope);
          },
        };
      },
    };
    await using graph = await directoryOverFakeGraph(
      builder.build(),
      {
        faults: [
          {
            match: { route: "users.list" },
            effect: {
              kind: "throttled",
              retryAfterSeconds: 0.05,
              headers: {
                "x-ms-throttle-scope": "Application/ReadWrite/00000000-0000-0000-0000-00000000000a",
              },
            },
            times: 1,
          },
        ],
      },
      { throttleBudget: spied, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    );
    const read = await graph.directory.readProtectedUsers();
    expect(read.complete).toBe(true);
    expect(reported).toEqual([[expect.any(Number), "application"]]);
    expect(reported[0]?.[0]).toBeGreaterThan(0);
  });
});
