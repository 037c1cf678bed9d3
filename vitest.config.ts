import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources (the "source" export condition),
    // so tests never depend on a stale build.
    conditions: ["source"],
  },
  ssr: {
    resolve: {
      conditions: ["source"],
      externalConditions: ["source"],
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    globalSetup: ["scripts/vitest-global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
