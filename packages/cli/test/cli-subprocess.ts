/**
 * Runs the built `rotation-exclusion` executable as a subprocess, the way a user does, and builds the
 * tokens the CLI's token checks read (unsigned JWTs: the CLI reads claims, it never verifies a signature).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built executable (vitest's global setup builds it when stale). */
export const CLI_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/**
 * Every run's safety net: the instance metadata address a managed identity credential would probe
 * (169.254.169.254) is pointed at a closed loopback port, so no test can ever reach a real one.
 */
export const NO_INSTANCE_METADATA = { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9" } as const;

/** What one run printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runBuiltCli}. */
export interface RunBuiltCliOptions {
  readonly nodeOptions?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * Runs the built CLI with only PATH and the given environment. Asynchronous on purpose: a fake server in
 * the test's own process answers from its event loop while the CLI runs.
 */
export function runBuiltCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  options: RunBuiltCliOptions = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeOptions ?? []), CLI_MAIN, ...args],
      {
        env: { PATH: process.env.PATH ?? "", ...NO_INSTANCE_METADATA, ...env },
        timeout: options.timeoutMs ?? 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An access token shaped like Entra's (header.claims.signature), with the given claims. */
export function fakeJwt(
  claims: Readonly<Record<string, unknown>>,
  signature = "c2lnbmF0dXJlLW5vdC1jaGVja2Vk",
): string {
  return `${base64url({ typ: "JWT", alg: "RS256", kid: "test" })}.${base64url(claims)}.${signature}`;
}

/** Claims of a valid app-only Graph token for `tenantId` on the worldwide cloud, valid for an hour. */
export function graphClaims(tenantId: string, overrides: Readonly<Record<string, unknown>> = {}) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return {
    aud: "https://graph.microsoft.com",
    iss: `https://sts.windows.net/${tenantId}/`,
    tid: tenantId,
    nbf: nowSeconds - 60,
    iat: nowSeconds - 60,
    exp: nowSeconds + 3600,
    appid: "11111111-1111-4111-8111-111111111111",
    roles: ["Directory.Read.All"],
    ...overrides,
  };
}

/** Runs `tasks` with at most `limit` at a time (subprocesses on a small machine). */
export async function inBatches<T>(tasks: readonly (() => Promise<T>)[], limit = 4): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += limit) {
    results.push(...(await Promise.all(tasks.slice(start, start + limit).map((task) => task()))));
  }
  return results;
}
