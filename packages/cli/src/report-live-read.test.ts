import { buildPostureReport } from "@rotation-exclusion/report";
import { describe, expect, it } from "vitest";
import { markDeadlineTenants } from "./report-live-read.js";

const CUT = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
const REFUSED = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";

describe("markDeadlineTenants", () => {
  it("gives a tenant the deadline cut short the reason deadline, and leaves other failures alone", () => {
    const failedTenants = [
      { tenantId: CUT, error: "deadline: the read did not finish within --deadline 300 s" },
      { tenantId: REFUSED, error: "Could not sign in" },
    ];
    const report = markDeadlineTenants(
      buildPostureReport([], { generatorVersion: "0.0.0", failedTenants }),
      failedTenants,
    );
    const reason = new Map(report.tenants.map((tenant) => [tenant.tenantId, tenant.incompleteReason]));
    expect(reason.get(CUT)).toBe("deadline");
    expect(reason.get(REFUSED)).toBe("read-failed");
    expect(report.tenants.every((tenant) => !tenant.complete)).toBe(true);
  });
});
