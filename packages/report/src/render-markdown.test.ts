import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { escapeMarkdown } from "./markdown-text.js";
import type { PostureReport, TenantPosture } from "./posture-report.js";
import { summarizePosture } from "./posture-summary.js";
import { renderPostureMarkdown } from "./render-markdown.js";
import { isReportError } from "./report-error.js";

const HOSTILE = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "</script><!--",
  '=HYPERLINK("http://evil","x")',
  "[click](http://evil)",
  "![x](http://evil/x.png)",
  "`code`",
  "**bold**",
  "\u202Egnp.exe",
  "# heading\n- list\n| a | b |",
  "<http://evil>",
  "&lt;script&gt;",
  "[x]: http://evil",
] as const;

const markdownIt = new MarkdownIt({ html: true });

function tenant(id: string, hostile: string, parts: Partial<TenantPosture> = {}): TenantPosture {
  return {
    tenantId: id,
    displayName: hostile,
    cloud: hostile,
    readAt: "2026-12-02T08:00:00.000Z",
    stale: false,
    complete: false,
    incompleteReason: hostile,
    error: hostile,
    sources: [hostile],
    restrictedUnits: {
      available: true,
      source: hostile,
      value: [
        {
          id: "20000000-0000-4000-8000-000000000001",
          displayName: hostile,
          description: hostile,
          membershipType: "assigned",
          visibility: "hiddenMembership",
          membersReadable: false,
          memberIds: [],
        },
      ],
    },
    accounts: {
      available: true,
      source: hostile,
      value: [
        {
          id: "30000000-0000-4000-8000-000000000001",
          userPrincipalName: hostile,
          displayName: hostile,
          status: "unknown",
          reasonCode: hostile,
          reason: hostile,
          evidence: [{ kind: "rotation-denied", observedAt: hostile, message: hostile, requestId: hostile }],
          unitIds: ["20000000-0000-4000-8000-000000000001"],
          roles: [hostile],
          globalAdministrator: null,
          listedBecause: [hostile],
        },
      ],
    },
    accountCounts: { available: true, source: hostile, value: { protected: 0, notProtected: 0, unknown: 1 } },
    globalAdministrators: { available: false },
    findings: {
      available: true,
      source: hostile,
      value: [{ code: hostile, severity: "warning", message: hostile, action: hostile }],
    },
    worstSeverity: "warning",
    noRestrictedUnit: null,
    fewerThanTwoProtectedGlobalAdministrators: null,
    ...parts,
  };
}

function report(tenants: TenantPosture[], hostile = "input.json"): PostureReport {
  return {
    kind: "rotation-exclusion.posture-report",
    schemaVersion: 1,
    generator: { name: "test", version: "0" },
    generatedAt: "2026-12-02T12:00:00.000Z",
    staleAfterHours: 24,
    upnsRedacted: false,
    inputs: [{ name: hostile, kind: "scan", sha256: "a".repeat(64), generatedAt: null, tenantIds: [] }],
    summary: summarizePosture(tenants),
    tenants,
  };
}

/** Every token (block and inline) markdown-it makes of the text. */
function tokens(markdown: string) {
  return markdownIt.parse(markdown, {}).flatMap((token) => [token, ...(token.children ?? [])]);
}

describe("renderPostureMarkdown", () => {
  it("refuses several tenants without allTenants, telling how to choose", () => {
    const two = report([
      tenant("10000000-0000-4000-8000-000000000001", "a"),
      tenant("10000000-0000-4000-8000-000000000002", "b"),
    ]);
    try {
      renderPostureMarkdown(two);
      expect.unreachable();
    } catch (error) {
      expect(isReportError(error) && error.code).toBe("invalid-options");
      expect(String(error)).toMatch(/--tenant <id>.*--all-tenants/);
    }
    expect(renderPostureMarkdown(two, { allTenants: true })).toContain("## Tenant b");
  });

  it("says a missing section is not available from this input, never zero", () => {
    const markdown = renderPostureMarkdown(
      report([
        tenant("10000000-0000-4000-8000-000000000001", "Contoso", {
          accounts: { available: false },
          accountCounts: { available: false },
        }),
      ]),
    );
    const accounts = markdown.slice(
      markdown.indexOf("### Accounts"),
      markdown.indexOf("### Global Administrators"),
    );
    expect(accounts).toContain("Not available from this input.");
    expect(accounts).not.toMatch(/\b0\b/);
    expect(markdown).toContain("### Global Administrators\n\nNot available from this input.");
  });

  it.each(HOSTILE)("renders tenant text %j inert: no HTML, link, image or code from it", (hostile) => {
    const markdown = renderPostureMarkdown(
      report([tenant("10000000-0000-4000-8000-000000000001", hostile)], hostile),
    );
    const found = tokens(markdown);
    const types = new Set(found.map((token) => token.type));
    for (const type of [
      "html_inline",
      "html_block",
      "link_open",
      "image",
      "code_inline",
      "code_block",
      "fence",
    ]) {
      expect(types.has(type), type).toBe(false);
    }
    // Emphasis only where the template puts it (statuses, severities, flags), never around tenant text.
    for (const [index, token] of found.entries()) {
      if (token.type === "strong_open")
        expect(found[index + 1]?.content).toMatch(/^(Confidential|unknown|warning|incomplete|no|stale)$/);
    }
    expect(found.filter((token) => token.type === "heading_open" && token.tag === "h1")).toHaveLength(1);
    // The same document structure (headings, lists, tables, paragraphs) as for a harmless name.
    const plain = renderPostureMarkdown(
      report([tenant("10000000-0000-4000-8000-000000000001", "plain")], "plain"),
    );
    const blocks = (text: string) => markdownIt.parse(text, {}).map((token) => `${token.type}:${token.tag}`);
    expect(blocks(markdown)).toEqual(blocks(plain));
    const html = markdownIt.render(markdown);
    expect(html).not.toMatch(/<(script|img|a\b|!--)/i);
    expect(markdown).not.toContain("\u202E");
  });
});

describe("escapeMarkdown", () => {
  it("makes no link of bare URLs or www. names where renderers autolink (GitHub, markdown-it linkify)", () => {
    const linkify = new MarkdownIt({ html: true, linkify: true });
    for (const text of ["see https://evil.example/x", "http://evil", "go to www.evil.example now"]) {
      const inline = linkify.parseInline(escapeMarkdown(text), {})[0]?.children ?? [];
      expect(inline.map((token) => token.type)).not.toContain("link_open");
      expect(inline.map((token) => token.content).join("")).toBe(text);
    }
  });

  it("leaves any text as plain text: markdown-it makes only text tokens of it", () => {
    const syntax = fc.constantFrom(..."<>[]()!`*_#|\\&~\n\r =+-@\t:/ah\u202E\u2028".split(""));
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: syntax, maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 30 })),
        (text) => {
          const inline = markdownIt.parseInline(escapeMarkdown(text), {})[0]?.children ?? [];
          for (const token of inline) expect(token.type).toBe("text");
          expect(escapeMarkdown(text)).not.toMatch(/[\n\r\u2028\u202E]/);
        },
      ),
    );
  });
});
