/**
 * renderPostureHtml without a browser: the CSP allows exactly the page's inline code, the data blocks
 * cannot be broken out of and decode back to the model, no tenant text sits in the markup, and the
 * benchmark-size report stays under 10 MB.
 */
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import {
  escapeBidi,
  type PostureReport,
  renderPostureHtml,
  type TenantPosture,
} from "@rotation-exclusion/report";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BIDI_NAME, CANARY_IMG, CANARY_SCRIPT, CLOSE_SCRIPT, postureFixture } from "./posture-fixture.js";
import { syntheticPostureReport } from "./synthetic-posture-report.js";

const DATA_BLOCK = /<script type="application\/json" id="(report-data|report-details)">([^<]*)<\/script>/g;

function dataBlocks(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(DATA_BLOCK)].map((match) => [match[1], match[2] ?? ""]));
}

function decodeBlock(text: string): unknown {
  const block = JSON.parse(text) as { encoding: string; lines?: boolean; value: unknown };
  if (block.encoding === "json") return block.value;
  const inflated = gunzipSync(Buffer.from(block.value as string, "base64")).toString("utf8");
  return block.lines === true ? inflated.split("\n") : JSON.parse(inflated);
}

/** The report the page sees: its rows joined with each tenant's details. */
function decodedReport(html: string): { report: PostureReport; omittedAccounts: Record<string, number> } {
  const blocks = dataBlocks(html);
  const embedded = decodeBlock(blocks["report-data"] ?? "") as {
    report: PostureReport;
    omittedAccounts: Record<string, number>;
  };
  const details = decodeBlock(blocks["report-details"] ?? "") as string[];
  const tenants = embedded.report.tenants.map(
    (row, index): TenantPosture => ({ ...row, ...JSON.parse(details[index] ?? "{}") }),
  );
  return { report: { ...embedded.report, tenants }, omittedAccounts: embedded.omittedAccounts };
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("renderPostureHtml", () => {
  const fixture = postureFixture();
  const html = renderPostureHtml(fixture);

  it("allows by hash exactly the page's inline scripts and style, and nothing else", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? "";
    const directives = new Map(
      csp.split("; ").map((directive) => {
        const [name = "", ...sources] = directive.split(" ");
        return [name, sources] as const;
      }),
    );
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) =>
      sha256(match[1] ?? ""),
    );
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => sha256(match[1] ?? ""));
    expect(scripts).toHaveLength(2);
    expect(styles).toHaveLength(1);
    expect(directives.get("script-src")).toEqual(scripts);
    expect(directives.get("style-src")).toEqual(styles);
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("img-src")).toEqual(["data:"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    expect(directives.get("form-action")).toEqual(["'none'"]);
    expect(directives.get("require-trusted-types-for")).toEqual(["'script'"]);
    expect(csp).not.toContain("unsafe");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/);
    expect(html).not.toMatch(/ style="/);
  });

  it("embeds the data with no raw <, >, &, U+2028 or U+2029, and it decodes back to the model", () => {
    for (const encoding of ["gzip-base64", "json"] as const) {
      const page = renderPostureHtml(fixture, { dataEncoding: encoding });
      const blocks = dataBlocks(page);
      expect(Object.keys(blocks).sort()).toEqual(["report-data", "report-details"]);
      for (const text of Object.values(blocks)) expect(text).not.toMatch(/[<>&\u2028\u2029]/);
      expect(decodedReport(page)).toEqual({ report: fixture, omittedAccounts: {} });
    }
    expect(dataBlocks(renderPostureHtml(fixture, { dataEncoding: "json" }))["report-details"]).toContain(
      "\\u003c/script\\u003e\\u003c!--",
    );
  });

  it("lists only the accounts that need attention and counts the rest", () => {
    const report = syntheticPostureReport(20, 10);
    const { report: decoded, omittedAccounts } = decodedReport(renderPostureHtml(report));
    let omitted = 0;
    report.tenants.forEach((tenant, index) => {
      const listed = decoded.tenants[index]?.accounts;
      if (!tenant.accounts.available || !listed?.available)
        throw new Error("synthetic tenants list accounts");
      const kept = tenant.accounts.value.filter(
        (account) => account.status !== "not-protected" || account.globalAdministrator === true,
      );
      expect(listed.value).toEqual(kept);
      expect(omittedAccounts[index] ?? 0).toBe(tenant.accounts.value.length - kept.length);
      omitted += omittedAccounts[index] ?? 0;
    });
    expect(omitted).toBeGreaterThan(0);
    expect(decoded.summary).toEqual(report.summary);
  });

  it("puts no tenant string in the markup outside the data blocks", () => {
    const markup = html.replace(DATA_BLOCK, "");
    const tenantStrings = new Set<string>();
    const collect = (value: unknown, key: string): void => {
      if (typeof value === "string") {
        if (
          ![
            "available",
            "source",
            "kind",
            "status",
            "severity",
            "worstSeverity",
            "cloud",
            "code",
            "reasonCode",
            "incompleteReason",
            "membershipType",
            "visibility",
          ].includes(key)
        )
          tenantStrings.add(value);
      } else if (Array.isArray(value)) for (const item of value) collect(item, key);
      else if (value && typeof value === "object")
        for (const [name, item] of Object.entries(value)) collect(item, name);
    };
    collect(fixture.tenants, "");
    for (const hostile of [CANARY_IMG, CANARY_SCRIPT, CLOSE_SCRIPT, BIDI_NAME, "Contoso Healthcare"]) {
      expect(tenantStrings.has(hostile) || [...tenantStrings].some((text) => text.includes(hostile))).toBe(
        true,
      );
    }
    const found = [...tenantStrings].filter((text) => text.length >= 6 && markup.includes(text));
    expect(found).toEqual([]);
    expect(markup).not.toContain("pwned");
  });

  it("escapes the title the caller gives", () => {
    const page = renderPostureHtml(fixture, { title: "A <b>bold</b> & title" });
    expect(page).toContain("<title>A &#60;b&#62;bold&#60;/b&#62; &#38; title</title>");
  });

  it("keeps 10,000 tenants × 20 accounts under 10 MB", () => {
    const bytes = Buffer.byteLength(renderPostureHtml(syntheticPostureReport(10_000, 20)));
    expect(bytes).toBeLessThanOrEqual(10 * 1024 * 1024);
  }, 60_000);
});

// Embeddings, overrides, isolates and the marks that steer the same algorithm (LRM, RLM, ALM).
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

describe("escapeBidi", () => {
  it("shows a right-to-left override as its escape", () => {
    expect(escapeBidi(BIDI_NAME)).toBe("invoice\\u202Egnp.exe");
    expect(escapeBidi("\u2066a\u2069")).toBe("\\u2066a\\u2069");
  });

  it("leaves no bidirectional control and changes nothing else", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const shown = escapeBidi(text);
        expect(shown).not.toMatch(BIDI_CONTROLS);
        if (!BIDI_CONTROLS.test(text)) expect(shown).toBe(text);
      }),
    );
  });
});
