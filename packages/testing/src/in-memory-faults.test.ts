import {
  createInMemoryDirectory,
  emergencyAccessTenant,
  isTestingError,
  largeTenant,
} from "@rotation-exclusion/testing";
import { afterEach, describe, expect, it, vi } from "vitest";

describe("in-memory directory fault injection", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("heals a transient fault after `times` failing calls", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant, {
      faults: [{ operation: "protected-users", kind: "throttled", times: 2 }],
    });
    expect((await directory.readProtectedUsers()).failure?.kind).toBe("throttled");
    expect((await directory.readProtectedUsers()).complete).toBe(false);
    const healed = await directory.readProtectedUsers();
    expect(healed.complete).toBe(true);
    expect(healed.users.map((user) => user.id)).toEqual(ids.protectedUsers);
  });

  it("reports Graph's status and code for each fault kind", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant);
    const expectations = [
      ["throttled", { kind: "throttled", status: 429 }],
      ["forbidden", { kind: "permission-missing", status: 403, code: "Authorization_RequestDenied" }],
      ["server-error", { kind: "unavailable", status: 503 }],
      ["network", { kind: "unavailable" }],
      ["bad-response", { kind: "bad-response", status: 200 }],
      ["not-found", { kind: "not-found", status: 404, code: "Request_ResourceNotFound" }],
    ] as const;
    for (const [kind, failure] of expectations) {
      directory.clearFaults();
      directory.injectFault({ operation: "user-check", userId: ids.activeAdmin, kind });
      const [check] = await directory.checkUsers([{ id: ids.activeAdmin }]);
      expect(check).toEqual({ outcome: "failed", failure: expect.objectContaining(failure) });
      expect(check?.outcome === "failed" && check.failure.message).toContain(ids.activeAdmin);
    }
  });

  it("matches a user-check fault by object id for UPN-only refs", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const upn = tenant.users.get(ids.breakGlass1)?.userPrincipalName ?? "";
    const directory = createInMemoryDirectory(tenant, {
      faults: [{ operation: "user-check", userId: ids.breakGlass1, kind: "throttled", times: 1 }],
    });
    expect((await directory.checkUsers([{ userPrincipalName: upn }]))[0]?.outcome).toBe("failed");
    expect((await directory.checkUsers([{ userPrincipalName: upn }]))[0]).toMatchObject({
      outcome: "found",
      isManagementRestricted: true,
    });
  });

  it("counts one request per page or lookup, by endpoint, and throttled answers", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant, {
      pageSize: 2,
      faults: [{ operation: "unit-members", unitId: ids.dynamicUnit, kind: "throttled" }],
    });
    await directory.readProtectedUsers(); // 4 protected users: 2 pages
    await directory.readRestrictedUnits(); // 4 units: 2 pages, 1 member page each
    await directory.checkUsers([
      { id: ids.breakGlass1 },
      { id: ids.activeAdmin },
      { userPrincipalName: "nobody@x" },
    ]);
    expect(directory.stats()).toEqual({
      requests: 11,
      retries: 0,
      throttled: 1,
      byEndpoint: {
        users: { requests: 2, retries: 0, throttled: 0 },
        "directory/administrativeUnits": { requests: 2, retries: 0, throttled: 0 },
        "directory/administrativeUnits/members": { requests: 4, retries: 0, throttled: 1 },
        "users/{id}": { requests: 3, retries: 0, throttled: 0 },
      },
    });
    directory.resetStats();
    expect(directory.stats().requests).toBe(0);
  });

  it("sees tenant changes between reads", async () => {
    const { tenant, ids } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant);
    tenant.units.delete(ids.emergencyAccessUnit);
    const read = await directory.readRestrictedUnits();
    expect(read.units.map((unit) => unit.id)).not.toContain(ids.emergencyAccessUnit);
    expect((await directory.checkUsers([{ id: ids.breakGlass1 }]))[0]).toMatchObject({
      isManagementRestricted: false,
    });
  });

  it("waits the configured latency per request and aborts during it", async () => {
    vi.useFakeTimers();
    const { tenant } = emergencyAccessTenant();
    const directory = createInMemoryDirectory(tenant, { latencyMs: 250 });
    let settled = false;
    const read = directory.readProtectedUsers().then((result) => {
      settled = true;
      return result;
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect((await read).complete).toBe(true);

    const controller = new AbortController();
    const pending = directory.readRestrictedUnits({ signal: controller.signal });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort("deadline");
    await expect(pending).rejects.toBe("deadline");
  });

  it("rejects bad options with a TestingError", () => {
    const { tenant } = emergencyAccessTenant();
    for (const options of [{ pageSize: 0 }, { pageSize: 2.5 }, { latencyMs: -1 }]) {
      let error: unknown;
      try {
        createInMemoryDirectory(tenant, options);
      } catch (caught) {
        error = caught;
      }
      expect(isTestingError(error) && error.code).toBe("invalid-argument");
    }
  });

  it("pages through a large tenant quickly", async () => {
    const { tenant, ids } = largeTenant({ users: 10_000, restrictedUnits: 5, protectedUsers: 250 });
    const directory = createInMemoryDirectory(tenant, { pageSize: 100 });
    const started = performance.now();
    const [users, units] = await Promise.all([
      directory.readProtectedUsers(),
      directory.readRestrictedUnits(),
    ]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(users.users.map((user) => user.id)).toEqual(ids.protectedUsers);
    expect(units.units.flatMap((unit) => unit.members.userIds)).toHaveLength(250);
    expect(directory.stats().byEndpoint.users?.requests).toBe(3);
  });
});
