/**
 * Release alerts that are never lost: `releaseAlertPending` is written with `releasedAt` in one
 * compare-and-set write and cleared only after `onReleased` resolved, so a hook that throws, or a
 * process that stops between the write and the hook, is alerted again by a later run (of any guard).
 */
import { createRotationGuard, type Logger, type ReleasedEvent } from "@rotation-exclusion/core";
import { describe, expect, test, vi } from "vitest";
import {
  ALICE,
  BOB,
  CAROL,
  createFixture,
  type Fixture,
  keys,
  OUR_EXCLUSION as ours,
  TENANT_ID,
} from "./guard-fixture.js";

const RELEASED_AT = "2025-12-31T12:00:00.000Z";

/** Bob is in no restricted unit: a complete snapshot releases our exclusion of him. */
const bobExcludedByUs = { key: "bob", objectId: BOB, autoRotate: false, record: ours };

function recordingHook(failures = 0) {
  const events: ReleasedEvent[] = [];
  let left = failures;
  const hook = async (event: ReleasedEvent) => {
    events.push(event);
    if (left > 0) {
      left -= 1;
      throw new Error("pager unreachable");
    }
  };
  return { events, hook };
}

function warnings(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (_obj, msg) => lines.push(msg ?? ""), error() {} };
  return { lines, logger };
}

/** A second guard over the fixture's store and directory: another worker, or the process restarted. */
function newGuardOver(f: Fixture, onReleased: (event: ReleasedEvent) => Promise<void>) {
  return createRotationGuard({
    tenantId: TENANT_ID,
    directory: f.directory.reader,
    accounts: f.store.store,
    clock: () => f.now(),
    onReleased,
  });
}

