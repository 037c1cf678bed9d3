/**
 * Core's OpenTelemetry spans and metrics, read back through the SDK with in-memory exporters: a cycle
 * with a throttled tenant, a failed tenant and a released account; the incomplete streak; and telemetry
 * that throws never changing a verdict nor failing a tenant.
 */
import { readFileSync } from "node:fs";
import { metrics, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  type AccountStore,
  createInMemorySnapshotStore,
  type DirectoryReader,
  type ExclusionCycleOptions,
  runExclusionCycle,
} from "@rotation-exclusion/core";
import { captureTelemetry, everyAttributeValue, total } from "@rotation-exclusion/testing/telemetry";
import { afterEach, describe, expect, test } from "vitest";
import { createFakeDirectory, type FakeFaults } from "./directory-fixture.js";
import { createFakeStore, type SeedAccount } from "./fake-store.js";
import {
  BOB,
  createFixture,
  ERIN,
  OUR_EXCLUSION as ours,
  standardAccounts,
  standardTenant,
} from "./guard-fixture.js";
import { GLOBAL_ADMIN, roleTenant } from "./role-fixture.js";

const QUIET = "aaaaaaaa-0000-4000-8000-000000000001";
const THROTTLED = "aaaaaaaa-0000-4000-8000-000000000002";
const FAILED = "aaaaaaaa-0000-4000-8000-000000000003";

/** Bob was excluded by us, and no restricted unit holds him any more: the quiet tenant releases him. */
function accountsWithBobReleased(): SeedAccount[] {
  return standardAccounts().map((account) =>
    account.key === "bob" ? { key: "bob", objectId: BOB, autoRotate: false, record: ours } : account,
  );
}

function cycleOptions(
  faults: (tenantId: string) => FakeFaults = (id) =>
    id === THROTTLED
      ? { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } }
      : { canReadHidden: true },
): ExclusionCycleOptions {
  return {
    tenants: [QUIET, THROTTLED, FAILED],
    createDirectory: (id): DirectoryReader => createFakeDirectory(standardTenant(), faults(id)).reader,
    accounts: (id): AccountStore => {
      if (id === FAILED) throw new Error("the account database of this tenant is unreachable");
      return createFakeStore(accountsWithBobReleased()).store;
    },
    concurrency: 1,
  };
}

afterEach(() => {
  trace.disable();
  metrics.disable();
});

