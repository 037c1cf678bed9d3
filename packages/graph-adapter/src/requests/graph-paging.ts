/**
 * Reads every page of a Graph collection by following `@odata.nextLink` verbatim, as Graph asks
 * (https://learn.microsoft.com/graph/paging): never rebuilt, never followed to another origin, never
 * followed in a loop. A failing page stops the read and keeps the items of the pages before it.
 */
import {
  createGraphDirectoryError,
  type GraphDirectoryError,
  isGraphDirectoryError,
} from "../errors/graph-directory-error.js";
import { nextStepFor } from "../errors/graph-response-error.js";
import type { RequestRunner } from "./graph-request-runner.js";

/** One collection read. */
export interface PagedRead {
  /** Absolute URL of the first page. */
  readonly firstUrl: string;
  readonly route: string;
  readonly what: string;
  readonly tenantId: string;
  readonly signal?: AbortSignal | undefined;
  /** Pages read at most; the listing is incomplete (`bad-response`) past it. Default {@link DEFAULT_MAX_PAGES}. */
  readonly maxPages?: number | undefined;
  /** Extra request headers (for example `ConsistencyLevel`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Receives each page's `value` array, in order, once per page. It may throw a GraphDirectoryError
   * ("bad-response") to reject the page; it must then keep nothing of it.
   */
  readonly onPage: (items: readonly unknown[]) => void;
}

/** How a collection read ended: pages read, and the error that stopped it, if any. */
export interface PagedReadResult {
  readonly pagesRead: number;
  readonly error?: GraphDirectoryError | undefined;
}

/**
 * Pages per listing unless configured: 1,000 pages of 999 is about a million objects, far past any
 * tenant's protected set or unit, and a bound on a server that hands out fresh skiptokens forever
 * (decision 0005 §5).
 */
export const DEFAULT_MAX_PAGES = 1000;

interface Page {
  readonly nextLink: string | undefined;
}

/**
 * Reads all pages. Resolves with the error that stopped the read (a value, not a rejection); rejects
 * only with the caller's abort reason.
 */
export async function readAllPages(runner: RequestRunner, read: PagedRead): Promise<PagedReadResult> {
  const origin = new URL(read.firstUrl).origin;
  const seen = new Set<string>([read.firstUrl]);
  const badResponse = (page: number, problem: string) =>
    createGraphDirectoryError(
      "bad-response",
      `${read.what} on tenant ${read.tenantId}: page ${page} ${problem}. ${nextStepFor("bad-response")}`,
    );
  const maxPages = read.maxPages ?? DEFAULT_MAX_PAGES;
  let url = read.firstUrl;
  let pagesRead = 0;
  for (;;) {
    const pageNumber = pagesRead + 1;
    let page: Page;
    try {
      page = await runner.run<Page>({
        route: read.route,
        what: `${read.what} (page ${pageNumber})`,
        idempotent: true,
        signal: read.signal,
        request: () => ({ method: "GET", url, headers: read.headers }),
        accept: ({ json }) => {
          const body = json as { value?: unknown; "@odata.nextLink"?: unknown } | null;
          if (typeof body !== "object" || body === null || !Array.isArray(body.value)) {
            throw badResponse(pageNumber, "has no `value` array");
          }
          const next = body["@odata.nextLink"];
          if (next !== undefined && next !== null && typeof next !== "string") {
            throw badResponse(pageNumber, "has a non-string @odata.nextLink");
          }
          read.onPage(body.value);
          return { nextLink: next ?? undefined };
        },
      });
    } catch (error) {
      if (read.signal?.aborted) throw read.signal.reason;
      if (isGraphDirectoryError(error)) return { pagesRead, error };
      throw error;
    }
    pagesRead = pageNumber;
    if (page.nextLink === undefined) return { pagesRead };
    let next: URL;
    try {
      next = new URL(page.nextLink);
    } catch {
      return {
        pagesRead,
        error: badResponse(pageNumber, "has an @odata.nextLink that is not an absolute URL"),
      };
    }
    // The token must only ever travel to the Graph root; a nextLink elsewhere is not Graph's.
    if (next.origin !== origin) {
      return {
        pagesRead,
        error: badResponse(
          pageNumber,
          `has an @odata.nextLink to another host (${next.origin}); not followed`,
        ),
      };
    }
    if (pagesRead >= maxPages) {
      return {
        pagesRead,
        error: badResponse(
          pageNumber,
          `still links to another page after ${maxPages} pages (the page cap); the listing is incomplete`,
        ),
      };
    }
    if (seen.has(page.nextLink)) {
      return {
        pagesRead,
        error: badResponse(pageNumber, "has an @odata.nextLink to a page already read (a loop)"),
      };
    }
    seen.add(page.nextLink);
    url = page.nextLink;
  }
}
