import { describe, expect, it } from "vitest";
import { isCliError } from "./cli-error.js";
import { parseTenantList } from "./tenant-list.js";

const A = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
const B = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isCliError(error) && error.exitCode === 2) return error.message;
    throw error;
  }
  throw new Error("expected a usage error");
}

describe("parseTenantList", () => {
  it("reads one id per line, skipping blank lines and # comments, lower-casing ids", () => {
    const text = `# our tenants\n\n${A.toUpperCase()}\n  ${B}  # Fabrikam\n`;
    expect(parseTenantList("t.txt", text)).toEqual([
      { tenantId: A, displayName: null, cloud: null, line: 3 },
      { tenantId: B, displayName: null, cloud: null, line: 4 },
    ]);
  });

  it("reads CSV with tenantId, displayName and cloud (quoted commas, comments, line numbers)", () => {
    const text = `# exported\ntenantId,displayName,cloud\n${A},"Contoso, Ltd",global\n\n${B},Fabrikam\n`;
    expect(parseTenantList("t.csv", text)).toEqual([
      { tenantId: A, displayName: "Contoso, Ltd", cloud: "global", line: 3 },
      { tenantId: B, displayName: "Fabrikam", cloud: null, line: 5 },
    ]);
  });

  it.each([
    ["t.txt", `${A}\nnot-a-guid\n`, 't.txt, line 2: "not-a-guid" is not a tenant id'],
    ["t.txt", `${A}\n\n${A.toUpperCase()}\n`, `t.txt, line 3: tenant ${A} is listed twice (first on line 1)`],
    ["t.csv", `tenantId,cloud\n${A},global\n${B},mars\n`, 't.csv, line 3: cloud "mars" is not one of'],
    ["t.csv", `tenantId,region\n${A},eu\n`, 't.csv, line 1: column 2 "region" is not one of'],
    ["t.csv", `tenantId,displayName\n${A},x,extra\n`, "t.csv, line 2: not valid CSV"],
    ["t.txt", "# nothing\n\n", "t.txt lists no tenant"],
  ])("%s: %j is a usage error naming the file and line", (file, text, expected) => {
    expect(usageMessage(() => parseTenantList(file, text))).toContain(expected);
  });
});
