// The posture report page's script: plain ES2022, inlined by renderPostureHtml and allowed by its hash.
// report-page-assets.ts joins the parts (page-elements, report-data, summary-view, tenant-detail-view,
// tenant-table-view, then this file) inside one function scope, so they share names without globals.
// Every tenant value reaches the page through textContent (or a canvas), never as markup, so the page
// works under `require-trusted-types-for 'script'` without a policy. Bidirectional controls are shown
// escaped. Marks: report:data-decoded, report:first-page, report:interactive (see render-html.ts).

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
  narrowMedia.addEventListener("change", () => renderGaChart(chartOrder()));
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
  renderInputs(report.inputs, INPUTS_SHOWN);
}

// A report from saved JSON of 10,000 tenants has 20,000 inputs: building all their rows before the
// first paint took seconds, so the first ones are shown and the rest on request (print shows them all).
const INPUTS_SHOWN = 20;

function renderInputs(inputs, limit) {
  const shown = inputs.slice(0, limit);
  const table = dataTable(
    "Inputs this report was built from",
    ["Input", "Kind", "SHA-256", "Generated at", "Tenants"],
    shown.map((input) => [
      input.name,
      input.kind,
      input.sha256 ?? "live read (no file)",
      formatTime(input.generatedAt),
      number.format(input.tenantIds.length),
    ]),
  );
  const parts = [table];
  if (shown.length < inputs.length) {
    const more = el("button", {
      type: "button",
      class: "show-all-inputs",
      text: `Show all ${number.format(inputs.length)} inputs`,
    });
    more.addEventListener("click", () => renderInputs(inputs, inputs.length));
    parts.push(
      el(
        "p",
        { class: "inputs-more" },
        `${number.format(shown.length)} of ${number.format(inputs.length)} inputs shown. `,
        more,
      ),
    );
  }
  byId("inputs-table").replaceChildren(...parts);
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
