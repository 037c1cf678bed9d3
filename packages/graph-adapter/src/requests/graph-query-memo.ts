/**
 * Which Graph listings refused their undocumented query options. The adapter asks some listings for
 * options their Microsoft page does not name (a page size for administrative units and their members,
 * `$select` on unit members and role definitions), because Graph honours them today and they cut the
 * cost of a read. When Graph answers such a listing with 400, the listing is read again without them,
 * and that is remembered here for the whole app: a directory is built per tenant per cycle, so a
 * per-directory memory would be lost every cycle and the 400 paid again on every tenant.
 * See docs/decisions/0013-undocumented-query-options.md.
 */

/** The app-wide memory of listings that must be read without their undocumented query options. */
export interface GraphQueryMemo {
  /** True once Graph refused `route` at `graphRoot` with its undocumented options. */
  readsBare(graphRoot: string, route: string): boolean;
  /** Remembers that Graph refused `route` at `graphRoot` with its undocumented options. */
  rememberBare(graphRoot: string, route: string): void;
  /** Every listing remembered, as `"<graph root> <route>"` (for a report or a log). */
  bareListings(): readonly string[];
  /**
   * True once Graph refused a function the route names (`administrativeUnits/delta` in a cloud whose
   * schema lacks it, docs/decisions/0016): the adapter reads in full without asking again.
   */
  lacksFunction(graphRoot: string, route: string): boolean;
  /** Remembers that Graph refused the function `route` names at `graphRoot`. */
  rememberMissingFunction(graphRoot: string, route: string): void;
}

/**
 * Creates an empty memo. Pass the same one to every `createGraphDirectory` of the app, like the
 * throttle budget.
 *
 * @example
 * const queryMemo = createGraphQueryMemo();
 * const directory = createGraphDirectory({ tenantId, credential, throttleBudget, queryMemo });
 */
export function createGraphQueryMemo(): GraphQueryMemo {
  const bare = new Set<string>();
  const missing = new Set<string>();
  return {
    readsBare: (graphRoot, route) => bare.has(`${graphRoot} ${route}`),
    rememberBare(graphRoot, route) {
      bare.add(`${graphRoot} ${route}`);
    },
    bareListings: () => [...bare],
    lacksFunction: (graphRoot, route) => missing.has(`${graphRoot} ${route}`),
    rememberMissingFunction(graphRoot, route) {
      missing.add(`${graphRoot} ${route}`);
    },
  };
}