describe("release alerts: onReleased is called until it resolved once", () => {
  test("a hook that throws once is called again by the next run, which then clears the flag", async () => {
    const { events, hook } = recordingHook(1);
    const f = createFixture({ accounts: [bobExcludedByUs], options: { onReleased: hook } });
    const first = await f.guard.excludeFromAutoRotation();
    const releasedAt = new Date(f.now()).toISOString();
    expect(keys(first.released.newly)).toEqual(["bob"]);
    expect(f.store.get("bob")?.record).toMatchObject({ releasedAt, releaseAlertPending: true });
    // releasedAt and the flag land in one compare-and-set write.
    expect(f.store.writes.map((w) => w.write.record)).toEqual([
      { ...ours, releasedAt, releaseAlertPending: true },
    ]);

    f.advance(60_000);
    const second = await f.guard.excludeFromAutoRotation();
    expect(keys(second.released.still)).toEqual(["bob"]);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ key: "bob", accountId: BOB, restored: false });
    expect(events[1]?.record.releasedAt).toBe(releasedAt);
    expect(f.store.get("bob")).toMatchObject({ autoRotate: false, record: { ...ours, releasedAt } });
    expect(f.store.get("bob")?.record).not.toHaveProperty("releaseAlertPending");

    const writes = f.store.writes.length;
    f.advance(60_000);
    await f.guard.excludeFromAutoRotation();
    expect(events).toHaveLength(2);
    expect(f.store.writes.length).toBe(writes);
  });

  test("a process stopped between the write and the hook: a new guard's run calls the hook", async () => {
    const f = createFixture({
      accounts: [bobExcludedByUs],
      // The first worker's hook never answers: the process "dies" with the write landed and no alert sent.
      options: { onReleased: () => new Promise<void>(() => {}) },
    });
    void f.guard.excludeFromAutoRotation();
    await vi.waitFor(() => expect(f.store.get("bob")?.record?.releaseAlertPending).toBe(true));
    const releasedAt = f.store.get("bob")?.record?.releasedAt;

    const { events, hook } = recordingHook();
    f.advance(60_000);
    const report = await newGuardOver(f, hook).excludeFromAutoRotation();
    expect(keys(report.released.still)).toEqual(["bob"]);
    expect(events.map((e) => [e.key, e.record.releasedAt])).toEqual([["bob", releasedAt]]);
    expect(f.store.get("bob")?.record).toEqual({ ...ours, releasedAt });
  });

  test("a pending alert persisted by an earlier process is sent by a new guard, and a flagless release is not", async () => {
    const f = createFixture({
      accounts: [
        // Written by a process that stopped before its hook: the alert is owed.
        {
          key: "bob",
          objectId: BOB,
          autoRotate: false,
          record: { ...ours, releasedAt: RELEASED_AT, releaseAlertPending: true },
        },
        // Released before this change (no flag): alerted once back then, never again (no storm on upgrade).
        { key: "carol", objectId: CAROL, autoRotate: false, record: { ...ours, releasedAt: RELEASED_AT } },
      ],
    });
    const { events, hook } = recordingHook();
    const guard = newGuardOver(f, hook);
    const first = await guard.excludeFromAutoRotation();
    expect(keys(first.released.still)).toEqual(["bob", "carol"]);
    expect(events.map((e) => e.key)).toEqual(["bob"]);
    expect(f.store.writes.map((w) => w.key)).toEqual(["bob"]);
    expect(f.store.get("bob")?.record).toEqual({ ...ours, releasedAt: RELEASED_AT });
    expect(f.store.get("carol")?.record).toEqual({ ...ours, releasedAt: RELEASED_AT });

    f.advance(60_000);
    await guard.excludeFromAutoRotation();
    await newGuardOver(f, hook).excludeFromAutoRotation();
    expect(events.map((e) => e.key)).toEqual(["bob"]);
    expect(f.store.writes.map((w) => w.key)).toEqual(["bob"]);
  });

  test("a store that drops the flag: warned once per guard, each release alerted once, never again", async () => {
    const { lines, logger } = warnings();
    const { events, hook } = recordingHook();
    const f = createFixture({
      accounts: [bobExcludedByUs, { key: "carol", objectId: CAROL, autoRotate: false, record: ours }],
      options: { onReleased: hook, logger },
    });
    // A store whose schema has no column for the flag: it keeps the rest of the record.
    const update = f.store.store.update;
    f.store.store.update = (key, write, options) => {
      if (write.record === null) return update(key, write, options);
      const { releaseAlertPending: _dropped, ...kept } = write.record;
      return update(key, { ...write, record: kept }, options);
    };
    const first = await f.guard.excludeFromAutoRotation();
    expect(keys(first.released.newly)).toEqual(["bob", "carol"]);
    expect(events.map((e) => e.key).sort()).toEqual(["bob", "carol"]);
    const dropped = lines.filter((line) => /releaseAlertPending/.test(line));
    expect(dropped).toHaveLength(1);
    expect(f.store.writes).toHaveLength(2);

    f.advance(60_000);
    await f.guard.excludeFromAutoRotation();
    expect(events).toHaveLength(2);
    expect(f.store.writes).toHaveLength(2);
    expect(lines.filter((line) => /releaseAlertPending/.test(line))).toHaveLength(1);
  });

  test("a dry run never calls the hook nor writes, even for an alert pending; the next real run sends it", async () => {
    const { events, hook } = recordingHook();
    const f = createFixture({
      accounts: [
        {
          key: "bob",
          objectId: BOB,
          autoRotate: false,
          record: { ...ours, releasedAt: RELEASED_AT, releaseAlertPending: true },
        },
        { key: "carol", objectId: CAROL, autoRotate: false, record: ours },
      ],
      options: { onReleased: hook },
    });
    const dry = await f.guard.excludeFromAutoRotation({ dryRun: true });
    expect(keys(dry.released.still)).toEqual(["bob"]);
    expect(keys(dry.released.newly)).toEqual(["carol"]);
    expect(events).toEqual([]);
    expect(f.store.writes).toEqual([]);

    await f.guard.excludeFromAutoRotation();
    expect(events.map((e) => e.key).sort()).toEqual(["bob", "carol"]);
  });

  test("a conflict while clearing the flag leaves it set, and a later run alerts again", async () => {
    const f = createFixture({ accounts: [bobExcludedByUs] });
    const events: ReleasedEvent[] = [];
    const guard = newGuardOver(f, async (event) => {
      events.push(event);
      // An operator saves the account while the alert is out: the clearing write meets a new version.
      if (events.length === 1) f.store.edit("bob", {});
    });
    await guard.excludeFromAutoRotation();
    expect(f.store.get("bob")?.record?.releaseAlertPending).toBe(true);
    f.advance(60_000);
    await guard.excludeFromAutoRotation();
    expect(events).toHaveLength(2);
    expect(events[1]?.eventKey).toBe(events[0]?.eventKey);
    expect(f.store.get("bob")?.record).not.toHaveProperty("releaseAlertPending");
  });

  test("a run stopped while the hook is out issues no clearing write; the next run alerts again", async () => {
    const controller = new AbortController();
    const events: ReleasedEvent[] = [];
    const f = createFixture({ accounts: [bobExcludedByUs] });
    const guard = newGuardOver(f, async (event) => {
      events.push(event);
      controller.abort(); // the host shuts down while the pager call is out
    });
    const stopped = await guard.excludeFromAutoRotation({ signal: controller.signal });
    expect(keys(stopped.released.newly)).toEqual(["bob"]);
    expect(f.store.writes).toHaveLength(1);
    expect(f.store.get("bob")?.record?.releaseAlertPending).toBe(true);
    f.advance(60_000);
    await guard.excludeFromAutoRotation();
    expect(events.map((e) => e.eventKey)).toEqual([events[0]?.eventKey, events[0]?.eventKey]);
    expect(f.store.get("bob")?.record).not.toHaveProperty("releaseAlertPending");
  });

  test("the event key is the same for every send of one release and differs for the next release", async () => {
    const { events, hook } = recordingHook(2);
    const f = createFixture({ accounts: [bobExcludedByUs], options: { onReleased: hook } });
    for (let run = 0; run < 4; run += 1) {
      await f.guard.excludeFromAutoRotation();
      f.advance(60_000);
    }
    expect(events).toHaveLength(3);
    const [first] = events;
    const releasedAt = first?.record.releasedAt ?? "";
    expect(new Set(events.map((e) => e.eventKey))).toEqual(new Set([first?.eventKey]));
    expect(first?.eventKey).toContain(TENANT_ID);
    expect(first?.eventKey).toContain("bob");
    expect(first?.eventKey).toContain(releasedAt);

    // Bob is protected again (our exclusion is rewritten without releasedAt), then released again.
    f.directory.tenant.units[0]?.userIds.push(BOB);
    await f.guard.excludeFromAutoRotation();
    f.directory.tenant.units[0]?.userIds.pop();
    f.advance(60_000);
    await f.guard.excludeFromAutoRotation();
    expect(events).toHaveLength(4);
    expect(events[3]?.eventKey).not.toBe(first?.eventKey);
  });

  test("restoreReleased: the hook is called once with restored: true", async () => {
    const { events, hook } = recordingHook();
    const f = createFixture({
      accounts: [bobExcludedByUs, { key: "alice", objectId: ALICE, autoRotate: true }],
      options: { onReleased: hook, restoreReleased: true },
    });
    const report = await f.guard.excludeFromAutoRotation();
    expect(keys(report.restored)).toEqual(["bob"]);
    expect(f.store.get("bob")).toMatchObject({ autoRotate: true, record: undefined });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ key: "bob", accountId: BOB, restored: true, record: ours });
    expect(events[0]?.eventKey).toContain("bob");
    await f.guard.excludeFromAutoRotation();
    expect(events).toHaveLength(1);
  });

  test("without a hook, a release is written without the flag, so no later hook is owed it", async () => {
    const f = createFixture({ accounts: [bobExcludedByUs] });
    await f.guard.excludeFromAutoRotation();
    expect(f.store.get("bob")?.record?.releasedAt).toBeDefined();
    expect(f.store.get("bob")?.record).not.toHaveProperty("releaseAlertPending");
    const { events, hook } = recordingHook();
    await newGuardOver(f, hook).excludeFromAutoRotation();
    expect(events).toEqual([]);
  });
});
