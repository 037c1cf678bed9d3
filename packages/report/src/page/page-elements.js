// The report page's building blocks: constants, escaping, element creation and the words for a tenant's state.
// Part of the page script: report-page-assets.ts joins the parts in one function scope (see report-page.js).

const PAGE_SIZE = 50;
const CHART_TENANTS = 30;
const PRINT_TENANTS = 500;
const SEVERITY_RANK = { info: 1, warning: 2, error: 3 };
const COLORS = { protected: "#1a7f37", notProtected: "#cf222e", unknown: "#9a6700" };
const number = new Intl.NumberFormat("en-US");
// A collator compares 10,000 names several times faster than String#localeCompare.
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * Shows bidirectional embeddings, overrides, isolates and marks as `\u202E` instead of obeying them:
 * the same rule as `escapeBidi` in src/visible-text.ts, which the other formats apply.
 */
function escapeBidi(text) {
  return String(text).replace(
    /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g,
    (control) => `\\u${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
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

// ---- model helpers -------------------------------------------------------------------------------

function attention(tenant) {
  let score = (SEVERITY_RANK[tenant.worstSeverity] ?? 0) * 10;
  if (!tenant.complete) score += 6;
  if (tenant.error) score += 6;
  if (tenant.noRestrictedUnit === true) score += 5;
  if (tenant.fewerThanTwoProtectedGlobalAdministrators === true) score += 4;
  // A complete tenant whose inputs did not read its units or Global Administrators cannot be called fine.
  if (tenant.complete && tenant.noRestrictedUnit === null) score += 3;
  if (tenant.complete && tenant.fewerThanTwoProtectedGlobalAdministrators === null) score += 3;
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
  else {
    if (tenant.noRestrictedUnit === null) reasons.push(["unknown", "units not read"]);
    if (tenant.fewerThanTwoProtectedGlobalAdministrators === null) reasons.push(["unknown", "GAs not read"]);
  }
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
