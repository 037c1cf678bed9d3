/**
 * `rotation-exclusion fake-graph` as a user meets it: the built CLI serves the demo tenant and prints
 * the exact commands to try; those commands, run as printed through a shell, work against it.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_MAIN, NO_INSTANCE_METADATA, runBuiltCli } from "./cli-subprocess.js";

function runInShell(
  command: string,
  binDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/bin/sh",
      ["-c", command],
      {
        env: { PATH: `${binDir}:${process.env.PATH ?? ""}`, ...NO_INSTANCE_METADATA },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe("rotation-exclusion fake-graph (built CLI)", () => {
  it("serves the demo tenant and prints scan and audit commands that work as printed", async () => {
    const child = spawn(process.execPath, [CLI_MAIN, "fake-graph"], {
      env: { PATH: process.env.PATH ?? "", ...NO_INSTANCE_METADATA },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let binDir: string | undefined;
    try {
      let printed = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          printed += chunk.toString();
          if (printed.includes("rotation-exclusion audit")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`fake-graph exited early (${code}): ${printed}`)));
      });
      expect(printed).toMatch(
        /^Fake Microsoft Graph serving the demo tenant [0-9a-f-]{36} at https:\/\/127\.0\.0\.1:\d+/,
      );
      expect(printed).not.toContain("[redacted]");
      const commands = printed
        .split("\n")
        .filter((line) => line.includes(" rotation-exclusion "))
        .map((line) => line.trim());
      expect(commands).toHaveLength(2);
      // A `rotation-exclusion` on PATH that is this build, so the printed commands run unchanged.
      binDir = await mkdtemp(join(tmpdir(), "fake-graph-bin-"));
      await symlink(CLI_MAIN, join(binDir, "rotation-exclusion"));
      const [scan, audit] = await Promise.all(
        commands.map((command) => runInShell(command, binDir as string)),
      );
      expect(scan?.code, scan?.stderr).toBe(0);
      expect(scan?.stderr).toBe("");
      expect(scan?.stdout).toMatch(/protected +breakglass1@contoso\.onmicrosoft\.com/);
      expect(audit?.code, audit?.stderr).toBe(0);
      expect(audit?.stdout).toMatch(/Emergency-access audit of tenant/);
    } finally {
      child.kill("SIGTERM");
      if (binDir !== undefined) await rm(binDir, { recursive: true, force: true });
    }
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
  }, 120_000);

  it("refuses a bad --port (exit 2)", async () => {
    const run = await runBuiltCli(["fake-graph", "--port", "99999"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--port: "99999" is not a port number/);
  });
});
