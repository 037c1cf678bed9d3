// The posture report page's script: plain ES2022, inlined by renderPostureHtml and allowed by its hash.
// Every tenant value reaches the page through textContent (or a canvas), never as markup, so the page
// works under `require-trusted-types-for 'script'` without a policy. Bidirectional controls are shown
// escaped. Marks: report:data-decoded, report:first-page, report:interactive (see render-html.ts).
(() => {
  const PAGE_SIZE = 50;
  const CHART_TENANTS = 30;
  const PRINT_TENANTS = 500;
  const SEVERITY_RANK = { info: 1, warning: 2, error: 3 };
  const COLORS = { protected: "#1a7f37", notProtected: "#cf222e", unknown: "#9a6700" };
  const number = new Intl.NumberFormat("en-US");
  // A collator compares 10,000 names several times faster than String#localeCompare.
  const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

  /** Shows bidirectional embeddings, overrides and isolates as `\u202E` instead of obeying them. */
  function escapeBidi(text) {
    return String(text).replace(
      /[\u202A-\u202E\u2066-\u2069]/g,
      (control) => `\\u${control.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  }

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") element.textContent = escapeBidi(value);
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(typeof child === "string" ? document.createTextNode(escapeBidi(child)) : child);
    }
    return element;
  }

  const byId = (id) => document.getElementById(id);

  function formatTime(iso) {
    if (!iso) return "not known";
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
    return match ? `${match[1]} ${match[2]} UTC` : iso;
  }

  /** Reads a `{"encoding","value"}` data block: plain JSON, or gzip in base64 inflated by the browser. */
  async function decodeBlock(id) {
    const block = JSON.parse(byId(id).textContent);
    if (block.encoding === "json") return block.value;
    let bytes;
    if (typeof Uint8Array.fromBase64 === "function") bytes = Uint8Array.fromBase64(block.value);
    else {
      const binary = atob(block.value);
      bytes = new Uint8Array(binary.length);
      for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    }
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // Each tenant's units, accounts and findings stay JSON text until the tenant is opened or printed, so
  // 10,000 tenants need not be parsed before the first paint.
  let detailTexts = null;
  let detailsLoading = null;
  const parsedDetails = new Map();

  function loadDetails() {
    detailsLoading ??= decodeBlock("report-details").then((texts) => {
      detailTexts = texts;
      performance.mark("report:details-decoded");
    });
    return detailsLoading;
  }

  /** The full tenant (row and details); only after {@link loadDetails} has settled. */
  function fullTenant(row) {
    let tenant = parsedDetails.get(row.index);
    if (!tenant) {
      tenant = { ...row.tenant, ...JSON.parse(detailTexts[row.index]) };
      parsedDetails.set(row.index, tenant);
    }
    return tenant;
  }

  // ---- model helpers -------------------------------------------------------------------------------

  function attention(tenant) {
    let score = (SEVERITY_RANK[tenant.worstSeverity] ?? 0) * 10;
    if (!tenant.complete) score += 6;
    if (tenant.error) score += 6;
    if (tenant.noRestrictedUnit === true) score += 5;
    if (tenant.fewerThanTwoProtectedGlobalAdministrators === true) score += 4;
    if (tenant.stale) score += 1;
    return score;
  }

  /** Why a tenant needs attention, in words (the table shows these; the score only orders them). */
  function attentionReasons(tenant) {
    const reasons = [];
    if (tenant.error) reasons.push(["bad", "read failed"]);
    if (tenant.noRestrictedUnit === true) reasons.push(["bad", "no restricted unit"]);
    if (tenant.fewerThanTwoProtectedGlobalAdministrators === true) reasons.push(["bad", "< 2 GAs protected"]);
    if (!tenant.complete) reasons.push(["unknown", "incomplete read"]);
    if (tenant.stale) reasons.push(["stale", "stale read"]);
    return reasons;
  }

  function gaCounts(tenant) {
    return tenant.globalAdministrators.available ? tenant.globalAdministrators.value : null;
  }

  function tenantLabel(tenant) {
    return tenant.displayName ?? tenant.tenantId;
  }

  function verdictBadge(status) {
    if (status === "protected") return el("span", { class: "badge badge-ok", text: "✓ Protected" });
    if (status === "not-protected") return el("span", { class: "badge badge-bad", text: "✗ Not protected" });
    return el("span", { class: "badge badge-unknown", text: "? Unknown" });
  }

  function severityBadge(severity) {
    if (!severity) return el("span", { class: "muted", text: "none" });
    const icon = { error: "■", warning: "▲", info: "●" }[severity];
    return el("span", { class: `badge badge-${severity}`, text: `${icon} ${severity}` });
  }

  function stateBadges(tenant) {
    const badges = [];
    if (tenant.error) badges.push(el("span", { class: "badge badge-bad", text: "Read failed" }));
    if (!tenant.complete) badges.push(el("span", { class: "badge badge-unknown", text: "⚠ Incomplete" }));
    if (tenant.stale) badges.push(el("span", { class: "badge badge-stale", text: "Stale" }));
    return badges;
  }

  // ---- summary and charts ----------------------------------------------------------------------------

  function renderSummary(report) {
    const s = report.summary;
    const card = (testId, label, value, tone) =>
      el(
        "div",
        { class: `card${tone ? ` card-${tone}` : ""}` },
        el("span", { class: "card-value", "data-testid": testId, text: number.format(value) }),
        el("span", { class: "card-label", text: label }),
      );
    byId("summary-cards").append(
      card("summary-tenants-read", "tenants read", s.tenantsRead),
      card("summary-tenants-complete", "complete", s.tenantsComplete, "ok"),
      card(
        "summary-tenants-incomplete",
        "incomplete",
        s.tenantsIncomplete,
        s.tenantsIncomplete ? "warn" : "",
      ),
      card("summary-accounts-protected", "accounts protected", s.accountsProtected, "ok"),
      card(
        "summary-no-restricted-unit",
        "tenants with no restricted unit",
        s.tenantsWithoutRestrictedUnit,
        s.tenantsWithoutRestrictedUnit ? "bad" : "",
      ),
      card(
        "summary-fewer-than-two",
        "tenants with fewer than two protected Global Administrators",
        s.tenantsWithFewerThanTwoProtectedGlobalAdministrators,
        s.tenantsWithFewerThanTwoProtectedGlobalAdministrators ? "bad" : "",
      ),
      el(
        "div",
        { class: "card card-findings" },
        el("span", { class: "card-label", text: "findings by severity" }),
        el(
          "ul",
          { class: "severity-list" },
          ["error", "warning", "info"].map((severity) =>
            el(
              "li",
              {},
              severityBadge(severity),
              " ",
              el("span", {
                class: "severity-count",
                "data-testid": `summary-findings-${severity}`,
                text: number.format(s.findingsBySeverity[severity] ?? 0),
              }),
            ),
          ),
        ),
      ),
    );
  }

  function dataTable(caption, headers, rows) {
    return el(
      "table",
      { class: "data-table" },
      el("caption", { text: caption }),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          headers.map((header) => el("th", { scope: "col", text: header })),
        ),
      ),
      el(
        "tbody",
        {},
        rows.map(([head, ...cells]) =>
          el(
            "tr",
            {},
            el("th", { scope: "row", text: head }),
            cells.map((cell) => el("td", { text: String(cell) })),
          ),
        ),
      ),
    );
  }

  const charts = {};

  function chartOptions(stacked, horizontal) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { position: "bottom", labels: { color: "#1f2328" } } },
      scales: {
        x: { stacked, ticks: { color: "#1f2328", precision: 0 }, grid: { color: "#d8dee4" } },
        y: { stacked, ticks: { color: "#1f2328", precision: 0 }, grid: { color: "#d8dee4" } },
      },
    };
  }

  function renderGaChart(tenants) {
    const shown = tenants.slice(0, CHART_TENANTS);
    const labels = shown.map((tenant) => {
      const label = escapeBidi(tenantLabel(tenant));
      return label.length > 28 ? `${label.slice(0, 27)}…` : label;
    });
    const series = (key) => shown.map((tenant) => gaCounts(tenant)?.[key] ?? 0);
    const datasets = [
      { label: "Protected", data: series("protected"), backgroundColor: COLORS.protected },
      { label: "Not protected", data: series("notProtected"), backgroundColor: COLORS.notProtected },
      { label: "Unknown", data: series("unknown"), backgroundColor: COLORS.unknown },
    ];
    byId("ga-chart-box").style.height = `${Math.max(160, 60 + shown.length * 26)}px`;
    const canvas = byId("ga-chart");
    canvas.setAttribute(
      "aria-label",
      `Stacked bars: Global Administrators protected, not protected and unknown for ${shown.length} tenants, most attention first. The same data is in the table below.`,
    );
    byId("ga-chart-note").textContent =
      tenants.length > shown.length
        ? `Showing the ${shown.length} tenants of ${number.format(tenants.length)} in the current filter that need the most attention.`
        : `All ${number.format(tenants.length)} tenants in the current filter, most attention first.`;
    byId("ga-chart-table").replaceChildren(
      dataTable(
        "Global Administrators per tenant",
        ["Tenant", "Protected", "Not protected", "Unknown"],
        shown.map((tenant) => {
          const counts = gaCounts(tenant);
          return counts
            ? [tenantLabel(tenant), counts.protected, counts.notProtected, counts.unknown]
            : [tenantLabel(tenant), "not available", "not available", "not available"];
        }),
      ),
    );
    if (!window.Chart) return;
    if (charts.ga) {
      charts.ga.data.labels = labels;
      charts.ga.data.datasets = datasets;
      charts.ga.update("none");
    } else {
      charts.ga = new window.Chart(canvas, {
        type: "bar",
        data: { labels, datasets },
        options: chartOptions(true, true),
      });
    }
  }

  function wrapLabel(text) {
    const lines = [];
    for (const word of text.split("-")) {
      const last = lines.length - 1;
      if (last >= 0 && lines[last].length + word.length < 18) lines[last] += `-${word}`;
      else lines.push(word);
    }
    return lines;
  }

  function renderFindingsChart(report) {
    const entries = Object.entries(report.summary.findingsByCode).sort((a, b) => b[1] - a[1]);
    const canvas = byId("findings-chart");
    byId("findings-chart-box").style.height = `${Math.max(160, 50 + entries.length * 44)}px`;
    canvas.setAttribute(
      "aria-label",
      `Bars: number of findings of each of ${entries.length} kinds. The same data is in the table below.`,
    );
    byId("findings-chart-table").replaceChildren(
      dataTable(
        "Findings by kind",
        ["Kind", "Findings"],
        entries.map(([code, count]) => [code, count]),
      ),
    );
    if (!window.Chart) return;
    charts.findings = new window.Chart(canvas, {
      type: "bar",
      data: {
        // Multi-line labels keep long finding codes readable in a narrow chart.
        labels: entries.map(([code]) => wrapLabel(escapeBidi(code))),
        datasets: [
          { label: "Findings", data: entries.map(([, count]) => count), backgroundColor: "#0969da" },
        ],
      },
      options: {
        ...chartOptions(false, true),
        plugins: { legend: { display: false } },
        scales: {
          x: { ticks: { color: "#1f2328", precision: 0 }, grid: { color: "#d8dee4" } },
          y: { ticks: { color: "#1f2328", autoSkip: false }, grid: { display: false } },
        },
      },
    });
  }

  // ---- tenant detail --------------------------------------------------------------------------------

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

  // ---- table --------------------------------------------------------------------------------------------

  const COLUMNS = [
    { key: "name", label: "Tenant" },
    { key: "attention", label: "Needs attention" },
    { key: "protectedGa", label: "Global Administrators" },
    { key: "severity", label: "Worst finding" },
    { key: "readAt", label: "Read at" },
  ];

  const state = {
    report: null,
    omitted: {},
    rows: [],
    filtered: [],
    sortKey: "attention",
    direction: "descending",
    page: 0,
    open: new Set(),
  };

  function compareRows(key) {
    if (key === "name") return (a, b) => collator.compare(a.nameKey, b.nameKey) || a.index - b.index;
    if (key === "readAt")
      return (a, b) => (a.readAt < b.readAt ? -1 : a.readAt > b.readAt ? 1 : 0) || a.index - b.index;
    return (a, b) => a[key] - b[key] || a.index - b.index;
  }

  function applyFilterAndSort() {
    const text = byId("filter-text").value.trim().toLowerCase();
    const incompleteOnly = byId("filter-incomplete").checked;
    const severity = byId("filter-severity").value;
    const minimum = SEVERITY_RANK[severity] ?? 0;
    state.filtered = state.rows.filter(
      (row) =>
        (!text || row.search.includes(text)) &&
        (!incompleteOnly || !row.tenant.complete) &&
        (severity === "" || (severity === "none" ? row.severity === 0 : row.severity >= minimum)),
    );
    const compare = compareRows(state.sortKey);
    const sign = state.direction === "ascending" ? 1 : -1;
    state.filtered.sort((a, b) => sign * compare(a, b));
    // Ties keep the tenant order of the report whichever way the column is sorted.
  }

  function renderHead() {
    byId("tenant-table-head").replaceChildren(
      ...COLUMNS.map((column) => {
        const sorted = column.key === state.sortKey;
        return el(
          "th",
          { scope: "col", "aria-sort": sorted ? state.direction : "none", "data-column": column.key },
          el(
            "button",
            { type: "button", class: "sort", "data-sort": column.key },
            column.label,
            el("span", {
              class: "sort-icon",
              "aria-hidden": "true",
              text: sorted ? (state.direction === "ascending" ? "▲" : "▼") : "↕",
            }),
          ),
        );
      }),
    );
    byId("tenant-table-caption").textContent =
      `Tenants, sorted by ${COLUMNS.find((c) => c.key === state.sortKey).label.toLowerCase()} (${state.direction})`;
  }

  function gaCell(tenant) {
    const counts = gaCounts(tenant);
    if (!counts) return el("td", { class: "muted", text: "not available" });
    const total = counts.protected + counts.notProtected + counts.unknown;
    const bar = el("span", { class: "mini-bar", "aria-hidden": "true" });
    for (const [key, tone] of [
      ["protected", "ok"],
      ["notProtected", "bad"],
      ["unknown", "unknown"],
    ]) {
      if (!counts[key]) continue;
      const part = el("span", { class: `mini-${tone}` });
      part.style.flexGrow = String(counts[key]);
      bar.append(part);
    }
    return el(
      "td",
      { class: "ga-cell" },
      total ? bar : null,
      el("span", {
        class: counts.protected >= 2 ? "ga-text" : "ga-text ga-few",
        text: `${counts.protected} of ${total} protected${counts.unknown ? `, ${counts.unknown} unknown` : ""}`,
      }),
    );
  }

  function renderRow(row) {
    const tenant = row.tenant;
    const open = state.open.has(row.index);
    const detailId = `tenant-detail-${row.index}`;
    const tr = el(
      "tr",
      {
        class: tenant.complete ? "tenant-row" : "tenant-row row-incomplete",
        "data-tenant-id": tenant.tenantId,
      },
      el(
        "th",
        { scope: "row" },
        el(
          "button",
          {
            type: "button",
            class: "open",
            "aria-expanded": String(open),
            "aria-controls": detailId,
            "data-open": row.index,
          },
          el("span", { class: "chevron", "aria-hidden": "true", text: open ? "▾" : "▸" }),
          el("span", { class: "tenant-name", text: tenantLabel(tenant) }),
        ),
        el("span", { class: "sub mono", text: tenant.tenantId }),
      ),
      el(
        "td",
        {},
        attentionReasons(tenant).length === 0
          ? el("span", { class: "muted", text: "nothing" })
          : attentionReasons(tenant).map(([tone, text]) =>
              el("span", { class: `badge badge-${tone}`, text }),
            ),
      ),
      gaCell(tenant),
      el("td", {}, severityBadge(tenant.worstSeverity)),
      el(
        "td",
        { text: formatTime(tenant.readAt) },
        tenant.stale ? el("span", { class: "badge badge-stale", text: "Stale" }) : null,
      ),
    );
    if (!open) return [tr];
    return [
      tr,
      el(
        "tr",
        { class: "detail-row", id: detailId },
        el(
          "td",
          { colspan: String(COLUMNS.length) },
          renderDetail(fullTenant(row), state.omitted[row.index] ?? 0),
        ),
      ),
    ];
  }

  function renderTable() {
    renderHead();
    const pages = Math.max(1, Math.ceil(state.filtered.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * PAGE_SIZE;
    const pageRows = state.filtered.slice(start, start + PAGE_SIZE);
    byId("tenant-rows").replaceChildren(...pageRows.flatMap(renderRow));
    const total = state.rows.length;
    byId("table-status").textContent =
      state.filtered.length === 0
        ? `No tenant matches the filter (of ${number.format(total)}).`
        : `Showing ${number.format(start + 1)}–${number.format(start + pageRows.length)} of ${number.format(state.filtered.length)} tenants${state.filtered.length < total ? ` (filtered from ${number.format(total)})` : ""}.`;
    byId("page-label").textContent = `Page ${state.page + 1} of ${pages}`;
    byId("page-previous").disabled = state.page === 0;
    byId("page-next").disabled = state.page >= pages - 1;
  }

  function chartOrder() {
    return [...state.filtered]
      .sort((a, b) => b.attention - a.attention || a.index - b.index)
      .map((row) => row.tenant);
  }

  /** Applies the filter and sort; the chart follows the filter only (it is always by attention). */
  function refresh({ chart = true } = {}) {
    applyFilterAndSort();
    renderTable();
    if (chart) renderGaChart(chartOrder());
    if (printMedia.matches) void renderPrintView();
  }

  // ---- print ---------------------------------------------------------------------------------------------

  const printMedia = window.matchMedia("print");

  async function renderPrintView() {
    await loadDetails();
    const tenants = state.filtered.slice(0, PRINT_TENANTS);
    byId("print-view").replaceChildren(
      el("h3", {
        text:
          state.filtered.length > tenants.length
            ? `The first ${tenants.length} of ${number.format(state.filtered.length)} tenants in the filter`
            : `${number.format(tenants.length)} tenants in the filter`,
      }),
      ...tenants.map((row) => renderDetail(fullTenant(row), state.omitted[row.index] ?? 0)),
    );
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  function nextPaint() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }

  function sortBy(key, direction) {
    performance.mark("report:sort-start");
    if (direction) state.direction = direction;
    else if (key === state.sortKey)
      state.direction = state.direction === "ascending" ? "descending" : "ascending";
    else state.direction = key === "name" || key === "readAt" ? "ascending" : "descending";
    state.sortKey = key;
    state.page = 0;
    refresh({ chart: false });
    return nextPaint().then(() => performance.mark("report:sort-end"));
  }

  function wire() {
    byId("tenant-table-head").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-sort]");
      if (!button) return;
      const key = button.getAttribute("data-sort");
      sortBy(key);
      byId("tenant-table-head").querySelector(`button[data-sort="${key}"]`)?.focus();
    });
    byId("tenant-rows").addEventListener("click", async (event) => {
      const button = event.target.closest("button[data-open]");
      if (!button) return;
      const index = Number(button.getAttribute("data-open"));
      await loadDetails();
      if (state.open.has(index)) state.open.delete(index);
      else state.open.add(index);
      renderTable();
      byId("tenant-rows").querySelector(`button[data-open="${index}"]`)?.focus();
    });
    let typing;
    byId("filter-text").addEventListener("input", () => {
      clearTimeout(typing);
      // Filtering 10,000 tenants per keystroke is cheap, but the chart need not redraw on each one.
      typing = setTimeout(() => {
        state.page = 0;
        refresh();
      }, 120);
    });
    for (const id of ["filter-incomplete", "filter-severity"]) {
      byId(id).addEventListener("change", () => {
        state.page = 0;
        refresh();
      });
    }
    byId("page-previous").addEventListener("click", () => {
      state.page -= 1;
      renderTable();
    });
    byId("page-next").addEventListener("click", () => {
      state.page += 1;
      renderTable();
    });
    printMedia.addEventListener("change", () => {
      if (printMedia.matches) void renderPrintView();
    });
    window.addEventListener("beforeprint", renderPrintView);
  }

  function renderProvenance(report) {
    byId("generator").textContent = escapeBidi(`${report.generator.name} ${report.generator.version}`);
    byId("generated-at").textContent = formatTime(report.generatedAt);
    byId("stale-after").textContent =
      `${report.staleAfterHours} hours${report.upnsRedacted ? " · user principal names redacted" : ""}`;
    byId("inputs-table").replaceChildren(
      dataTable(
        "Inputs this report was built from",
        ["Input", "Kind", "SHA-256", "Generated at", "Tenants"],
        report.inputs.map((input) => [
          input.name,
          input.kind,
          input.sha256 ?? "live read (no file)",
          formatTime(input.generatedAt),
          number.format(input.tenantIds.length),
        ]),
      ),
    );
  }

  async function start() {
    const embedded = await decodeBlock("report-data");
    performance.mark("report:data-decoded");
    const report = embedded.report;
    state.report = report;
    state.omitted = embedded.omittedAccounts ?? {};
    state.rows = report.tenants.map((tenant, index) => {
      const counts = gaCounts(tenant);
      return {
        index,
        tenant,
        nameKey: tenantLabel(tenant).toLowerCase(),
        search: `${tenant.displayName ?? ""}\n${tenant.tenantId}`.toLowerCase(),
        attention: attention(tenant),
        protectedGa: counts ? counts.protected : -1,
        severity: SEVERITY_RANK[tenant.worstSeverity] ?? 0,
        readAt: tenant.readAt ?? "",
      };
    });
    renderProvenance(report);
    renderSummary(report);
    wire();
    refresh();
    renderFindingsChart(report);
    performance.mark("report:first-page");
    await nextPaint();
    performance.mark("report:interactive");
    // Inflate the details as soon as someone reaches for the table (pointer or keyboard), so the first
    // opened tenant shows at once, but not on a timer: on 10,000 tenants it is a ~1 s task that would
    // stall a sort or a filter started right after the page became interactive.
    const section = document.querySelector("section.tenants");
    for (const type of ["pointerover", "focusin", "touchstart"]) {
      section.addEventListener(type, () => void loadDetails(), { once: true, passive: true });
    }
  }

  const ready = start().catch((error) => {
    const notice = byId("load-error");
    notice.hidden = false;
    notice.textContent = `The report could not be shown: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  });
  window.postureReportPage = { ready, sortBy, escapeBidi, loadDetails };
})();
