// The report page's data: the two JSON blocks renderPostureHtml embeds, decoded in the browser.
// Part of the page script: report-page-assets.ts joins the parts in one function scope (see report-page.js).

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
  const text = await new Response(stream).text();
  // The details block holds one JSON text per line, each parsed only when its tenant is opened.
  return block.lines === true ? text.split("\n") : JSON.parse(text);
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
