/**
 * Property (fast-check): over random tenants, role assignments, faults, permissions, page sizes and
 * store states, a role import never turns rotation on for an account unless its verdict is
 * not-protected, and never for an account that is truly in a restricted unit.
 */
import {
  type AutoRotateRecord,
  createRotationGuard,
  ROTATION_EXCLUSION_ACTOR,
} from "@rotation-exclusion/core";
import {
  BUILT_IN_ROLES,
  type ContractFaultKind,
  createInMemoryAccountStore,
  createInMemoryDirectory,
  type InitialManagedAccount,
  type InMemoryFault,
  isManagementRestricted,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";

const USER_COUNT = 6;
const KINDS: ContractFaultKind[] = [
  "throttled",
  "forbidden",
  "unsupported",
  "server-error",
  "network",
  "bad-response",
  "not-found",
];
type Holding = "none" | "active" | "eligible" | "unit-scoped";
type StoreState = "absent" | "rotating" | "operator" | "pending";

const userIndexes = fc.subarray(Array.from({ length: USER_COUNT }, (_, i) => i));

const scenarioArb = fc.record({
  units: fc.array(
    fc.record({
      restricted: fc.boolean(),
      hidden: fc.boolean(),
      dynamic: fc.boolean(),
      members: userIndexes,
      withGroup: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  financeMembers: userIndexes,
  adminGroupMembers: userIndexes,
  adminGroupHolding: fc.constantFrom<"none" | "active" | "eligible">("none", "active", "eligible"),
  holdings: fc.array(fc.constantFrom<Holding>("none", "active", "active", "eligible", "unit-scoped"), {
    minLength: USER_COUNT,
    maxLength: USER_COUNT,
  }),
  servicePrincipal: fc.boolean(),
  faults: fc.array(
    fc.record({
      operation: fc.constantFrom(
        "protected-users",
        "restricted-units",
        "unit-members",
        "user-check",
        "role-definition",
        "role-assignments",
        "role-eligibility",
        "group-members",
      ),
      kind: fc.constantFrom(...KINDS),
      page: fc.integer({ min: 1, max: 3 }),
      target: fc.nat(USER_COUNT - 1),
      times: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
    }),
    { maxLength: 4 },
  ),
  memberReadHidden: fc.boolean(),
  hiddenUnitBehavior: fc.constantFrom<"forbidden" | "empty" | "omit-users">(
    "forbidden",
    "empty",
    "omit-users",
  ),
  pageSize: fc.integer({ min: 1, max: 4 }),
  store: fc.array(fc.constantFrom<StoreState>("absent", "absent", "rotating", "operator", "pending"), {
    minLength: USER_COUNT,
    maxLength: USER_COUNT,
  }),
  byTemplateId: fc.boolean(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const record = (kind: AutoRotateRecord["kind"], changedBy: string): AutoRotateRecord => ({
  kind,
  changedBy,
  reasonCode: "throttled",
  reason: "seeded",
  unitIds: [],
  evidence: [],
  changedAt: "2026-01-01T00:00:00.000Z",
});

function build(s: Scenario) {
  const t = tenantBuilder({ seed: "role-import-property" });
  const users = t.users(USER_COUNT, "user");
  const pick = (indexes: readonly number[]) => indexes.map((i) => users[i] as string);
  const finance = t.group("Finance", { members: pick(s.financeMembers) });
  const units = s.units.map((unit, i) =>
    t.unit(`Unit ${i + 1}`, {
      restricted: unit.restricted,
      visibility: unit.hidden ? "HiddenMembership" : "Public",
      membershipType: unit.dynamic ? "Dynamic" : "Assigned",
      members: [...pick(unit.members), ...(unit.withGroup ? [finance] : [])],
    }),
  );
  const branch = t.unit("Branch office");
  const ga = BUILT_IN_ROLES["Global Administrator"];
  const adminGroup = t.group("Admins", { roleAssignable: true, members: pick(s.adminGroupMembers) });
  if (s.adminGroupHolding !== "none") t.assignRole(ga, adminGroup, { kind: s.adminGroupHolding });
  s.holdings.forEach((holding, i) => {
    const user = users[i] as string;
    if (holding === "active" || holding === "eligible") t.assignRole(ga, user, { kind: holding });
    if (holding === "unit-scoped") t.assignRole(ga, user, { unitId: branch });
  });
  if (s.servicePrincipal) t.assignRole(ga, t.servicePrincipal("Automation"));

  const faults = s.faults.map((f): InMemoryFault => {
    const times = f.times === undefined ? {} : { times: f.times };
    const target = users[f.target] as string;
    switch (f.operation) {
      case "unit-members":
        return {
          operation: f.operation,
          unitId: units[f.target % Math.max(units.length, 1)] ?? branch,
          kind: f.kind,
          page: f.page,
          ...times,
        };
      case "user-check":
        return { operation: f.operation, userId: target, kind: f.kind, ...times };
      case "group-members":
        return { operation: f.operation, groupId: adminGroup, kind: f.kind, ...times };
      case "protected-users":
      case "restricted-units":
        return { operation: f.operation, kind: f.kind, page: f.page, ...times };
      default:
        return { operation: f.operation, kind: f.kind, ...times };
    }
  });
  const seeded: InitialManagedAccount[] = [];
  s.store.forEach((state, i) => {
    const objectId = users[i] as string;
    if (state === "rotating") seeded.push({ objectId, autoRotate: true });
    if (state === "operator")
      seeded.push({ objectId, autoRotate: false, record: record("exclusion", "ops@msp.example") });
    if (state === "pending")
      seeded.push({
        objectId,
        autoRotate: false,
        record: record("pendingVerification", ROTATION_EXCLUSION_ACTOR),
      });
  });
  return { tenant: t.build(), faults, seeded, role: s.byTemplateId ? ga : "Global Administrator" };
}

describe("role import safety property", () => {
  test("no account is imported or turned on with rotation unless its verdict is not-protected (and it truly is)", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { tenant, faults, seeded, role } = build(scenario);
        const directory = createInMemoryDirectory(tenant, {
          pageSize: scenario.pageSize,
          faults,
          permissions: {
            memberReadHidden: scenario.memberReadHidden,
            hiddenUnitBehavior: scenario.hiddenUnitBehavior,
          },
        });
        const store = createInMemoryAccountStore(seeded);
        const guard = createRotationGuard({ tenantId: tenant.tenantId, directory, accounts: store });
        const truly = (id: string) => isManagementRestricted(tenant, id);

        const plan = await guard.planRoleImport({ roles: [role] });
        for (const account of plan.accounts) {
          if (!account.importAs.autoRotate) continue;
          expect(account.verdict).toMatchObject({ status: "not-protected", reasonCode: "not-restricted" });
          expect(truly(account.objectId)).toBe(false);
        }
        const report = await guard.applyRoleImport(plan);
        for (const entry of [...report.added.rotating, ...report.updated.filter((u) => u.autoRotate)]) {
          expect(entry.verdict.status).toBe("not-protected");
        }
        for (const entry of store.writeLog()) {
          if (entry.result !== "written") continue;
          const turnedOn = entry.operation === "add" ? entry.account.autoRotate : entry.write.autoRotate;
          if (turnedOn) expect(truly(entry.key)).toBe(false);
        }
        // Nobody outside the role reads, and no service principal, ever reaches the store.
        const planned = new Set(plan.accounts.map((a) => a.objectId));
        for (const entry of store.writeLog()) {
          if (entry.operation === "add") expect(planned.has(entry.account.objectId)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
