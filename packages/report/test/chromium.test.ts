/** The browser tests' launcher: loud when it skips, a failure with the install command when Chromium is required. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { chromiumAvailable, launchChromium } from "./chromium.js";

const MISSING = "/nonexistent/chromium";

describe("the Chromium launcher", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("skips loudly when Chromium is missing and not required", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(chromiumAvailable(MISSING, {})).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("SKIPPING the report page browser tests"));
  });

  it("runs the tests (so they fail) when REQUIRE_CHROMIUM=1, and says how to install it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(chromiumAvailable(MISSING, { REQUIRE_CHROMIUM: "1" })).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    await expect(launchChromium(MISSING)).rejects.toThrow("apt-get install -y chromium fonts-dejavu-core");
  });
});
