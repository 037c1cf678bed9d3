// The report page's tenant table: filter, sort, pages of 50 rows, rows that open, and the print view.
// Part of the page script: report-page-assets.ts joins the parts in one function scope (see report-page.js).

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
        : attentionReasons(tenant).map(([tone, text]) => el("span", { class: `badge badge-${tone}`, text })),
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
