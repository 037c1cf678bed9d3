/**
 * Hostile flags and environment for every command, in-process: each is a usage error (exit 2) naming
 * the flag and the value (quoted, control characters escaped, long values cut, credentials never
 * repeated), nothing on stdout, and nothing read: no credential is even looked for.
 */
import { type CliIo, runCli } from "@rotation-exclusion/cli";
import { describe, expect, it } from "vitest";

const TENANT = "8b1c2d3e-4f50-4a6b-9c7d-0e1f2a3b4c5d";
const TOKEN = "tok-SECRET-badinput-7a";

function run(args: readonly string[], env: Record<string, string> = { GRAPH_ACCESS_TOKEN: TOKEN }) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  return runCli(args, io).then((code) => ({ code, stdout, stderr }));
}

const scan = (...flags: string[]) => ["scan", "--tenant-id", TENANT, ...flags];

describe("hostile command-line input", () => {
  it.each([
    [["scan", "--tenant-id", ""], /--tenant-id is required/],
    [["scan", "--tenant-id", "' or 1 eq 1"], /--tenant-id: "' or 1 eq 1" is not a tenant id/],
    [["audit", "--tenant-id", `${TENANT}' or 1 eq 1`], /--tenant-id: ".*' or 1 eq 1" is not a tenant id/],
    [["scan", "--tenant-id", "x".repeat(10_000)], /--tenant-id: "x{80}…" is not a tenant id/],
    [scan("--user", "' or 1 eq 1"), /--user: "' or 1 eq 1" is neither an object id/],
    [scan("--user", ""), /--user: "" is neither an object id .*: it must be a non-empty string/],
    [
      scan("--user", "admin@contoso.com\n\u001b[31mFAKE"),
      /--user: "admin@contoso.com\\n\\u001b\[31mFAKE" is neither/,
    ],
    [
      scan("--user", `${"a".repeat(1100)}@contoso.com`),
      /--user: "a{80}…" is neither .*: it is longer than 1024 characters/,
    ],
    [scan("--role", "x".repeat(300)), /--role: "x{80}…" is longer than 256 characters/],
    [scan("--role", ""), /--role: "" must be a role display name or role template id/],
    [scan("--cloud", "__proto__"), /--cloud: "__proto__" is not one of global, usgov, usgov-dod, china/],
    [scan("--cloud", "AzureUSGovernment"), /--cloud: "AzureUSGovernment" is not one of/],
    [scan("--cloud", ""), /--cloud: "" is not one of/],
    [
      scan("--graph-base-url", "javascript:alert(1)"),
      /--graph-base-url: "javascript:alert\(1\)" must use https/,
    ],
    [
      scan("--graph-base-url", "http://graph.microsoft.com"),
      /--graph-base-url: "http:\/\/graph.microsoft.com" must use https/,
    ],
    [scan("--graph-base-url", "https://graph.microsoft.com/?$filter=1 eq 1"), /without a path or version/],
    [scan("--graph-base-url", "not a url"), /--graph-base-url: "not a url" is not an absolute URL/],
    [scan("--log-level", "__proto__"), /--log-level: "__proto__"/],
    [scan("--format", "json; rm -rf /"), /--format: "json; rm -rf \/" is not one of table, json/],
    [scan("--token", TOKEN), /Unknown option '--token'/],
    [scan("positional"), /positional/i],
    [["demo", "--log-level", "verbose"], /--log-level: "verbose"/],
    [["audit", "--tenant-id", TENANT, "--role", "Global Administrator"], /Unknown option '--role'/],
  ])("%j exits 2 naming the flag and value, with nothing on stdout", async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    // The value is shown escaped: no raw control character reaches the terminal.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none reach stderr.
    expect(result.stderr.replace(/\n$/, "")).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it("never repeats a token passed as a flag value or credentials embedded in a URL", async () => {
    for (const args of [
      scan("--token", TOKEN),
      scan("--graph-base-url", `https://app:${TOKEN}@graph.microsoft.com`),
      scan("--graph-base-url", `https://${TOKEN}@graph.microsoft.com`),
    ]) {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain(TOKEN);
    }
  });

  it("refuses a hostile AZURE_TENANT_ID by its name", async () => {
    const result = await run(["scan"], { AZURE_TENANT_ID: "contoso' or 1 eq 1", GRAPH_ACCESS_TOKEN: TOKEN });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/AZURE_TENANT_ID: "contoso' or 1 eq 1" is not a tenant id/);
  });
});
