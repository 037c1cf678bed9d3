// The report page's summary: the numbers at the top and the two charts (Chart.js), each with a data table.
// Part of the page script: report-page-assets.ts joins the parts in one function scope (see report-page.js).

function renderSummary(report) {
  const s = report.summary;
  const card = (testId, label, value, tone, note) =>
    el(
      "div",
      { class: `card${tone ? ` card-${tone}` : ""}` },
      el("span", { class: "card-value", "data-testid": testId, text: number.format(value) }),
      el("span", { class: "card-label", text: label }),
      note ? el("span", { class: "card-note", "data-testid": `${testId}-cannot-tell`, text: note }) : null,
    );
  // A zero here must not read as "none": tenants whose inputs could not tell are counted beside it.
  const cannotTell = (flag) => {
    const count = report.tenants.filter((tenant) => tenant[flag] === null).length;
    return count > 0 ? `${number.format(count)} cannot tell (incomplete or not read)` : null;
  };
  byId("summary-cards").append(
    card("summary-tenants-read", "tenants read", s.tenantsRead),
    card("summary-tenants-complete", "complete", s.tenantsComplete, "ok"),
    card("summary-tenants-incomplete", "incomplete", s.tenantsIncomplete, s.tenantsIncomplete ? "warn" : ""),
    card("summary-accounts-protected", "accounts protected", s.accountsProtected, "ok"),
    card(
      "summary-no-restricted-unit",
      "tenants with no restricted unit",
      s.tenantsWithoutRestrictedUnit,
      s.tenantsWithoutRestrictedUnit ? "bad" : "",
      cannotTell("noRestrictedUnit"),
    ),
    card(
      "summary-fewer-than-two",
      "tenants with fewer than two protected Global Administrators",
      s.tenantsWithFewerThanTwoProtectedGlobalAdministrators,
      s.tenantsWithFewerThanTwoProtectedGlobalAdministrators ? "bad" : "",
      cannotTell("fewerThanTwoProtectedGlobalAdministrators"),
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
// The tenant names on the chart are shortened further on a phone, and again when the width crosses it.
const narrowMedia = window.matchMedia("(max-width: 599px)");

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
    // A phone leaves about a third of the chart for the names.
    const room = narrowMedia.matches ? 16 : 28;
    return label.length > room ? `${label.slice(0, room - 1)}…` : label;
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
  // Finding codes come kebab-case or UPPER_SNAKE_CASE: break after either separator, keeping it.
  const lines = [];
  for (const word of text.split(/(?<=[-_])/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + word.length <= 18) lines[last] += word;
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
      datasets: [{ label: "Findings", data: entries.map(([, count]) => count), backgroundColor: "#0969da" }],
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
