/**
 * No secret in anything the built CLI prints: a Graph stand-in that echoes the request's Authorization
 * header back in an error body, in a display name that becomes a warning, and in a next link, must not
 * get the token (or any bearer- or JWT-shaped string) onto stdout or stderr, in a table or in JSON, at
 * any log level.
 */
import {
  emergencyAccessTenant,
  type FakeGraphFaultRequest,
  type FakeGraphServer,
  startFakeGraphServer,
} from "@rotation-exclusion/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, fakeJwt, graphClaims, inBatches, runBuiltCli } from "./cli-subprocess.js";

const { tenant, ids } = emergencyAccessTenant({ ordinaryUsers: 4, seed: "cli-secret-redaction" });
const TOKEN = fakeJwt(graphClaims(tenant.tenantId), "c2VjcmV0LXNpZ25hdHVyZS1vZi10aGUtdG9rZW4");
// Another JWT-shaped string the server makes up (an id token a proxy might log): redacted by shape.
const FOREIGN_JWT = fakeJwt({ sub: "someone-else", tid: "x" }, "Zm9yZWlnbi1zaWduYXR1cmU");
const FOREIGN_BEARER = "Bearer opaque-foreign-credential-0123456789";

let server: FakeGraphServer;

beforeAll(async () => {
  server = await startFakeGraphServer(tenant);
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const echo = (request: FakeGraphFaultRequest) =>
  `${request.authorization} (also seen: ${FOREIGN_BEARER}; id_token=${FOREIGN_JWT})`;

/** Every echo at once: an error body, a unit display name (a warning and a table cell), a next link. */
function echoEverywhere(): () => void {
  const handles = [
    server.addFault({
      match: { route: "roleEligibility.list" },
      effect: {
        kind: "transform-body",
        status: 403,
        transform: (_body, request) => ({
          error: { code: "Authorization_RequestDenied", message: `Proxy refused ${echo(request)}` },
        }),
      },
    }),
    server.addFault({
      match: { route: "administrativeUnits.list" },
      effect: {
        kind: "transform-body",
        transform: (body, request) => {
          const page = body as { value: { id: string; displayName: string }[] };
          for (const unit of page.value) {
            if (unit.id === ids.groupUnit) unit.displayName = `Finance ${echo(request)}`;
          }
          return page;
        },
      },
    }),
    server.addFault({
      match: { route: "groups.members" },
      effect: {
        kind: "transform-body",
        transform: (body, request) => ({
          ...(body as object),
          "@odata.nextLink": `https://graph.invalid/v1.0/groups?$skiptoken=${encodeURIComponent(echo(request))}&raw=${echo(request)}`,
        }),
      },
    }),
  ];
  return () => {
    for (const handle of handles) handle.remove();
  };
}

function expectNothingSecret(run: CliRun, label: string): void {
  for (const [stream, text] of [
    ["stdout", run.stdout],
    ["stderr", run.stderr],
  ] as const) {
    for (const secret of [TOKEN, TOKEN.split(".")[1] as string, TOKEN.split(".")[2] as string, FOREIGN_JWT]) {
      expect(text.includes(secret), `${label}: ${stream} holds a secret`).toBe(false);
    }
    expect(text, `${label}: ${stream}`).not.toContain(FOREIGN_BEARER);
    expect(text, `${label}: ${stream}`).not.toMatch(/Bearer (?!\[redacted\])\S/);
  }
}

const LEVELS = [undefined, "fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

describe("secret redaction (built CLI, echoing Graph)", () => {
  it("the echoed token reaches no output: tables and JSON, at every log level and log format", async () => {
    const restore = echoEverywhere();
    try {
      const target = ["--tenant-id", tenant.tenantId, "--graph-base-url", server.url];
      const env = { NODE_EXTRA_CA_CERTS: server.caFile, GRAPH_ACCESS_TOKEN: TOKEN };
      const cases: { label: string; args: string[] }[] = [];
      for (const command of ["scan", "audit"]) {
        for (const format of ["table", "json"]) {
          // Every level for scan; audit shares the output path, so its default and loudest suffice.
          for (const level of command === "scan" ? LEVELS : ([undefined, "trace"] as const)) {
            const args = [command, ...target, "--format", format];
            if (command === "scan") args.push("--role", "Global Administrator");
            if (level !== undefined) args.push("--log-level", level);
            cases.push({ label: `${command} ${format} ${level ?? "default"}`, args });
          }
          const roles = command === "scan" ? ["--role", "Global Administrator"] : [];
          cases.push({
            label: `${command} ${format} --log-format json`,
            args: [
              command,
              ...target,
              ...roles,
              "--format",
              format,
              "--log-format",
              "json",
              "--log-level",
              "trace",
            ],
          });
          cases.push({
            label: `${command} ${format} --log-format human`,
            args: [
              command,
              ...target,
              ...roles,
              "--format",
              format,
              "--log-format",
              "human",
              "--log-level",
              "trace",
            ],
          });
        }
      }
      const runs = await inBatches(
        cases.map(
          ({ args }) =>
            () =>
              runBuiltCli(args, env),
        ),
      );
      runs.forEach((run, index) => {
        const { label } = cases[index] as (typeof cases)[number];
        expectNothingSecret(run, label);
        // The run did read and report (incomplete: the eligibility read failed), not a usage error.
        expect({ label, code: run.code }).toEqual({ label, code: 3 });
        if (label.includes(" json ")) expect(() => JSON.parse(run.stdout), label).not.toThrow();
      });
      // The echo did happen: the redacted marks are where the token was.
      const json = runs[cases.findIndex(({ label }) => label === "scan json trace")] as CliRun;
      expect(json.stdout).toContain("[redacted]");
    } finally {
      restore();
    }
  }, 180_000);

  it("the line 'nothing could be read' does not repeat an echoed token (exit 1)", async () => {
    const handle = server.addFault({
      match: { route: ["users.list", "administrativeUnits.list", "batch"] },
      effect: {
        kind: "transform-body",
        status: 400,
        transform: (_body, request) => ({ error: { code: "BadRequest", message: `bad ${echo(request)}` } }),
      },
    });
    try {
      const args = ["scan", "--tenant-id", tenant.tenantId, "--graph-base-url", server.url];
      const env = { NODE_EXTRA_CA_CERTS: server.caFile, GRAPH_ACCESS_TOKEN: TOKEN };
      const runs = await inBatches([
        () => runBuiltCli(args, env),
        () => runBuiltCli([...args, "--format", "json"], env),
        () => runBuiltCli([...args, "--log-level", "trace"], env),
      ]);
      for (const run of runs) {
        expectNothingSecret(run, "nothing read");
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/nothing could be read from tenant/);
      }
    } finally {
      handle.remove();
    }
  }, 60_000);
});
