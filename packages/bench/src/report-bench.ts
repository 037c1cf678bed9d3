/**
 * The report cell of the benchmark: N tenants × M accounts of saved scan and audit JSON (as a host keeps
 * from its own runs) rendered into the posture report's one HTML page. Measures, medians of a few rounds:
 * parsing and validating the JSON, building the model, rendering the page, its size, and the time from
 * navigation start until the page is interactive in headless Chromium (its own `report:interactive`
 * performance mark: the first table page painted and one sort applied).
 *
 *   node dist/report-bench.js            # 10,000 tenants × 20 accounts
 *   node dist/report-bench.js --quick    # 200 tenants; asserts counts and sizes, never times
 *
 * REPORT_BENCH_HTML=<file> keeps the rendered page there, to look at or profile.
 *
 * Chromium: /usr/bin/chromium (Debian's). Without it the browser figure says it was skipped, and with
 * REQUIRE_CHROMIUM=1 that fails the run.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  AUDIT_DOCUMENT_KIND,
  type AuditDocument,
  buildPostureReport,
  DOCUMENT_SCHEMA_VERSION,
  parseReportInput,
  renderPostureHtml,
  SCAN_DOCUMENT_KIND,
  type ScanDocument,
} from "@rotation-exclusion/report";
import { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } from "@rotation-exclusion/testing";
import { tenantIdOf } from "./synthetic-tenants.js";

const quick = process.argv.includes("--quick");
const TENANTS = quick ? 200 : 10_000;
const ACCOUNTS = 20;
const ROUNDS = quick ? 1 : 5;
const CHROMIUM = CHROMIUM_PATH;
const GLOBAL_ADMINISTRATOR = "Global Administrator (active, direct)";
const MAX_FILE_BYTES = 10 * 1024 * 1024;

const print = (text: string) => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`${text}\n`);
const failures: string[] = [];
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Runs `step`, recording its wall and CPU time. */
function timed<T>(into: Timing[], step: () => T): T {
  const [wall, cpu] = [performance.now(), process.cpuUsage()];
  const result = step();
  const used = process.cpuUsage(cpu);
  into.push({ wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 });
  return result;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** A deterministic lower-case GUID from two numbers. */
function guid(kind: number, n: number): string {
  const hex = (kind * 1_000_003 + n).toString(16).padStart(12, "0").slice(-12);
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

/**
 * One tenant's scan and audit: two protected Global Administrators in a restricted unit, three more
 * Global Administrators not protected (one `unknown` in every tenth tenant), and the rest role holders
 * of a password-reset role, not protected. Every twentieth tenant has no restricted unit.
 */
function tenantDocuments(index: number, generatedAt: string): { scan: ScanDocument; audit: AuditDocument } {
  const tenantId = tenantIdOf(index);
  const withUnit = index % 20 !== 0;
  const unit = {
    id: guid(1, index),
    displayName: `Emergency access ${index}`,
    description: "Break-glass accounts, excluded from rotation",
    membershipType: "assigned" as const,
    visibility: "public" as const,
  };
  const accounts = Array.from({ length: ACCOUNTS }, (_, n): ScanDocument["accounts"][number] => {
    const id = guid(2, index * ACCOUNTS + n);
    const protectedAccount = withUnit && n < 2;
    const unknown = !protectedAccount && n === 2 && index % 10 === 0;
    const status = protectedAccount ? "protected" : unknown ? "unknown" : "not-protected";
    const role = n < 5 ? GLOBAL_ADMINISTRATOR : "Helpdesk Administrator (active, direct)";
    return {
      id,
      userPrincipalName: `user${n}@tenant${index}.example`,
      displayName: `User ${n} of tenant ${index}`,
      status,
      unitIds: protectedAccount ? [unit.id] : [],
      units: protectedAccount ? [{ id: unit.id, displayName: unit.displayName }] : [],
      reasonCode: protectedAccount ? "unit-member" : unknown ? "throttled" : "not-restricted",
      evidence: protectedAccount
        ? [
            {
              kind: "unit-member",
              unitId: unit.id,
              unitDisplayName: unit.displayName,
              observedAt: generatedAt,
            },
          ]
        : [],
      reason: protectedAccount
        ? `Direct member of restricted unit "${unit.displayName}".`
        : unknown
          ? "Graph throttled the read; try again next cycle."
          : "Not in any restricted unit.",
      sources: [role],
    };
  });
  const members = accounts
    .filter((account) => account.status === "protected")
    .map(({ id, userPrincipalName, displayName }) => ({ id: id as string, userPrincipalName, displayName }));
  const restrictedUnits = withUnit
    ? [{ ...unit, userIds: members.map((member) => member.id), members, membersReadable: true }]
    : [];
  const common = { schemaVersion: DOCUMENT_SCHEMA_VERSION, generator, generatedAt, tenantId } as const;
  const complete = index % 10 !== 0;
  return {
    scan: {
      kind: SCAN_DOCUMENT_KIND,
      ...common,
      complete,
      accounts,
      restrictedUnits,
      warnings: [],
      graphRequests: 4,
    },
    audit: {
      kind: AUDIT_DOCUMENT_KIND,
      ...common,
      complete,
      globalAdministrators: accounts.slice(0, 5).map((account) => ({
        id: account.id as string,
        userPrincipalName: account.userPrincipalName,
        displayName: account.displayName,
        status: account.status,
        reasonCode: account.reasonCode,
        unitIds: account.unitIds,
        units: account.units,
        paths: [GLOBAL_ADMINISTRATOR],
      })),
      restrictedUnits,
      findings: withUnit
        ? []
        : [
            {
              code: "NO_RESTRICTED_UNIT",
              severity: "error" as const,
              message: "No restricted management administrative unit protects any Global Administrator.",
              action: "Create one and add the emergency-access accounts.",
            },
          ],
      graphRequests: 9,
    },
  };
}

const generator = { name: "@rotation-exclusion/bench", version: "0.0.0" };

/** Time from navigation start to the page's `report:interactive` mark, in headless Chromium. */
async function timeToInteractive(file: string): Promise<{ ms: number; tenantsShown: string }> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...HEADLESS_CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => performance.getEntriesByName("report:interactive").length > 0, null, {
      timeout: 60_000,
    });
    const ms = await page.evaluate(
      () => performance.getEntriesByName("report:interactive")[0]?.startTime ?? -1,
    );
    const tenantsShown = (await page.getByTestId("summary-tenants-read").textContent()) ?? "";
    return { ms, tenantsShown };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const readAt = new Date().toISOString();
  const files: { name: string; text: string }[] = [];
  for (let index = 0; index < TENANTS; index += 1) {
    const { scan, audit } = tenantDocuments(index, readAt);
    files.push({ name: `scan-${index}.json`, text: JSON.stringify(scan) });
    files.push({ name: `audit-${index}.json`, text: JSON.stringify(audit) });
  }
  const inputBytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0);
  progress(`report: ${TENANTS} tenants × ${ACCOUNTS} accounts, ${(inputBytes / 1e6).toFixed(1)} MB of JSON`);

  // Wall and CPU time of each step: on a loaded machine the CPU time is the steadier figure.
  const steps = { parse: [] as Timing[], build: [] as Timing[], render: [] as Timing[] };
  let html = "";
  let summary: ReturnType<typeof buildPostureReport>["summary"] | undefined;
  for (let round = 0; round < ROUNDS; round += 1) {
    const sources = timed(steps.parse, () => files.map((file) => parseReportInput(file.name, file.text)));
    const report = timed(steps.build, () => buildPostureReport(sources, { generatorVersion: "0.0.0" }));
    html = timed(steps.render, () => renderPostureHtml(report));
    summary = report.summary;
  }
  const bytes = Buffer.byteLength(html);
  if (summary?.tenantsRead !== TENANTS)
    failures.push(`tenants read ${summary?.tenantsRead}, expected ${TENANTS}`);
  const incomplete = Math.ceil(TENANTS / 10);
  if (summary?.tenantsIncomplete !== incomplete) {
    failures.push(`incomplete tenants ${summary?.tenantsIncomplete}, expected ${incomplete}`);
  }
  // Two protected per tenant with a unit; a tenant without one (every 20th) is also every 10th: incomplete.
  const protectedAccounts = 2 * (TENANTS - Math.ceil(TENANTS / 20));
  if (summary?.accountsProtected !== protectedAccounts) {
    failures.push(`protected accounts ${summary?.accountsProtected}, expected ${protectedAccounts}`);
  }
  if (process.env.REPORT_BENCH_HTML) await writeFile(process.env.REPORT_BENCH_HTML, html);
  if (bytes > MAX_FILE_BYTES) failures.push(`page is ${bytes} bytes, over ${MAX_FILE_BYTES}`);

  let browserLine: string;
  if (existsSync(CHROMIUM)) {
    const dir = await mkdtemp(join(tmpdir(), "report-bench-"));
    try {
      const file = join(dir, "report.html");
      await writeFile(file, html);
      const runs: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const { ms, tenantsShown } = await timeToInteractive(file);
        runs.push(ms);
        if (!tenantsShown.replace(/\D/g, "").includes(String(TENANTS))) {
          failures.push(`the page shows ${JSON.stringify(tenantsShown)} tenants read, expected ${TENANTS}`);
        }
      }
      browserLine = `${median(runs).toFixed(0)} ms (runs: ${runs.map((ms) => ms.toFixed(0)).join(", ")})`;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    browserLine = `SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-dejavu-core)`;
    if (process.env.REQUIRE_CHROMIUM === "1") failures.push(`report: ${browserLine}; REQUIRE_CHROMIUM=1`);
    progress(`report: ${browserLine}`);
  }

  const ms = (values: Timing[]) =>
    `${median(values.map((t) => t.wallMs)).toFixed(0)} ms (CPU ${median(values.map((t) => t.cpuMs)).toFixed(0)} ms)`;
  print(
    [
      `## Report${quick ? " (quick: sizes only)" : ""}`,
      "",
      `${TENANTS} tenants × ${ACCOUNTS} accounts as ${files.length} saved scan and audit JSON documents (${(inputBytes / 1e6).toFixed(1)} MB), medians of ${ROUNDS}:`,
      "",
      "| step | figure | target |",
      "| --- | ---: | --- |",
      `| parse and validate the JSON | ${ms(steps.parse)} | |`,
      `| build the model | ${ms(steps.build)} | |`,
      `| render the HTML page | ${ms(steps.render)} | ≤ 2 s |`,
      `| page size | ${(bytes / 1e6).toFixed(2)} MB | ≤ 10 MB |`,
      `| navigation start → interactive (Chromium) | ${browserLine} | ≤ 2 s |`,
      "",
    ].join("\n"),
  );
  if (failures.length > 0) {
    progress(`report bench: ${failures.length} count(s) off:\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  progress(`report bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
