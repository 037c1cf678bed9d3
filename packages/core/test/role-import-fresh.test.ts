/** applyRoleImport decides on a fresh read, never on the snapshot the plan (or an earlier call) left behind. */
import { describe, expect, test } from "vitest";
import { ALICE, createFixture } from "./guard-fixture.js";
import { roleTenant } from "./role-fixture.js";

describe("applyRoleImport freshness", () => {
  test("a holder who left every restricted unit a moment after the plan is added rotating, not excluded", async () => {
    const f = createFixture({ tenant: roleTenant(), accounts: [] });
    const plan = await f.guard.planRoleImport({ roles: ["Global Administrator"] });
    expect(plan.accounts.find((a) => a.objectId === ALICE)?.importAs.autoRotate).toBe(false);
    // Within snapshotMaxAgeMs (the clock does not move): only a re-read sees the change.
    for (const unit of f.directory.tenant.units) unit.userIds = unit.userIds.filter((id) => id !== ALICE);
    const readsBefore = f.directory.calls.protectedUsers;
    const report = await f.guard.applyRoleImport(plan);
    expect(f.directory.calls.protectedUsers).toBe(readsBefore + 1);
    expect(f.store.adds.find((a) => a.objectId === ALICE)).toMatchObject({ autoRotate: true, record: null });
    expect(report.added.excluded.map((entry) => entry.objectId)).not.toContain(ALICE);
  });
});
