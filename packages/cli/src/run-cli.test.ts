import { type CliIo, runCli } from "@rotation-exclusion/cli";
import { describe, expect, it } from "vitest";

const TENANT = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
const TOKEN = "tok-SECRET-inprocess-42";

function collect(env: Record<string, string> = { GRAPH_ACCESS_TOKEN: TOKEN }) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  return { io, out: () => stdout, err: () => stderr };
}

describe("runCli (in-process)", () => {
  it.each([
    [["demo", "--help"], "rotation-exclusion demo --format json"],
    [["scan", "--help"], "--role"],
    [["audit", "-h"], "--cloud usgov"],
    [["help"], "Commands:"],
  ])("%j prints help with an example", async (args, expected) => {
    const run = collect();
    expect(await runCli(args, run.io)).toBe(0);
    expect(run.out()).toContain("Example");
    expect(run.out()).toContain(expected);
  });

  it("without arguments prints the help on stderr and exits 2, leaving stdout for output", async () => {
    const run = collect();
    expect(await runCli([], run.io)).toBe(2);
    expect(run.out()).toBe("");
    expect(run.err()).toContain("Commands:");
  });

  it.each([
    [
      ["scan", "--tenant-id", TENANT, "--cloud", "mars"],
      /--cloud: "mars" is not one of global, usgov, usgov-dod, china/,
    ],
    [["scan", "--tenant-id", "contoso.com"], /--tenant-id: "contoso.com" is not a tenant id/],
    [["scan"], /--tenant-id is required \(or set AZURE_TENANT_ID\)/],
    [
      ["scan", "--tenant-id", TENANT, "--graph-base-url", "http://127.0.0.1:1"],
      /--graph-base-url: "http:\/\/127.0.0.1:1" must use https/,
    ],
    [
      ["scan", "--tenant-id", TENANT, "--graph-base-url", "https://graph.microsoft.us/v1.0"],
      /without a path or version/,
    ],
    [["scan", "--tenant-id", TENANT, "--format", "xml"], /--format: "xml" is not one of table, json/],
    [["scan", "--tenant-id", TENANT, "--log-level", "loud"], /--log-level: "loud"/],
    [
      ["scan", "--tenant-id", TENANT, "--user", "not-a-user"],
      /--user: "not-a-user" is neither an object id \(a GUID\) nor a user principal name: it must contain "@"/,
    ],
    [
      ["scan", "--tenant-id", TENANT, "--role", " "],
      /--role: " " must be a role display name or role template id \(a non-empty string\)/,
    ],
    [
      ["scan", "--tenant-id", TENANT, "--role", "Global\u0007Admin"],
      /--role: "Global\\u0007Admin" contains control characters/,
    ],
    [["audit", "--tenant-id", TENANT, "--user", "a@b.c"], /Unknown option '--user'/],
    [["demo", "--format", "yaml"], /--format: "yaml"/],
    [["demo", "extra"], /demo: .*positional/i],
    [["rotate"], /unknown command "rotate"/],
  ])("%j is a usage error naming the flag and value (exit 2)", async (args, message) => {
    const run = collect();
    expect(await runCli(args, run.io)).toBe(2);
    expect(run.err()).toMatch(message);
    expect(run.out()).toBe("");
  });

  it("never echoes credentials embedded in a Graph URL", async () => {
    const run = collect();
    const args = [
      "scan",
      "--tenant-id",
      TENANT,
      "--graph-base-url",
      "https://admin:hunter2-SECRET@graph.test",
    ];
    expect(await runCli(args, run.io)).toBe(2);
    expect(run.err()).toMatch(/must not contain user info/);
    expect(run.err()).not.toContain("hunter2-SECRET");
  });

  it("redacts the token as the credential uses it (trimmed), not only as set in the environment", async () => {
    let stderr = "";
    const io: CliIo = {
      // Whatever throws may quote the token; here the output stream does.
      stdout: {
        write: () => {
          throw new Error(`stdout closed while sending ${TOKEN} somewhere`);
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      env: { GRAPH_ACCESS_TOKEN: `  ${TOKEN}\n` },
    };
    expect(await runCli(["scan", "--help"], io)).toBe(1);
    expect(stderr).toContain("unexpected error: stdout closed while sending [redacted] somewhere");
    expect(stderr).not.toContain(TOKEN);
  });

  it("takes the tenant from AZURE_TENANT_ID and names the missing variable of incomplete credentials", async () => {
    // --credential environment: in-process, the default chain would look for a managed identity.
    const run = collect({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: "only-the-id" });
    expect(await runCli(["scan", "--credential", "environment"], run.io)).toBe(2);
    expect(run.err()).toMatch(
      /--credential environment: AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is not set/,
    );
    const bad = collect({ AZURE_TENANT_ID: "not-a-guid", GRAPH_ACCESS_TOKEN: TOKEN });
    expect(await runCli(["scan"], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/AZURE_TENANT_ID: "not-a-guid"/);
  });
});
