/**
 * One account, one verdict, whichever way the host asks. Feeds the same generated directory states
 * (partial pages, a missing flag query, hidden units, failing per-user checks), the same accounts
 * (object id, UPN only, or both) and the same remembered rotation denials through every public path
 * that decides a verdict, and asserts they agree:
 *
 * - `checkProtection` (snapshot, then a second look at the user's own flag when the snapshot cannot tell);
 * - an exclusion run's full decision (accounts parked by us for verification are always decided in full);
 * - an exclusion run's shortcut (accounts that need nothing are only counted as not protected);
 * - a role import plan (role holders, with the same second look as `checkProtection`).
 *
 * The run takes no second look at accounts known by object id (docs/decisions/0012, rule 5): where it
 * and `checkProtection` differ, the run must be the one that says `unknown`.
 */
import {
  type AccountInput,
  type AutoRotateRecord,
  createRotationGuard,
  type ExclusionReport,
  ROTATION_EXCLUSION_ACTOR,
  type Verdict,
  type VerdictStatus,
} from "@rotation-exclusion/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { directoryFaultsArb, tenantArb, USERS } from "./directory-arbitraries.js";
import { createFakeDirectory, type FakeFaults, type FakeTenant } from "./directory-fixture.js";
import { createFakeStore, type SeedAccount } from "./fake-store.js";
import { TENANT_ID } from "./guard-fixture.js";

const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const DENIAL = {
  status: 403,
  code: "Authorization_RequestDenied",
  message:
    "Insufficient privileges to complete the operation. Target object is a member of a restricted management administrative unit and can only be modified by administrators scoped to that administrative unit.",
};

type Form = "id" | "upn" | "both";

interface Scenario {
  readonly tenant: FakeTenant;
  readonly faults: FakeFaults;
  /** How each user is named: in the store, to checkProtection and to recordRotationFailure. */
  readonly forms: readonly Form[];
  /** Users whose rotation was denied by a unit, and by which name the denial was recorded. */
  readonly denials: readonly (Form | undefined)[];
  /** True: the denials were seen before a later complete read could supersede them. */
  readonly denialsAfterLastRead: boolean;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  tenant: tenantArb.map((tenant) => ({
    ...tenant,
    // Every user holds Global Administrator, so a role import plans every one of them.
    roles: [
      {
        id: GLOBAL_ADMIN,
        displayName: "Global Administrator",
        holders: USERS.map((user) => ({ principalId: user.id })),
      },
    ],
  })),
  faults: directoryFaultsArb,
  forms: fc.array(fc.constantFrom<Form>("id", "upn", "both"), {
    minLength: USERS.length,
    maxLength: USERS.length,
  }),
  denials: fc.array(fc.option(fc.constantFrom<Form>("id", "upn", "both"), { nil: undefined, freq: 3 }), {
    minLength: USERS.length,
    maxLength: USERS.length,
  }),
  denialsAfterLastRead: fc.boolean(),
});

const user = (index: number) => USERS[index] as (typeof USERS)[number];

function input(index: number, form: Form): AccountInput {
  const { id, userPrincipalName } = user(index);
  if (form === "id") return id;
  if (form === "upn") return { userPrincipalName };
  return { id, userPrincipalName };
}

function storeAccount(index: number, form: Form, record?: AutoRotateRecord): SeedAccount {
  const { id, userPrincipalName } = user(index);
  return {
    key: `k${index}`,
    ...(form === "upn" ? {} : { objectId: id }),
    ...(form === "id" ? {} : { userPrincipalName }),
    autoRotate: record === undefined,
    ...(record ? { record } : {}),
  };
}

const parked: AutoRotateRecord = {
  kind: "pendingVerification",
  changedBy: ROTATION_EXCLUSION_ACTOR,
  reasonCode: "snapshot-incomplete",
  reason: "seeded",
  unitIds: [],
  evidence: [],
  changedAt: "2025-01-01T00:00:00.000Z",
};

/** What a verdict says, without the words: the part every path must agree on. */
const gist = (verdict: Verdict) => ({
  status: verdict.status,
  reasonCode: verdict.reasonCode,
  unitIds: verdict.unitIds,
  evidence: verdict.evidence.map((evidence) => evidence.kind),
});

/**
 * A guard over a fresh directory with the scenario's faults and a fixed clock, with the scenario's
 * denials already remembered. The store's listing fails while they are recorded, so nothing is
 * persisted from them: every path starts from the same store.
 */
