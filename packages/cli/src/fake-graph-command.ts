/**
 * `rotation-exclusion fake-graph`: serves the demo's embedded tenant as a fake Microsoft Graph on
 * 127.0.0.1 and prints the exact `scan` and `audit` commands to try against it, so an admin can explore
 * the CLI without a tenant. Loads the testing kit through demo-run.js (like `demo`); `scan` and `audit`
 * never do.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeValue } from "@rotation-exclusion/core/internal";
import { GRAPH_CLOUDS } from "@rotation-exclusion/graph-adapter";
import { createCliError } from "./cli-error.js";
import type { CommandIo } from "./cli-io.js";
import { parseCommandFlags } from "./command-flags.js";
import { FAKE_GRAPH_HELP } from "./help-text.js";

/** Options of {@link runFakeGraphCommand} beyond the command line (tests stop it without a signal). */
export interface FakeGraphCommandOptions {
  /** Resolves when the server should stop. Default: SIGINT or SIGTERM. */
  readonly until?: Promise<unknown>;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token the CLI's checks accept for the demo tenant (unsigned: the fake server checks no signature). */
function demoToken(tenantId: string): string {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = {
    aud: GRAPH_CLOUDS.global.graphRoot,
    tid: tenantId,
    nbf: nowSeconds - 60,
    exp: nowSeconds + 12 * 3600,
    appid: "rotation-exclusion-fake-graph",
  };
  return `${base64url({ typ: "JWT", alg: "none" })}.${base64url(claims)}.`;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** Runs `fake-graph` until stopped; returns the exit status. */
export async function runFakeGraphCommand(
  args: readonly string[],
  io: CommandIo,
  options: FakeGraphCommandOptions = {},
): Promise<number> {
  const values = parseCommandFlags("fake-graph", args, {
    port: { type: "string" },
    "report-fixtures": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    io.stdout.write(FAKE_GRAPH_HELP);
    return 0;
  }
  const portText = (values.port as string | undefined) ?? "0";
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    throw createCliError("usage", `--port: ${describeValue(portText)} is not a port number (0 to 65535).`);
  }
  if (values["report-fixtures"] === true) return serveReportFixtureTenants(port, io, options);
  // Loaded only here and in the demo: a real scan never carries the fake server.
  const { serveDemoTenant } = await import("./demo-run.js");
  const { server, tenantId } = await serveDemoTenant(port);
  // The token goes in a file, not on the screen: everything printed is redacted, JWTs included.
  const tokenFile = join(tmpdir(), `fake-graph-token-${randomUUID()}`);
  await writeFile(tokenFile, demoToken(tenantId), { mode: 0o600 });
  const env = `NODE_EXTRA_CA_CERTS=${server.caFile} GRAPH_ACCESS_TOKEN="$(cat ${tokenFile})"`;
  const target = `--tenant-id ${tenantId} --graph-base-url ${server.url}`;
  io.stdout.write(
    [
      `Fake Microsoft Graph serving the demo tenant ${tenantId} at ${server.url}`,
      "(a made-up tenant; nothing leaves this machine). Stop it with Ctrl-C.",
      "",
      "Try, in another terminal:",
      `  ${env} rotation-exclusion scan ${target} --role "Global Administrator"`,
      `  ${env} rotation-exclusion audit ${target}`,
      "",
    ].join("\n"),
  );
  try {
    await (options.until ?? signalled());
  } finally {
    await server.close();
    await unlink(tokenFile).catch(() => {});
  }
  return 0;
}

/** `fake-graph --report-fixtures`: the six report tenants, an authority, and the report command to run. */
async function serveReportFixtureTenants(
  port: number,
  io: CommandIo,
  options: FakeGraphCommandOptions,
): Promise<number> {
  const { serveReportFixtures } = await import("./demo-run.js");
  const served = await serveReportFixtures(port);
  const directory = await mkdtemp(join(tmpdir(), "fake-graph-report-"));
  const tenantList = join(directory, "tenants.csv");
  const secretFile = join(directory, "client-secret");
  await writeFile(tenantList, served.tenantListCsv, { mode: 0o600 });
  // The secret goes in a file, not on the screen, like the demo token.
  await writeFile(secretFile, served.clientSecret, { mode: 0o600 });
  const env = [
    `NODE_EXTRA_CA_CERTS=${served.graph.caFile}`,
    `AZURE_AUTHORITY_HOST=${served.authority.url}`,
    `AZURE_CLIENT_ID=${served.clientId}`,
    `AZURE_CLIENT_SECRET="$(cat ${secretFile})"`,
  ].join(" ");
  io.stdout.write(
    [
      `Fake Microsoft Graph serving ${served.graph.tenants.size} report fixture tenants at ${served.graph.url},`,
      `and a fake Microsoft Entra authority at ${served.authority.url} that signs the app in per tenant`,
      "(made-up tenants; nothing leaves this machine). Stop it with Ctrl-C.",
      `Tenant list: ${tenantList}`,
      "",
      "Try, in another terminal:",
      `  ${env} rotation-exclusion report --tenants ${tenantList} --graph-base-url ${served.graph.url} --out posture.html`,
      "",
    ].join("\n"),
  );
  try {
    await (options.until ?? signalled());
  } finally {
    await served.close();
    await rm(directory, { recursive: true, force: true });
  }
  return 0;
}
