// The report page's tenant detail: units, accounts, Global Administrators and findings, each naming its source.
// Part of the page script: report-page-assets.ts joins the parts in one function scope (see report-page.js).

function sourceNote(section) {
  return el("p", { class: "source", text: `Source: ${section.source}` });
}

function unavailable() {
  return el("p", { class: "unavailable", text: "Not available from this input." });
}

function detailSection(title, section, body) {
  return el(
    "section",
    { class: "detail-section" },
    el("h4", { text: title }),
    section.available ? [sourceNote(section), body(section.value)] : unavailable(),
  );
}

function accountName(account) {
  const name = account.userPrincipalName ?? account.id ?? "unresolved account";
  return account.displayName ? `${name} (${account.displayName})` : name;
}

function evidenceList(evidence) {
  if (evidence.length === 0) return el("span", { class: "muted", text: "none" });
  return el(
    "ul",
    { class: "plain" },
    evidence.map((item) => {
      const parts = [item.kind];
      if (item.unitDisplayName || item.unitId) parts.push(`unit ${item.unitDisplayName ?? item.unitId}`);
      if (item.message) parts.push(item.message);
      if (item.requestId) parts.push(`request id ${item.requestId}`);
      parts.push(`seen ${formatTime(item.observedAt)}`);
      return el("li", { text: parts.join(" · ") });
    }),
  );
}

function renderUnits(tenant) {
  const accountsById = new Map();
  if (tenant.accounts.available) for (const a of tenant.accounts.value) if (a.id) accountsById.set(a.id, a);
  return detailSection("Restricted units", tenant.restrictedUnits, (units) => {
    if (units.length === 0) return el("p", { class: "flag-bad", text: "✗ No restricted unit." });
    return el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { class: "data-table" },
        el("caption", { text: "Restricted management administrative units" }),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["Unit", "Membership", "Visibility", "Members readable", "Members"].map((h) =>
              el("th", { scope: "col", text: h }),
            ),
          ),
        ),
        el(
          "tbody",
          {},
          units.map((unit) =>
            el(
              "tr",
              {},
              el(
                "th",
                { scope: "row" },
                unit.displayName ?? unit.id,
                unit.description ? el("span", { class: "sub", text: unit.description }) : null,
              ),
              el("td", { text: unit.membershipType }),
              el("td", { text: unit.visibility === "hiddenMembership" ? "hidden membership" : "public" }),
              el(
                "td",
                {},
                unit.membersReadable
                  ? el("span", { class: "badge badge-ok", text: "✓ Yes" })
                  : el("span", { class: "badge badge-unknown", text: "? No — members unknown" }),
              ),
              el(
                "td",
                {},
                unit.memberIds.length === 0
                  ? el("span", {
                      class: "muted",
                      text: unit.membersReadable ? "none" : "could not be read",
                    })
                  : el(
                      "ul",
                      { class: "plain" },
                      unit.memberIds.map((id) => {
                        const member = accountsById.get(id);
                        return el("li", { text: member ? accountName(member) : id });
                      }),
                    ),
              ),
            ),
          ),
        ),
      ),
    );
  });
}

function renderAccounts(tenant, omitted) {
  return detailSection("Accounts", tenant.accounts, (accounts) =>
    el(
      "div",
      {},
      el(
        "div",
        { class: "table-scroll" },
        el(
          "table",
          { class: "data-table" },
          el("caption", { text: "Accounts with verdicts" }),
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              ["Account", "Verdict", "Why", "Evidence", "Roles", "Listed because"].map((h) =>
                el("th", { scope: "col", text: h }),
              ),
            ),
          ),
          el(
            "tbody",
            {},
            accounts.map((account) =>
              el(
                "tr",
                { "data-status": account.status },
                el("th", { scope: "row", text: accountName(account) }),
                el("td", {}, verdictBadge(account.status)),
                el("td", {}, el("code", { text: account.reasonCode }), " ", account.reason),
                el("td", {}, evidenceList(account.evidence)),
                el("td", { text: account.roles.length ? account.roles.join(", ") : "none read" }),
                el("td", { text: account.listedBecause.join(", ") }),
              ),
            ),
          ),
        ),
      ),
      omitted
        ? el("p", {
            class: "muted",
            text: `${number.format(omitted)} more accounts are not protected and hold no role; they are counted, not listed.`,
          })
        : null,
    ),
  );
}

function countsLine(counts) {
  return el(
    "p",
    { class: "counts" },
    el("span", { class: "badge badge-ok", text: `✓ ${counts.protected} protected` }),
    " ",
    el("span", { class: "badge badge-bad", text: `✗ ${counts.notProtected} not protected` }),
    " ",
    el("span", { class: "badge badge-unknown", text: `? ${counts.unknown} unknown` }),
  );
}

function renderFindings(tenant) {
  return detailSection("Findings", tenant.findings, (findings) =>
    findings.length === 0
      ? el("p", { class: "muted", text: "No findings." })
      : el(
          "ul",
          { class: "findings" },
          findings.map((finding) =>
            el(
              "li",
              {},
              severityBadge(finding.severity),
              " ",
              el("code", { text: finding.code }),
              " ",
              finding.message,
              finding.action ? el("span", { class: "action", text: `Action: ${finding.action}` }) : null,
            ),
          ),
        ),
  );
}

function renderDetail(tenant, omitted) {
  const facts = [
    ["Tenant id", tenant.tenantId],
    ["Cloud", tenant.cloud ?? "not known"],
    ["Read at", `${formatTime(tenant.readAt)}${tenant.stale ? " (stale)" : ""}`],
    [
      "Read",
      tenant.complete
        ? "complete"
        : `incomplete${tenant.incompleteReason ? `: ${tenant.incompleteReason}` : ""}`,
    ],
    ["Sources", tenant.sources.join(", ") || "none"],
  ];
  if (tenant.error) facts.push(["Error", tenant.error]);
  return el(
    "div",
    { class: "detail", "data-testid": "tenant-detail" },
    el("h3", { text: tenantLabel(tenant) }, " ", stateBadges(tenant)),
    el(
      "dl",
      { class: "facts" },
      facts.map(([term, value]) => el("div", {}, el("dt", { text: term }), el("dd", { text: value }))),
    ),
    renderUnits(tenant),
    renderAccounts(tenant, omitted),
    detailSection("Global Administrators", tenant.globalAdministrators, countsLine),
    detailSection("Account counts", tenant.accountCounts, countsLine),
    renderFindings(tenant),
  );
}
