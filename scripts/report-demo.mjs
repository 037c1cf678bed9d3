#!/usr/bin/env node
// @ts-check
/**
 * The posture report over the six report fixture tenants, in one command: serves them from the fake
 * Graph and the fake sign-in authority (as `rotation-exclusion fake-graph --report-fixtures` does), runs
 * the real `rotation-exclusion report` against them with a client secret, and writes `posture.html`.
 * With `--screenshots` it also photographs the page in headless Chromium at 1280 and 390 px wide into
 * docs/ (the README's pictures).
 *
 *   pnpm report:demo                                  # builds, then writes posture.html
 *   node scripts/report-demo.mjs --out /tmp/p.html --screenshots
 *
 * The report exits 3 here on purpose: one fixture tenant's read always fails, and the page says so.
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { root } from "./workspace-packages.mjs";

const { values } = parseArgs({
  options: { out: { type: "string", default: "posture.html" }, screenshots: { type: "boolean" } },
});
const out = resolve(values.out ?? "posture.html");
const cli = join(root, "packages/cli/dist/main.js");
if (!existsSync(cli)) throw new Error("packages/cli is not built: run `pnpm build` first");

// The CLI's fixture server (the module the `fake-graph` command loads for the same purpose).
const { serveReportFixtures } = await import(pathToFileURL(join(root, "packages/cli/dist/demo-run.js")).href);
const served = await serveReportFixtures(0);
const scratch = await mkdtemp(join(tmpdir(), "report-demo-"));
try {
  const tenantList = join(scratch, "tenants.csv");
  writeFileSync(tenantList, served.tenantListCsv, { mode: 0o600 });
  const args = [cli, "report", "--tenants", tenantList, "--graph-base-url", served.graph.url, "--out", out];
  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: served.graph.caFile,
    AZURE_AUTHORITY_HOST: served.authority.url,
    AZURE_TENANT_ID: "",
    AZURE_CLIENT_ID: served.clientId,
    AZURE_CLIENT_SECRET: served.clientSecret,
    GRAPH_ACCESS_TOKEN: "",
  };
  const code = await new Promise((done) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "inherit", "inherit"] });
    child.once("exit", done);
  });
  // 3: some tenant incomplete (the fixture's failing one); anything else but 0 is a real failure.
  if (code !== 0 && code !== 3) throw new Error(`rotation-exclusion report exited ${code}`);
  console.log(
    `report-demo: wrote ${out} (the report exited ${code}: one fixture tenant is unreadable on purpose)`,
  );
  if (values.screenshots) await screenshots(out);
} finally {
  await served.close();
  await rm(scratch, { recursive: true, force: true });
}

/** @param {string} file */
async function screenshots(file) {
  const { chromium } = await import("playwright-core");
  const { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } = await import("@rotation-exclusion/testing");
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...HEADLESS_CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.evaluate("window.postureReportPage.ready");
    // The wide picture shows one tenant opened: the one with a single protected Global Administrator.
    await page.locator("tr[data-tenant-id] button.open").nth(1).click();
    await page.getByTestId("tenant-detail").waitFor();
    for (const { width, height, fullPage } of [
      { width: 1280, height: 900, fullPage: true },
      { width: 390, height: 844, fullPage: false },
    ]) {
      await page.setViewportSize({ width, height });
      await page.evaluate("window.scrollTo(0, 0)");
      await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
      const shot = join(root, "docs", `report-${width}.png`);
      await page.screenshot({ path: shot, fullPage });
      console.log(`report-demo: wrote ${shot}`);
    }
  } finally {
    await browser.close();
  }
}