describe("core telemetry", () => {
  test("a cycle: one span per cycle, tenant run and snapshot refresh, nested, with outcomes", async () => {
    await using telemetry = captureTelemetry();
    const report = await runExclusionCycle(cycleOptions());
    expect(report.tenantCounts).toMatchObject({ done: 2, failed: 1, incomplete: 1 });

    const spans = telemetry.spans();
    const cycles = spans.filter((span) => span.name === "rotation_exclusion.cycle");
    expect(cycles).toHaveLength(1);
    const cycle = cycles[0];
    expect(cycle?.instrumentationScope.name).toBe("@rotation-exclusion/core");
    expect(cycle?.attributes).toMatchObject({
      "rotation_exclusion.dry_run": false,
      "rotation_exclusion.cycle.tenants": 3,
      "rotation_exclusion.cycle.tenants.failed": 1,
      "rotation_exclusion.cycle.tenants.incomplete": 1,
    });

    const runs = spans.filter((span) => span.name === "rotation_exclusion.tenant_run");
    const runOf = (id: string) => runs.find((span) => span.attributes["rotation_exclusion.tenant.id"] === id);
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run.parentSpanContext?.spanId).toBe(cycle?.spanContext().spanId);
    expect(runOf(QUIET)?.attributes).toMatchObject({
      "rotation_exclusion.tenant.outcome": "done",
      "rotation_exclusion.snapshot.complete": true,
      "rotation_exclusion.snapshot.incomplete_streak": 0,
      "rotation_exclusion.accounts.released": 1,
      "rotation_exclusion.accounts.excluded": 3,
    });
    expect(runOf(THROTTLED)?.attributes).toMatchObject({
      "rotation_exclusion.tenant.outcome": "done",
      "rotation_exclusion.snapshot.complete": false,
      "rotation_exclusion.snapshot.incomplete_reason": "throttled",
      "rotation_exclusion.snapshot.incomplete_streak": 1,
    });
    expect(runOf(FAILED)?.attributes).toMatchObject({
      "rotation_exclusion.tenant.outcome": "failed",
      "error.type": "Error",
    });
    expect(runOf(FAILED)?.status.code).toBe(SpanStatusCode.ERROR);
    expect(runOf(QUIET)?.status.code).toBe(SpanStatusCode.UNSET);

    // Each refresh is a child of its tenant's run (the host registered a context manager).
    const refreshes = spans.filter((span) => span.name === "rotation_exclusion.snapshot_refresh");
    expect(refreshes).toHaveLength(2);
    const throttledRefresh = refreshes.find(
      (span) => span.parentSpanContext?.spanId === runOf(THROTTLED)?.spanContext().spanId,
    );
    expect(throttledRefresh?.attributes).toMatchObject({
      "rotation_exclusion.snapshot.complete": false,
      "rotation_exclusion.snapshot.incomplete_reason": "throttled",
    });

    const points = await telemetry.points();
    const runsBy = (attributes: Record<string, string | boolean>) =>
      total(points, "rotation_exclusion.tenant.runs", attributes);
    expect(runsBy({ "rotation_exclusion.tenant.outcome": "done" })).toBe(2);
    expect(runsBy({ "rotation_exclusion.tenant.outcome": "failed" })).toBe(1);
    expect(runsBy({ "rotation_exclusion.snapshot.incomplete_reason": "throttled" })).toBe(1);
    const outcome = (name: string) =>
      total(points, "rotation_exclusion.account.outcomes", { "rotation_exclusion.account.outcome": name });
    expect(outcome("released")).toBe(1);
    // The throttled tenant still excludes on positive unit evidence; Bob and Carol wait for a complete
    // snapshot there (Bob is not released on an incomplete one).
    expect(outcome("excluded")).toBe(6);
    expect(outcome("deferred")).toBe(2);
    const verdicts = (status: string, reason?: string) =>
      total(points, "rotation_exclusion.account.verdicts", {
        "rotation_exclusion.verdict.status": status,
        ...(reason === undefined ? {} : { "rotation_exclusion.verdict.reason": reason }),
      });
    expect(verdicts("protected")).toBe(6);
    expect(verdicts("not-protected")).toBe(2);
    expect(verdicts("unknown", "throttled")).toBe(2);
    expect(total(points, "rotation_exclusion.cycle.duration")).toBe(1);
    expect(
      total(points, "rotation_exclusion.snapshot.refreshes", {
        "rotation_exclusion.snapshot.complete": false,
      }),
    ).toBe(1);
    expect(points.find((point) => point.name === "rotation_exclusion.cycle.duration")?.unit).toBe("s");
    // Both refreshes record their unit evidence's age; the complete one records no last_complete age (it
    // is 0 by construction), and the incomplete one had no complete refresh before it.
    const age = (evidence: string) =>
      total(points, "rotation_exclusion.snapshot.age", { "rotation_exclusion.snapshot.evidence": evidence });
    expect(age("unit_evidence")).toBe(2);
    expect(age("last_complete")).toBe(0);

    // Low cardinality: no tenant id, account id or UPN on any metric.
    for (const point of points) {
      const values = Object.values(point.attributes).map(String).join(" ");
      for (const id of [QUIET, THROTTLED, FAILED, BOB, "bob", "@contoso.test"])
        expect(values).not.toContain(id);
      expect(Object.keys(point.attributes)).not.toContain("rotation_exclusion.tenant.id");
    }
    // No UPN anywhere, spans included.
    expect(everyAttributeValue(spans, points).join("\n")).not.toContain("@contoso.test");
  });

  test("the scope carries the package's version", async () => {
    await using telemetry = captureTelemetry();
    await runExclusionCycle({ ...cycleOptions(), tenants: [QUIET] });
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const [span] = telemetry.spans();
    expect(span?.instrumentationScope).toEqual({ name: "@rotation-exclusion/core", version });
    const points = await telemetry.points("rotation_exclusion.tenant.runs");
    expect(points[0]?.scope).toBe("@rotation-exclusion/core");
  });

  test("the incomplete streak is kept beside the snapshot, and tenants over the threshold are counted", async () => {
    await using telemetry = captureTelemetry();
    const snapshotStore = createInMemorySnapshotStore();
    const faults: { current: FakeFaults } = {
      current: { canReadHidden: true, protectedUsers: { kind: "throttled", afterCount: 0 } },
    };
    const run = () =>
      runExclusionCycle({
        ...cycleOptions(() => faults.current),
        tenants: [THROTTLED],
        snapshotStore,
        incompleteStreakThreshold: 3,
      });
    const streaks: (number | undefined)[] = [];
    for (let cycle = 0; cycle < 4; cycle += 1) streaks.push((await run()).tenants[0]?.incompleteStreak);
    faults.current = { canReadHidden: true };
    streaks.push((await run()).tenants[0]?.incompleteStreak);
    expect(streaks).toEqual([1, 2, 3, 4, 0]);

    const spanStreaks = telemetry
      .spans()
      .filter((span) => span.name === "rotation_exclusion.tenant_run")
      .map((span) => span.attributes["rotation_exclusion.snapshot.incomplete_streak"]);
    expect(spanStreaks).toEqual([1, 2, 3, 4, 0]);
    const points = await telemetry.points();
    // Runs 3 and 4 were at or over the threshold: one tenant over it, in each of two cycles.
    expect(total(points, "rotation_exclusion.tenant.incomplete_streak.exceeded")).toBe(2);
    // The gauge says how many tenants were over it at the end of the last cycle: none, it recovered.
    const gauge = points.filter(
      (point) => point.name === "rotation_exclusion.cycle.incomplete_streak.tenants",
    );
    expect(gauge.map((point) => point.value)).toEqual([0]);
    const stored = await snapshotStore.load(THROTTLED);
    expect(stored?.incompleteStreak).toBe(0);
  });

  test("a role import of Global Administrators says how many of them are protected, without naming them", async () => {
    await using telemetry = captureTelemetry();
    // Alice is the only Global Administrator in a restricted unit (Carol and Bob are not protected).
    const short = createFixture({ tenant: roleTenant(), accounts: [] });
    await short.guard.applyRoleImport(await short.guard.planRoleImport({ roles: ["Global Administrator"] }));
    // Erin, in the restricted unit too, becomes a Global Administrator: two are protected.
    const tenant = roleTenant();
    tenant.roles?.find((role) => role.id === GLOBAL_ADMIN)?.holders.push({ principalId: ERIN });
    const enough = createFixture({ tenant, accounts: [] });
    await enough.guard.applyRoleImport(
      await enough.guard.planRoleImport({ roles: ["Global Administrator"] }),
    );
    // A role import of another role says nothing about Global Administrators.
    const other = createFixture({ tenant: roleTenant(), accounts: [] });
    await other.guard.applyRoleImport(
      await other.guard.planRoleImport({ roles: ["Helpdesk Administrator"] }),
    );

    const imports = telemetry.spans().filter((span) => span.name === "rotation_exclusion.role_import");
    expect(
      imports.map(
        (span) => span.attributes["rotation_exclusion.role_import.global_administrators.protected"],
      ),
    ).toEqual([1, 2, undefined]);
    const points = await telemetry.points("rotation_exclusion.role_import.runs");
    const runs = (bucket: string) =>
      total(points, "rotation_exclusion.role_import.runs", {
        "rotation_exclusion.role_import.global_administrators.protected": bucket,
      });
    expect(runs("1")).toBe(1);
    expect(runs("2+")).toBe(1);
    expect(runs("0")).toBe(0);
    expect(total(points, "rotation_exclusion.role_import.runs")).toBe(3);
    expect(everyAttributeValue(telemetry.spans(), points).join("\n")).not.toContain("@contoso.test");
  });

  test("a tracer and a meter that throw change no verdict and fail no tenant", async () => {
    const plain = await runExclusionCycle(cycleOptions());
    const boom = () => {
      throw new Error("exporter down");
    };
    const throwingTracer = { startSpan: boom, startActiveSpan: boom };
    trace.setGlobalTracerProvider({ getTracer: () => throwingTracer as never });
    metrics.setGlobalMeterProvider({ getMeter: boom as never });
    const instrumented = await runExclusionCycle(cycleOptions());
    const strip = (report: typeof plain) =>
      report.tenants.map(({ durationMs: _d, ...rest }) => ({ ...rest }));
    expect(strip(instrumented)).toEqual(strip(plain));
    expect(instrumented.tenantCounts).toEqual(plain.tenantCounts);
  });
});
