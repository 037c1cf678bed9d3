/**
 * The HTML report in a real Chromium: numbers, sorting, filtering, tenant details, hostile tenant text
 * (with the CSP and without it), requests, console errors, accessibility (axe), screenshots and print.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { escapeBidi, type PostureReport, renderPostureHtml } from "@rotation-exclusion/report";
import axe from "axe-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "./chromium.js";
import { BIDI_NAME, FIXTURE_TENANTS, postureFixture } from "./posture-fixture.js";
import { syntheticPostureReport } from "./synthetic-posture-report.js";

const here = dirname(fileURLToPath(import.meta.url));
const outputDir = join(here, "../test-output");

interface OpenedPage {
  readonly page: Page;
  /** Every URL the page requested, in order. */
  readonly requests: string[];
  /** Console errors, uncaught exceptions and dialogs. */
  readonly problems: string[];
}

/** The report as if built from `count` saved files (one per tenant and kind, as a host keeps them). */
function withInputs(report: PostureReport, count: number): PostureReport {
  const inputs = Array.from({ length: count }, (_, index) => ({
    name: `tenant-${index}.json`,
    kind: "scan" as const,
    sha256: index.toString(16).padStart(64, "0"),
    generatedAt: report.generatedAt,
    tenantIds: [report.tenants[index % report.tenants.length]?.tenantId ?? ""],
  }));
  return { ...report, inputs };
}

/** The report with every complete tenant's Global Administrators not read (a cycle-only input, say). */
function withoutGlobalAdministrators(report: PostureReport): PostureReport {
  const tenants = report.tenants.map((tenant) =>
    tenant.complete
      ? {
          ...tenant,
          globalAdministrators: { available: false as const },
          fewerThanTwoProtectedGlobalAdministrators: null,
        }
      : tenant,
  );
  return {
    ...report,
    tenants,
    summary: { ...report.summary, tenantsWithFewerThanTwoProtectedGlobalAdministrators: 0 },
  };
}

