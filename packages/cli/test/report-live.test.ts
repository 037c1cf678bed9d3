/**
 * `rotation-exclusion report` end to end: the built CLI's `fake-graph --report-fixtures` serves the six
 * report tenants with a per-tenant sign-in authority, the printed app registration reads them all live
 * (subprocess), and scan/audit JSON the CLI wrote itself comes back through `report --from` (in-process)
 * in every format, filtered to one tenant, redacted, and with the exit statuses scripts rely on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type CliIo, runCli } from "@rotation-exclusion/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MAIN, type CliRun, inBatches, NO_INSTANCE_METADATA, runBuiltCli } from "./cli-subprocess.js";

const FORMATS = ["html", "md", "csv", "json"] as const;
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJsZWFrZWQifQ.c2lnbmF0dXJlLWxlYWtlZA";

let child: ChildProcess | undefined;
let scratch: string;
let env: Record<string, string>;
let secret: string;
let tenantList: string;
let graphUrl: string;
/** Tenant id by display name (from the printed tenant list). */
const ids = new Map<string, string>();
const live = new Map<string, { run: CliRun; output: string }>();
/** A tenant the fake Graph does not serve (its reads answer 401) and one listed in another cloud. */
const UNSERVED = "0badc0de-0000-4000-8000-000000000001";
const OTHER_CLOUD = "0badc0de-0000-4000-8000-000000000002";
let mixed: CliRun;
let pastDeadline: CliRun;
/** Saved scan and/or audit JSON per tenant display name. */
const saved = new Map<string, { scan?: string; audit?: string }>();

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`${pattern} not in: ${text}`);
  return found;
}

async function startFixtures(): Promise<string> {
  const started = spawn(process.execPath, [CLI_MAIN, "fake-graph", "--report-fixtures"], {
    env: { PATH: process.env.PATH ?? "", ...NO_INSTANCE_METADATA },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = started;
  let printed = "";
  await new Promise<void>((resolve, reject) => {
    started.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes("rotation-exclusion report")) resolve();
    });
    started.once("exit", (code) => reject(new Error(`fake-graph exited early (${code}): ${printed}`)));
  });
  return printed;
}

async function inProcess(args: readonly string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  const code = await runCli(["report", ...args], io);
  return { code, stdout, stderr };
}

/**
 * The text of a report as a reader gets it: the HTML page carries its data gzip-compressed in JSON
 * blocks, so a search of the raw page would find nothing either way; the blocks are decoded and appended.
 */