async function guardFor(scenario: Scenario, accounts: SeedAccount[]) {
  let now = Date.UTC(2026, 0, 1);
  const directory = createFakeDirectory(scenario.tenant, structuredClone(scenario.faults));
  const store = createFakeStore(accounts);
  const guard = createRotationGuard({
    tenantId: TENANT_ID,
    directory: directory.reader,
    accounts: store.store,
    clock: () => now,
  });
  store.faults.listThrows = true;
  for (const [index, form] of scenario.denials.entries()) {
    if (form !== undefined) await guard.recordRotationFailure(input(index, form), DENIAL);
  }
  store.faults.listThrows = false;
  // A read after the denials supersedes them only when it is complete and strictly later.
  if (!scenario.denialsAfterLastRead) now += 1;
  return { guard, store };
}

/** Every account's verdict in a run's report, by store key; `undefined` for accounts only counted. */
function verdictsByKey(report: ExclusionReport): Map<string, Verdict> {
  const byKey = new Map<string, Verdict>();
  const lists = [
    report.excluded,
    report.alreadyExcluded,
    report.deferred,
    report.released.newly,
    report.released.still,
    report.restored,
    report.activated,
  ];
  for (const list of lists) for (const outcome of list) byKey.set(outcome.key, outcome.verdict);
  return byKey;
}

const indexes = USERS.map((_, index) => index);

describe("every verdict path agrees", () => {
  test("checkProtection, the run's full decision, the run's shortcut and a role import plan", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // checkProtection, as the host names each account.
        const checking = await guardFor(scenario, []);
        const checked = [];
        for (const index of indexes) {
          checked.push(await checking.guard.checkProtection(input(index, scenario.forms[index] as Form)));
        }
        const snapshotComplete = checking.guard.lastSnapshot()?.complete === true;

        // The run, deciding every account in full: each is parked by us, so none can take the shortcut.
        const full = await guardFor(
          scenario,
          indexes.map((index) => storeAccount(index, scenario.forms[index] as Form, parked)),
        );
        const fullReport = await full.guard.excludeFromAutoRotation({ dryRun: true });
        const decided = verdictsByKey(fullReport);

        // The run with plain accounts: those it only counts must be the ones the full decision frees.
        const plain = await guardFor(
          scenario,
          indexes.map((index) => storeAccount(index, scenario.forms[index] as Form)),
        );
        const plainReport = await plain.guard.excludeFromAutoRotation({ dryRun: true });
        const listed = verdictsByKey(plainReport);

        // A role import plan: holders come with object id and UPN.
        const importing = await guardFor(scenario, []);
        const plan = await importing.guard.planRoleImport({ roles: ["Global Administrator"] });
        const bothNames = await guardFor(scenario, []);

        let counted = 0;
        for (const index of indexes) {
          const key = `k${index}`;
          const form = scenario.forms[index] as Form;
          const inRun = decided.get(key);
          expect(inRun, `${key} is decided in full by the run`).toBeDefined();
          const run = inRun as Verdict;
          const check = checked[index] as Verdict;

          // The run's shortcut never changes a verdict: counted only when the full decision frees it.
          const shortcut = listed.get(key);
          if (shortcut === undefined) {
            counted += 1;
            expect(run.status, `${key}: counted as not protected`).toBe("not-protected");
          } else {
            expect(gist(shortcut), `${key}: shortcut vs full decision`).toEqual(gist(run));
          }

          // checkProtection takes a second look where the run does not: only then may they differ, and
          // only with the run undecided.
          const secondLook = form !== "upn" && !snapshotComplete;
          if (secondLook && run.status === "unknown") {
            expect(["protected", "not-protected", "unknown"] as VerdictStatus[]).toContain(check.status);
          } else {
            expect(gist(check), `${key} (${form}): checkProtection vs the run`).toEqual(gist(run));
          }

          // The role import decides a holder exactly as checkProtection decides { id, userPrincipalName }.
          const holder = plan.accounts.find((account) => account.objectId === user(index).id);
          expect(holder, `${key} is planned`).toBeDefined();
          const named = await bothNames.guard.checkProtection(input(index, "both"));
          expect(gist(holder?.verdict as Verdict), `${key}: role import vs checkProtection`).toEqual(
            gist(named),
          );
        }
        expect(plainReport.notProtectedCount).toBe(counted);
      }),
      { numRuns: 200 },
    );
  });
});