describe.skipIf(!chromiumAvailable())("report page in Chromium", () => {
  const fixture = postureFixture();
  const pages = new Map<string, string>([
    ["/fixture.html", renderPostureHtml(fixture)],
    ["/fixture-json.html", renderPostureHtml(fixture, { dataEncoding: "json" })],
    ["/many.html", renderPostureHtml(withInputs(syntheticPostureReport(1_000, 20), 2_000))],
    ["/cannot-tell.html", renderPostureHtml(withoutGlobalAdministrators(fixture))],
  ]);
  let browser: Browser;
  let server: Server;
  let origin: string;
  let strict: BrowserContext;
  // One page under the CSP serves the tests that only read or change its state in order (summary, sort,
  // filter, open, hostile text, print): each page load compiles Chart.js again, ~1 s on a 2-core machine.
  let shared: OpenedPage;

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    server = createServer((request, response) => {
      const html = pages.get(request.url ?? "");
      response.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
      response.end(html ?? "not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    strict = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    shared = await open(strict, "/fixture.html");
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function open(context: BrowserContext, path: string): Promise<OpenedPage> {
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${origin}${path}`);
    await page.evaluate("window.postureReportPage.ready");
    return { page, requests, problems };
  }

  const rowNames = (page: Page) => page.locator("#tenant-rows tr.tenant-row .tenant-name").allTextContents();

  it("shows the model's summary numbers, the provenance and a Confidential banner", async () => {
    const { page, requests, problems } = shared;
    const number = async (testId: string) =>
      Number((await page.getByTestId(testId).textContent())?.replaceAll(",", ""));
    const summary = fixture.summary;
    expect(await number("summary-tenants-read")).toBe(summary.tenantsRead);
    expect(await number("summary-tenants-complete")).toBe(summary.tenantsComplete);
    expect(await number("summary-tenants-incomplete")).toBe(summary.tenantsIncomplete);
    expect(await number("summary-accounts-protected")).toBe(summary.accountsProtected);
    expect(await number("summary-no-restricted-unit")).toBe(summary.tenantsWithoutRestrictedUnit);
    expect(await number("summary-fewer-than-two")).toBe(
      summary.tenantsWithFewerThanTwoProtectedGlobalAdministrators,
    );
    for (const severity of ["error", "warning", "info"] as const) {
      expect(await number(`summary-findings-${severity}`)).toBe(summary.findingsBySeverity[severity]);
    }
    expect(await page.getByTestId("generator").textContent()).toBe("@rotation-exclusion/report 0.4.0");
    const inputs = await page.locator("#inputs-table").textContent();
    for (const input of fixture.inputs) expect(inputs).toContain(input.sha256);
    await expect.poll(() => page.locator(".confidential").textContent()).toContain("Confidential");
    expect(await page.locator("#ga-chart").getAttribute("role")).toBe("img");
    expect(requests).toEqual([`${origin}/fixture.html`]);
    expect(problems).toEqual([]);
  });

  it("sorts by mouse and keyboard, with aria-sort following", async () => {
    const { page, problems } = shared;
    const names = fixture.tenants.map((tenant) => tenant.displayName ?? tenant.tenantId);
    const byName = [...names].sort(new Intl.Collator("en", { sensitivity: "base", numeric: true }).compare);
    const nameHeader = page.locator('th[data-column="name"]');
    // Default: most attention first, so the tenant without a restricted unit (an error) leads.
    expect((await rowNames(page))[0]).toBe("Northwind Traders");
    expect(await page.locator('th[data-column="attention"]').getAttribute("aria-sort")).toBe("descending");

    await page.locator('button[data-sort="name"]').click();
    expect(await nameHeader.getAttribute("aria-sort")).toBe("ascending");
    expect(await page.locator('th[data-column="attention"]').getAttribute("aria-sort")).toBe("none");
    expect(await rowNames(page)).toEqual(byName);

    await page.locator('button[data-sort="name"]').focus();
    await page.keyboard.press("Enter");
    expect(await nameHeader.getAttribute("aria-sort")).toBe("descending");
    expect(await rowNames(page)).toEqual([...byName].reverse());
    await page.keyboard.press("Space");
    expect(await nameHeader.getAttribute("aria-sort")).toBe("ascending");
    expect(await rowNames(page)).toEqual(byName);
    expect(problems).toEqual([]);
  });

  it("filters by text, incomplete reads and finding severity", async () => {
    const { page, problems } = shared;
    await page.locator("#filter-text").fill("FABRIKAM");
    await expect.poll(() => rowNames(page)).toEqual(["Fabrikam Logistics"]);
    await page.locator("#filter-text").fill(FIXTURE_TENANTS.hiddenUnit.slice(0, 13));
    await expect.poll(() => rowNames(page)).toEqual(["Woodgrove Bank"]);
    await page.locator("#filter-text").fill("");
    await expect.poll(async () => (await rowNames(page)).length).toBe(fixture.tenants.length);

    await page.locator("#filter-incomplete").focus();
    await page.keyboard.press("Space");
    expect(await rowNames(page)).toEqual(["Tailspin Toys"]);
    expect(await page.locator("tr.row-incomplete").count()).toBe(1);
    await page.keyboard.press("Space");

    await page.locator("#filter-severity").selectOption("error");
    expect(await rowNames(page)).toEqual(["Northwind Traders"]);
    await page.locator("#filter-severity").selectOption("warning");
    expect((await rowNames(page)).sort()).toEqual([
      "Fabrikam Logistics",
      "Northwind Traders",
      "Tailspin Toys",
    ]);
    expect(await page.locator("#table-status").textContent()).toContain("filtered from 6");
    await page.locator("#filter-severity").selectOption("");
    expect(await rowNames(page)).toHaveLength(fixture.tenants.length);
    expect(problems).toEqual([]);
  });

  it("opens a tenant from its row: units, accounts, findings, sources and unavailable sections", async () => {
    const { page, problems } = shared;
    const woodgrove = page.locator(`tr[data-tenant-id="${FIXTURE_TENANTS.hiddenUnit}"] button.open`);
    await woodgrove.click();
    expect(await woodgrove.getAttribute("aria-expanded")).toBe("true");
    const detail = page.getByTestId("tenant-detail");
    const text = await detail.textContent();
    expect(text).toContain("Hidden emergency access");
    expect(text).toContain("hidden membership");
    expect(text).toContain("could not be read");
    expect(text).toContain("bg2@woodgrove.example (Woodgrove break glass 2)");
    expect(text).toContain("request id 7d1e4c2a-9b8f-4e6d-a5c4-3b2a1f0e9d8c");
    expect(text).toContain("Grant AdministrativeUnit.Read.All");
    expect(text).toContain("Source: scan-2026-12-01.json");
    expect(text).toContain("Source: audit-2026-12-01.json");
    await woodgrove.press("Enter");
    expect(await detail.count()).toBe(0);

    // By keyboard: the incomplete tenant, whose restricted units no input had.
    await page.locator(`tr[data-tenant-id="${FIXTURE_TENANTS.incomplete}"] button.open`).focus();
    await page.keyboard.press("Enter");
    const incomplete = await detail.textContent();
    expect(incomplete).toContain("Not available from this input.");
    expect(incomplete).toContain("incomplete: throttled");
    expect(incomplete).not.toMatch(/Restricted units\s*Source/);
    // An unknown verdict is amber with words, never green.
    const unknown = detail.locator('tr[data-status="unknown"] .badge').first();
    expect(await unknown.textContent()).toBe("? Unknown");
    const color = await page.evaluate(
      `getComputedStyle(document.querySelector('[data-testid=tenant-detail] tr[data-status="unknown"] .badge')).backgroundColor`,
    );
    expect(color).toBe("rgb(255, 241, 184)");
    await page.keyboard.press("Enter");
    expect(await detail.count()).toBe(0);
    expect(problems).toEqual([]);
  });

  async function expectHostileTextInert(
    { page, requests, problems }: OpenedPage,
    path: string,
  ): Promise<void> {
    const hostileRow = page.locator(`tr[data-tenant-id="${FIXTURE_TENANTS.hostile}"]`);
    await hostileRow.locator("button.open").click();
    await page.waitForTimeout(50);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await hostileRow.locator(".tenant-name").textContent()).toContain(
      "<script>window.__pwned=1</script>",
    );
    const detail = (await page.getByTestId("tenant-detail").textContent()) ?? "";
    expect(detail).toContain('<img src=x onerror="window.__pwned=1">');
    expect(detail).toContain("</script><!--");
    expect(detail).toContain('=HYPERLINK("http://evil","x")');
    expect(detail).toContain("invoice\\u202Egnp.exe");
    expect(detail).not.toContain(BIDI_NAME);
    // The page's rule is the other formats' rule, control for control.
    const controls = `${BIDI_NAME} \u202A\u202B\u202C\u202D \u2066\u2067\u2068\u2069 \u200E\u200F\u061C`;
    expect(await page.evaluate(`window.postureReportPage.escapeBidi(${JSON.stringify(controls)})`)).toBe(
      escapeBidi(controls),
    );
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(4);
    expect(requests).toEqual([`${origin}${path}`]);
    expect(problems).toEqual([]);
    await hostileRow.locator("button.open").click();
  }

  it("runs no script from tenant data and shows it literally, under the CSP", async () => {
    await expectHostileTextInert(shared, "/fixture.html");
  });

  it("runs no script from tenant data without the CSP either (the escaping alone holds)", async () => {
    const loose = await browser.newContext({ bypassCSP: true });
    await expectHostileTextInert(await open(loose, "/fixture-json.html"), "/fixture-json.html");
    await loose.close();
  });

  it("has no serious or critical axe violation, with a tenant open", async () => {
    // axe is injected as an inline script, which the page's CSP rightly refuses.
    const loose = await browser.newContext({ bypassCSP: true });
    const { page, problems } = await open(loose, "/fixture.html");
    await page.locator(`tr[data-tenant-id="${FIXTURE_TENANTS.hiddenUnit}"] button.open`).click();
    await page.evaluate(
      'document.querySelectorAll("details").forEach((details) => { details.open = true; })',
    );
    await page.addScriptTag({ content: axe.source });
    const result = (await page.evaluate("window.axe.run(document)")) as axe.AxeResults;
    const violations = result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 3),
    }));
    const serious = violations.filter(
      (violation) => violation.impact === "serious" || violation.impact === "critical",
    );
    expect(serious).toEqual([]);
    expect(problems).toEqual([]);
    await loose.close();
  });

  it("pages 1,000 tenants and charts only the 30 that need the most attention", async () => {
    const { page, requests, problems } = await open(strict, "/many.html");
    expect(await page.locator("#tenant-rows tr.tenant-row").count()).toBe(50);
    expect(await page.locator("#page-label").textContent()).toBe("Page 1 of 20");
    expect(await page.locator("#ga-chart-note").textContent()).toContain("30 tenants of 1,000");
    expect(await page.locator("#ga-chart-table tbody tr").count()).toBe(30);
    const first = await rowNames(page);
    await page.locator("#page-next").click();
    expect(await page.locator("#page-label").textContent()).toBe("Page 2 of 20");
    expect(await rowNames(page)).not.toEqual(first);
    const marks = await page.evaluate(() => performance.getEntriesByType("mark").map((mark) => mark.name));
    expect(marks).toEqual(
      expect.arrayContaining(["report:data-decoded", "report:first-page", "report:interactive"]),
    );
    // One saved file per tenant and kind: the first inputs are listed at once, the rest on request.
    const inputRows = page.locator("#inputs-table tbody tr");
    expect(await inputRows.count()).toBe(20);
    expect(await page.locator("#inputs-table .inputs-more").textContent()).toContain(
      "20 of 2,000 inputs shown",
    );
    await page.getByRole("button", { name: "Show all 2,000 inputs" }).click();
    expect(await inputRows.count()).toBe(2_000);
    expect(requests).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("never lets 'cannot tell' read as 'nothing': unread Global Administrators are named on the row and the card", async () => {
    const { page, problems } = await open(strict, "/cannot-tell.html");
    const complete = fixture.tenants.filter((tenant) => tenant.complete);
    expect(await page.getByTestId("summary-fewer-than-two").textContent()).toBe("0");
    expect(await page.getByTestId("summary-fewer-than-two-cannot-tell").textContent()).toContain(
      `${fixture.tenants.length} cannot tell`,
    );
    for (const tenant of complete) {
      const row = page.locator(`tr[data-tenant-id="${tenant.tenantId}"]`);
      expect(await row.textContent()).toContain("GAs not read");
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("takes screenshots at 1280 and 390 pixels wide", async () => {
    const { page, problems } = await open(strict, "/fixture.html");
    // The wide shot shows a tenant opened, the narrow one the top of the page as a phone shows it.
    await page.locator(`tr[data-tenant-id="${FIXTURE_TENANTS.oneGlobalAdministrator}"] button.open`).click();
    await page.getByTestId("tenant-detail").waitFor();
    const shots = [
      { width: 1280, height: 900, fullPage: true },
      { width: 390, height: 844, fullPage: false },
    ];
    for (const { width, height, fullPage } of shots) {
      await page.setViewportSize({ width, height });
      await page.evaluate("window.scrollTo(0, 0)");
      await page.evaluate(
        "new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))",
      );
      const file = join(outputDir, `report-${width}.png`);
      await page.screenshot({ path: file, fullPage });
      // The page never scrolls sideways; wide tables scroll inside their own region.
      const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow).toBeLessThanOrEqual(0);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("prints the summary and the filtered tenants expanded, without controls", async () => {
    const { page, problems } = shared;
    await page.locator("#filter-severity").selectOption("warning");
    await page.emulateMedia({ media: "print" });
    await expect.poll(() => page.locator("#print-view [data-testid=tenant-detail]").count()).toBe(3);
    const printed = await page.locator("#print-view").textContent();
    expect(printed).toContain("Northwind Traders");
    expect(printed).not.toContain("Woodgrove Bank");
    expect(await page.getByTestId("summary-tenants-read").isVisible()).toBe(true);
    for (const control of ["#controls", "#pager", "#tenant-table", "#filter-text"]) {
      expect(await page.locator(control).isVisible()).toBe(false);
    }
    writeFileSync(join(outputDir, "report-print.pdf"), await page.pdf({ format: "A4" }));
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator("#controls").isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });
});