function searchable(output: string): string {
  const blocks = [...output.matchAll(/<script type="application\/json" id="[^"]+">([^<]*)<\/script>/g)];
  const decoded = blocks.map(([, text]) => {
    const block = JSON.parse(text as string) as { encoding: string; value: unknown };
    return block.encoding === "gzip-base64"
      ? gunzipSync(Buffer.from(block.value as string, "base64")).toString("utf8")
      : JSON.stringify(block.value);
  });
  return [output, ...decoded].join("\n");
}

const fromAll = () =>
  [...saved.values()].flatMap((files) =>
    [files.scan, files.audit].flatMap((path) => (path === undefined ? [] : ["--from", path])),
  );

describe("rotation-exclusion report against the six fixture tenants", () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "report-live-"));
    const printed = await startFixtures();
    tenantList = match(printed, /Tenant list: (\S+)/);
    graphUrl = match(printed, /--graph-base-url (\S+)/);
    secret = await readFile(match(printed, /AZURE_CLIENT_SECRET="\$\(cat (\S+)\)"/), "utf8");
    env = {
      NODE_EXTRA_CA_CERTS: match(printed, /NODE_EXTRA_CA_CERTS=(\S+)/),
      AZURE_AUTHORITY_HOST: match(printed, /AZURE_AUTHORITY_HOST=(\S+)/),
      AZURE_CLIENT_ID: match(printed, /AZURE_CLIENT_ID=(\S+)/),
      AZURE_CLIENT_SECRET: secret,
    };
    for (const line of (await readFile(tenantList, "utf8")).split("\n").slice(1).filter(Boolean)) {
      const [id, name] = line.split(/,(.*)/s) as [string, string];
      ids.set(JSON.parse(name.replaceAll('""', '\\"')).split(" ")[0], id);
    }
    // The live report in every format, and scan + audit JSON of four tenants, written by the CLI itself.
    const liveRuns = FORMATS.map((format) => async () => {
      const out = join(scratch, `live.${format}`);
      const run = await runBuiltCli(
        [
          "report",
          "--tenants",
          tenantList,
          "--graph-base-url",
          graphUrl,
          "--format",
          format,
          "--out",
          out,
          ...(format === "md" ? ["--all-tenants"] : []),
        ],
        env,
      );
      live.set(format, { run, output: await readFile(out, "utf8").catch(() => "") });
    });
    // Scan and audit of the two tenants the --from tests read in full, the audit alone of two more.
    const wanted = [
      ["Contoso", "scan"],
      ["Contoso", "audit"],
      ["Litware", "scan"],
      ["Litware", "audit"],
      ["Fabrikam", "audit"],
      ["Tailspin", "audit"],
    ] as const;
    const savedRuns = wanted.map(([name, command]) => async () => {
      const run = await runBuiltCli(
        [command, "--tenant-id", ids.get(name) as string, "--graph-base-url", graphUrl, "--format", "json"],
        env,
      );
      const path = join(scratch, `${name}-${command}.json`);
      await writeFile(path, run.stdout);
      saved.set(name, { ...saved.get(name), [command]: path });
    });
    // The list plus a tenant Graph refuses and one in another cloud; and a deadline nothing can meet.
    const mixedList = join(scratch, "mixed.csv");
    await writeFile(
      mixedList,
      `${await readFile(tenantList, "utf8")}${UNSERVED},Unserved\n${OTHER_CLOUD},Gov,usgov\n`.replace(
        "tenantId,displayName\n",
        "tenantId,displayName,cloud\n",
      ),
    );
    const edgeRuns = [
      async () => {
        mixed = await runBuiltCli(
          [
            "report",
            "--tenants",
            mixedList,
            "--graph-base-url",
            graphUrl,
            "--format",
            "json",
            "--concurrency",
            "3",
          ],
          env,
        );
      },
      async () => {
        pastDeadline = await runBuiltCli(
          [
            "report",
            "--tenants",
            tenantList,
            "--graph-base-url",
            graphUrl,
            "--format",
            "json",
            "--deadline",
            "0.001",
          ],
          env,
        );
      },
    ];
    await inBatches([...liveRuns, ...savedRuns, ...edgeRuns], 5);
  }, 180_000);

  afterAll(async () => {
    child?.kill("SIGTERM");
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("reads all six tenants live with a client secret: exit 3 (one incomplete), every format written", () => {
    for (const format of FORMATS) {
      const { run, output } = live.get(format) ?? { run: undefined, output: "" };
      expect(run?.code, run?.stderr).toBe(3);
      expect(run?.stderr).toMatch(/incomplete/);
      expect(output.length).toBeGreaterThan(0);
      for (const id of ids.values()) expect(searchable(output), format).toContain(id);
    }
    const report = JSON.parse(live.get("json")?.output ?? "{}");
    expect(report.kind).toBe("rotation-exclusion.posture-report");
    expect(report.tenants.map((tenant: { tenantId: string }) => tenant.tenantId)).toEqual([...ids.values()]);
    const byName = new Map(
      report.tenants.map((tenant: { displayName: string }) => [tenant.displayName.split(" ")[0], tenant]),
    );
    expect(byName.get("Tailspin")).toMatchObject({ complete: false, noRestrictedUnit: null });
    expect(byName.get("Northwind")).toMatchObject({ complete: true, noRestrictedUnit: true });
    expect(byName.get("Contoso")).toMatchObject({
      complete: true,
      fewerThanTwoProtectedGlobalAdministrators: false,
    });
    expect(byName.get("Fabrikam")).toMatchObject({ fewerThanTwoProtectedGlobalAdministrators: true });
    const woodgrove = byName.get("Woodgrove") as {
      restrictedUnits: { value: { membersReadable: boolean }[] };
    };
    expect(woodgrove.restrictedUnits.value.some((unit) => !unit.membersReadable)).toBe(true);
  });

  it("one tenant's failure stops no other; a tenant of another cloud is not read but listed", () => {
    expect(mixed.code, mixed.stderr).toBe(3);
    const report = JSON.parse(mixed.stdout);
    expect(report.tenants).toHaveLength(8);
    const byId = new Map(report.tenants.map((tenant: { tenantId: string }) => [tenant.tenantId, tenant]));
    expect(byId.get(UNSERVED)).toMatchObject({ complete: false });
    expect((byId.get(UNSERVED) as { error: string | null }).error).not.toBeNull();
    expect(byId.get(OTHER_CLOUD)).toMatchObject({
      complete: false,
      error:
        "tenant is in cloud usgov; run report with --cloud usgov and that cloud's app registration, then merge with --from",
    });
    expect(byId.get(ids.get("Contoso") as string)).toMatchObject({ complete: true, error: null });
    expect(byId.get(ids.get("Northwind") as string)).toMatchObject({ complete: true, error: null });
  });

  it("a tenant not read by --deadline is listed with reason deadline; none read at all is exit 1", () => {
    expect(pastDeadline.code).toBe(1);
    expect(pastDeadline.stdout).toBe("");
    for (const id of ids.values()) {
      expect(pastDeadline.stderr).toContain(
        `tenant ${id}: deadline: the read did not finish within --deadline 0.001 s`,
      );
    }
  });

  it("never prints the client secret", () => {
    for (const run of [mixed, pastDeadline]) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    for (const format of FORMATS) {
      const { run, output } = live.get(format) ?? { run: undefined, output: "" };
      expect(`${run?.stdout}${run?.stderr}${searchable(output)}`).not.toContain(secret);
    }
  });

  it("no hostile name reaches HTML or CSV unescaped", () => {
    const html = live.get("html")?.output ?? "";
    expect(html).toContain("<!doctype html>");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(live.get("csv")?.output).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it("--from reads back the scan and audit JSON the CLI wrote, naming and ordering tenants by --tenants", async () => {
    const run = await inProcess([...fromAll(), "--tenants", tenantList, "--format", "json"]);
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout);
    // Every listed tenant is in the report: those no saved file holds are incomplete, never left out.
    expect(report.tenants).toHaveLength(ids.size);
    expect(report.tenants[0]).toMatchObject({ tenantId: ids.get("Contoso"), displayName: "Contoso" });
    const unread = report.tenants.filter(
      (tenant: { incompleteReason: string }) => tenant.incompleteReason === "no-input",
    );
    expect(unread).toHaveLength(ids.size - saved.size);
    expect(unread.every((tenant: { complete: boolean }) => !tenant.complete)).toBe(true);
    const contosoScan = saved.get("Contoso")?.scan as string;
    const input = report.inputs.find((record: { name: string }) => record.name === contosoScan);
    expect(input).toMatchObject({
      kind: "scan",
      sha256: createHash("sha256")
        .update(await readFile(contosoScan))
        .digest("hex"),
    });
  });

  it("leaves the rendered page whole when a configured secret also occurs in its scripts", async () => {
    // "test" occurs in Chart.js; redacting the rendered page would change its scripts and break the CSP.
    const run = await inProcess([...fromAll(), "--format", "html"], {
      AZURE_CLIENT_CERTIFICATE_PASSWORD: "test",
    });
    expect(run.code, run.stderr).toBe(3);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(run.stdout)?.[1] ?? "";
    const scripts = [...run.stdout.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => body ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const body of scripts) {
      expect(body).toContain("test");
      expect(csp).toContain(`'sha256-${createHash("sha256").update(body).digest("base64")}'`);
    }
  });

  it("--tenant: a one-tenant export in every format holds no other tenant's id, UPN or unit", async () => {
    const own =
      (await readFile(saved.get("Contoso")?.scan as string, "utf8")) +
      (await readFile(saved.get("Contoso")?.audit as string, "utf8"));
    const others: string[] = [];
    for (const [name, files] of saved) {
      if (name === "Contoso") continue;
      others.push(ids.get(name) as string);
      for (const path of [files.scan, files.audit]) {
        if (path === undefined) continue;
        const document = JSON.parse(await readFile(path, "utf8"));
        for (const account of document.accounts ?? document.globalAdministrators) {
          others.push(account.id, account.userPrincipalName);
        }
        for (const unit of document.restrictedUnits) others.push(unit.id, unit.displayName);
      }
    }
    const foreign = others.filter((value) => typeof value === "string" && !own.includes(value));
    expect(foreign.length).toBeGreaterThan(10);
    for (const format of FORMATS) {
      const run = await inProcess([
        ...fromAll(),
        "--tenant",
        ids.get("Contoso") as string,
        "--format",
        format,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const text = searchable(run.stdout);
      expect(text, format).toContain(ids.get("Contoso"));
      for (const value of foreign) expect(text, `${format} holds ${value}`).not.toContain(value);
    }
  });

  it("Markdown of several tenants needs --all-tenants", async () => {
    const refused = await inProcess([...fromAll(), "--format", "md"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--tenant <id>.*--all-tenants/);
    const allowed = await inProcess([...fromAll(), "--format", "md", "--all-tenants"]);
    expect(allowed.code).toBe(3);
    expect(allowed.stdout.length).toBeGreaterThan(0);
  });

  // Audit documents only: a scan and an audit read at different times would race for the findings
  // section (the report keeps the newest input's), and the audit's are the posture findings.
  it.each([
    ["Contoso", [], 0],
    ["Fabrikam", ["--fail-on", "warning"], 4],
    ["Fabrikam", ["--fail-on", "error"], 0],
    ["Tailspin", [], 3],
    ["Tailspin", ["--allow-incomplete"], 0],
    ["Tailspin", ["--fail-on", "error", "--allow-incomplete"], 4],
  ])("the audit of %s with %j exits %i", async (name, flags, expected) => {
    const run = await inProcess(["--from", saved.get(name)?.audit as string, "--format", "json", ...flags]);
    expect(run.code, run.stderr).toBe(expected);
    expect(run.stderr === "").toBe(expected === 0);
  });

  it("--fail-on fails on an incomplete tenant without findings, unless --allow-incomplete", async () => {
    const scan = JSON.parse(await readFile(saved.get("Contoso")?.scan as string, "utf8"));
    expect(scan.warnings).toEqual([]);
    const incomplete = join(scratch, "incomplete-scan.json");
    await writeFile(incomplete, JSON.stringify({ ...scan, complete: false }));
    const failed = await inProcess(["--from", incomplete, "--format", "json", "--fail-on", "warning"]);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toContain("--allow-incomplete");
    const allowed = await inProcess([
      "--from",
      incomplete,
      "--format",
      "csv",
      "--fail-on",
      "warning",
      "--allow-incomplete",
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it("--redact-upn leaves no user principal name in any format; --stale-after is the report's", async () => {
    const contoso = saved.get("Contoso");
    for (const format of FORMATS) {
      const run = await inProcess([
        "--from",
        contoso?.scan as string,
        "--from",
        contoso?.audit as string,
        "--format",
        format,
        "--redact-upn",
        "--stale-after",
        "6",
      ]);
      expect(run.code, run.stderr).toBe(0);
      const text = searchable(run.stdout);
      expect(text, format).toContain(ids.get("Contoso"));
      expect(text, format).not.toContain("breakglass1@contoso.onmicrosoft.com");
      if (format === "json")
        expect(JSON.parse(run.stdout)).toMatchObject({ upnsRedacted: true, staleAfterHours: 6 });
    }
  });

  it("a JWT in an input's finding message reaches no format", async () => {
    const scan = JSON.parse(await readFile(saved.get("Contoso")?.scan as string, "utf8"));
    scan.warnings.push({
      code: "ECHOED_HEADER",
      severity: "info",
      message: `proxy said Authorization: Bearer ${JWT}`,
    });
    const tampered = join(scratch, "tampered-scan.json");
    await writeFile(tampered, JSON.stringify(scan));
    for (const format of FORMATS) {
      const run = await inProcess(["--from", tampered, "--format", format]);
      expect(run.code, run.stderr).toBe(0);
      const text = searchable(run.stdout);
      // CSV is one row per account: findings are not in it.
      if (format !== "csv") expect(text, format).toContain("proxy said Authorization");
      expect(text, format).not.toContain(JWT);
      expect(text, format).not.toContain("c2lnbmF0dXJlLWxlYWtlZA");
    }
  });
});
