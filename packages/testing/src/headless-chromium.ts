/**
 * How the project's browser tests and benchmarks start Chromium: Debian's build (`apt-get install -y
 * chromium fonts-dejavu-core`) driven by playwright-core. Plain values, so the testing kit needs no browser
 * library; pass them to `chromium.launch()`.
 */

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Launch flags: no sandbox (CI runs as root), no GPU, and none of Chromium's own network traffic
 * (background networking, component updates, sync, QUIC), which a machine without internet refuses
 * noisily at every start.
 *
 * @example
 * const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...HEADLESS_CHROMIUM_ARGS] });
 */
export const HEADLESS_CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
] as const;
