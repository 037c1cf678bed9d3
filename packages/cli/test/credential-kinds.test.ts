/**
 * Each `--credential` kind end to end through the built CLI, against loopback stand-ins only: a stub
 * `az` on PATH, the App Service managed identity endpoint and a Microsoft Entra authority on 127.0.0.1
 * (the testing kit's fake token service). The instance metadata address is pointed at a closed loopback
 * port in every run (see cli-subprocess.ts), so nothing can leave the machine.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  emergencyAccessTenant,
  type FakeGraphServer,
  type FakeTokenService,
  startFakeGraphServer,
  startFakeTokenService,
} from "@rotation-exclusion/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJwt, runBuiltCli } from "./cli-subprocess.js";

const { tenant } = emergencyAccessTenant({ ordinaryUsers: 2, seed: "cli-credential-kinds" });
const CLIENT_ID = "22222222-2222-4222-8222-222222222222";
const AZ_TOKEN = "az-cli-opaque-token-5c1d9e";

let graph: FakeGraphServer;
let tokens: FakeTokenService;
let scratch: string;
/** Tokens Graph received, in order. */
const seen: string[] = [];

beforeAll(async () => {
  graph = await startFakeGraphServer(tenant);
  graph.configure({
    acceptToken: (token) => {
      seen.push(token);
      return true;
    },
  });
  tokens = await startFakeTokenService({ accessToken: "authority-issued-token-8f2a" });
  scratch = await mkdtemp(join(tmpdir(), "cli-credential-kinds-"));
}, 120_000);

afterAll(async () => {
  await graph?.close();
  await tokens?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const scan = (...flags: string[]) => [
  "scan",
  "--tenant-id",
  tenant.tenantId,
  "--graph-base-url",
  graph.url,
  "--format",
  "json",
  ...flags,
];
// Both servers use the testing kit's one CA.
const trust = () => ({ NODE_EXTRA_CA_CERTS: graph.caFile });

describe("--credential kinds (loopback stand-ins only)", () => {
  it("azure-cli: asks `az` for a Graph token of the tenant, and redacts it when Graph echoes it", async () => {
    const bin = join(scratch, "bin");
    const argsFile = join(scratch, "az-args.txt");
    await rm(bin, { recursive: true, force: true });
    await mkdir(bin);
    const expires = new Date(Date.now() + 3_600_000);
    await writeFile(
      join(bin, "az"),
      `#!/bin/sh\necho "$@" > "${argsFile}"\necho '${JSON.stringify({
        accessToken: AZ_TOKEN,
        expiresOn: expires.toISOString().replace("T", " ").replace("Z", ""),
        expires_on: Math.floor(expires.getTime() / 1000),
        subscription: "sub",
        tenant: tenant.tenantId,
        tokenType: "Bearer",
      })}'\n`,
    );
    await chmod(join(bin, "az"), 0o755);
    const echo = graph.addFault({
      match: { route: "roleDefinitions.list" },
      effect: {
        kind: "transform-body",
        status: 400,
        transform: (_body, request) => ({
          error: { code: "BadRequest", message: `saw ${request.authorization}` },
        }),
      },
    });
    try {
      const run = await runBuiltCli(
        [...scan("--credential", "azure-cli", "--role", "Global Administrator")],
        {
          ...trust(),
          PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
        },
      );
      expect(seen).toContain(AZ_TOKEN);
      const args = await readFile(argsFile, "utf8");
      expect(args).toMatch(/account get-access-token/);
      expect(args).toContain("https://graph.microsoft.com");
      expect(args).toContain(`--tenant ${tenant.tenantId}`);
      // The token was never in the environment, yet Graph's echo of it is redacted.
      expect(run.stdout + run.stderr).not.toContain(AZ_TOKEN);
      expect(run.stdout).toContain("[redacted]");
      expect([0, 2, 3]).toContain(run.code);
    } finally {
      echo.remove();
    }
  }, 120_000);

  it("managed-identity: the App Service endpoint on 127.0.0.1 with IDENTITY_HEADER (exit 0)", async () => {
    const before = tokens.requests.length;
    const run = await runBuiltCli(scan("--credential", "managed-identity"), {
      ...trust(),
      IDENTITY_ENDPOINT: tokens.identityEndpoint,
      IDENTITY_HEADER: tokens.identityHeader,
    });
    expect(run.code, run.stderr).toBe(0);
    const request = tokens.requests.slice(before).find((r) => r.kind === "managed-identity");
    expect(request?.identityHeader).toBe(tokens.identityHeader);
    expect(request?.fields.resource).toBe("https://graph.microsoft.com");
    expect(seen.at(-1)).toBe(tokens.accessToken);
    expect(run.stdout + run.stderr).not.toContain(tokens.identityHeader);
  }, 60_000);

  it("workload-identity: the federated token file is sent as the client assertion to the authority (exit 0)", async () => {
    const assertion = fakeJwt({ sub: "system:serviceaccount:ns:sa", aud: "api://AzureADTokenExchange" });
    const file = join(scratch, "federated-token");
    await writeFile(file, assertion);
    const before = tokens.requests.length;
    const env = {
      ...trust(),
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_FEDERATED_TOKEN_FILE: file,
      AZURE_AUTHORITY_HOST: tokens.url,
    };
    const run = await runBuiltCli(scan("--credential", "workload-identity"), env);
    expect(run.code, run.stderr).toBe(0);
    const request = tokens.requests.slice(before).find((r) => r.kind === "authority");
    expect(request).toMatchObject({
      tenantId: tenant.tenantId,
      fields: {
        client_id: CLIENT_ID,
        client_assertion: assertion,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        scope: "https://graph.microsoft.com/.default",
      },
    });
    expect(seen.at(-1)).toBe(tokens.accessToken);
    // Without --credential the default chain finds the same workload identity (before managed identity).
    const chained = await runBuiltCli(scan(), env);
    expect(chained.code, chained.stderr).toBe(0);
    expect(tokens.requests.filter((r) => r.kind === "authority").length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it("environment: a client secret signs in at the authority; a missing variable is named (exit 2)", async () => {
    const secret = "client-secret-value-4e7b";
    const run = await runBuiltCli(scan("--credential", "environment"), {
      ...trust(),
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: secret,
      AZURE_AUTHORITY_HOST: tokens.url,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(tokens.requests.at(-1)?.fields).toMatchObject({ client_id: CLIENT_ID, client_secret: secret });
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ["--credential", "environment"],
        { AZURE_CLIENT_SECRET: secret },
        /--credential environment: AZURE_CLIENT_ID is not set; AZURE_CLIENT_SECRET is set/,
      ],
      [
        ["--credential", "environment"],
        { AZURE_CLIENT_ID: CLIENT_ID },
        /--credential environment: AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is not set/,
      ],
      [
        ["--credential", "workload-identity"],
        { AZURE_CLIENT_ID: CLIENT_ID },
        /--credential workload-identity: AZURE_FEDERATED_TOKEN_FILE is not set/,
      ],
      [
        ["--credential", "kerberos"],
        {},
        /--credential: "kerberos" is not one of environment, managed-identity/,
      ],
    ];
    const runs = await Promise.all(
      cases.map(([flags, env]) => runBuiltCli(scan(...flags), { ...trust(), ...env })),
    );
    runs.forEach((bad, index) => {
      const [, , message] = cases[index] as (typeof cases)[number];
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(message);
      expect(bad.stderr).not.toContain(secret);
    });
  }, 120_000);
});
