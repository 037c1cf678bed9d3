import { runExclusionCycle } from "@rotation-exclusion/core";
import { buildPostureReport, parseReportInput, renderPostureCsv } from "@rotation-exclusion/report";
import {
  createInMemoryAccountStore,
  createInMemoryDirectory,
  emergencyAccessTenant,
  managedAccountsFor,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

const GOOD = "aaaaaaaa-0000-4000-8000-000000000001";
const BROKEN = "aaaaaaaa-0000-4000-8000-000000000002";

describe("a cycle report written by core", () => {
  it("is read as it is written (keepReports: true), and a tenant that failed is listed with its error", async () => {
    const { tenant, ids } = emergencyAccessTenant({ tenantId: GOOD });
    const cycle = await runExclusionCycle({
      tenants: [GOOD, BROKEN],
      keepReports: true,
      createDirectory: (id) => {
        if (id === BROKEN) throw new Error("no credential for this tenant");
        return createInMemoryDirectory(tenant);
      },
      accounts: () =>
        createInMemoryAccountStore(
          managedAccountsFor(tenant, [ids.breakGlass1, ids.breakGlass2, ids.ordinaryUnitAdmin]),
        ),
    });
    const source = parseReportInput("cycle.json", JSON.stringify(cycle, null, 2));
    const report = buildPostureReport([source], {
      generatorVersion: "1.0.0",
      clock: () => Date.parse(cycle.finishedAt),
    });

    const [good, broken] = [GOOD, BROKEN].map((id) => report.tenants.find((entry) => entry.tenantId === id));
    expect(good).toMatchObject({ complete: true, stale: false, sources: ["cycle.json"] });
    const accounts = good?.accounts.available ? good.accounts.value : [];
    expect(
      accounts
        .filter((a) => a.status === "protected")
        .map((a) => a.id)
        .sort(),
    ).toEqual([ids.breakGlass1, ids.breakGlass2].sort());
    expect(good?.accountCounts).toMatchObject({
      available: true,
      value: { protected: 2, notProtected: 1, unknown: 0 },
    });
    expect(broken).toMatchObject({
      complete: false,
      incompleteReason: "failed",
      accounts: { available: false },
    });
    expect(broken?.error).toContain("no credential for this tenant");
    expect(renderPostureCsv(report)).toContain("not read: ");
  });
});
