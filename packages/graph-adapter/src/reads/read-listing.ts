/**
 * One Graph listing whose query options are split by what its Microsoft page documents: documented
 * options are always sent; undocumented ones (sent because Graph honours them today) are dropped for the
 * whole app, and the listing read again from its first page, the first time Graph answers 400 to them
 * (docs/decisions/0013-undocumented-query-options.md). Never `ConsistencyLevel: eventual` as a
 * workaround: advanced queries read an eventually consistent index, so a member just added to a
 * restricted unit could be missing from a listing that is used to prove absence.
 */
import type { PagedReadResult } from "../requests/graph-paging.js";
import { readAllPages } from "../requests/graph-paging.js";
import { type DirectoryContext, graphUrl } from "./directory-context.js";

/** A listing and how to read it. */
export interface Listing {
  /** The route as logged and counted (`GET /directory/administrativeUnits/{id}/members`). */
  readonly route: string;
  /** The encoded path, without query. */
  readonly path: string;
  /** Options the route's Microsoft page names, values already encoded. */
  readonly documented?: Readonly<Record<string, string>>;
  /** Options the page does not name, values already encoded. */
  readonly undocumented?: Readonly<Record<string, string>>;
  readonly what: string;
  readonly signal: AbortSignal | undefined;
  /** Receives each page's items (see `PagedRead.onPage`). */
  readonly onPage: (items: readonly unknown[]) => void;
  /** Forgets what the pages read so far added: the listing starts over without undocumented options. */
  readonly restart: () => void;
}

function url(context: DirectoryContext, listing: Listing, withUndocumented: boolean): string {
  const options = { ...listing.documented, ...(withUndocumented ? listing.undocumented : {}) };
  const query = Object.entries(options)
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  return graphUrl(context, query === "" ? listing.path : `${listing.path}?${query}`);
}

/** Reads every page of a listing; resolves with the error that stopped it, rejects only on abort. */
export async function readListing(context: DirectoryContext, listing: Listing): Promise<PagedReadResult> {
  const read = (withUndocumented: boolean) =>
    readAllPages(context.runner, {
      firstUrl: url(context, listing, withUndocumented),
      route: listing.route,
      what: listing.what,
      tenantId: context.tenantId,
      maxPages: context.maxPages,
      signal: listing.signal,
      onPage: listing.onPage,
    });
  const hasUndocumented = Object.keys(listing.undocumented ?? {}).length > 0;
  if (!hasUndocumented || context.queryMemo.readsBare(context.root, listing.route)) return read(false);
  const result = await read(true);
  if (result.error?.status !== 400) return result;
  context.queryMemo.rememberBare(context.root, listing.route);
  context.logger.warn(
    { route: listing.route, requestId: result.error.requestId, graphCode: result.error.graphCode },
    "Graph refused a listing with query options its documentation does not name; reading it without them from now on",
  );
  listing.restart();
  return read(false);
}
