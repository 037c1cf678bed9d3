import { defineConfig } from "vitest/config";

// Test files whose own processes and timings should not share a worker with anything else.
const isolated = ["packages/fleet/test/**/*.e2e.test.ts"];

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
    globalSetup: ["scripts/vitest-global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
          exclude: isolated,
          // One worker on a 2-core machine runs the files one after another; without isolation they share
          // one module graph instead of importing it again per file (import time went from ~70 s to ~6 s
          // of a ~200 s run). Each file cleans up what it registers (servers, telemetry, timers).
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "isolated", include: isolated },
      },
    ],
  },
});
