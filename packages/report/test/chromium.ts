/**
 * Starts the machine's Chromium for the report page tests. Without `/usr/bin/chromium` the browser tests
 * are skipped with a warning, unless `REQUIRE_CHROMIUM=1` (CI), where they fail and say how to install it.
 */
import { existsSync } from "node:fs";
import { CHROMIUM_PATH, HEADLESS_CHROMIUM_ARGS } from "@rotation-exclusion/testing";
import { type Browser, chromium } from "playwright-core";

const INSTALL_HINT = "apt-get install -y chromium fonts-dejavu-core";

/** Whether the browser tests can run; false only when Chromium is missing and not required. */
export function chromiumAvailable(path = CHROMIUM_PATH, env: NodeJS.ProcessEnv = process.env): boolean {
  if (existsSync(path)) return true;
  if (env.REQUIRE_CHROMIUM === "1") return true; // launchChromium fails with the install hint
  // biome-ignore lint/suspicious/noConsole: a skipped browser suite must say so loudly
  console.warn(
    `\n!!! ${path} is missing: SKIPPING the report page browser tests. Install it with \`${INSTALL_HINT}\` (CI sets REQUIRE_CHROMIUM=1 to fail instead).\n`,
  );
  return false;
}

/** Launches headless Chromium with the flags that keep it quiet on a closed network. */
export async function launchChromium(path = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(path)) {
    throw new Error(
      `REQUIRE_CHROMIUM=1 but ${path} is missing: install it with \`${INSTALL_HINT}\` and run the tests again.`,
    );
  }
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [...HEADLESS_CHROMIUM_ARGS],
  });
}
