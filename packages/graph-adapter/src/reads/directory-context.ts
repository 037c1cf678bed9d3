/**
 * What the directory's read operations share: the request runner, where Graph is, and the settings.
 */
import type { Logger } from "@rotation-exclusion/core/ports";
import type { GraphPageSizes } from "../graph-directory-options.js";
import type { GraphQueryMemo } from "../requests/graph-query-memo.js";
import type { RequestRunner } from "../requests/graph-request-runner.js";
import type { RequestStats } from "../requests/request-stats.js";

/** The shared state of one Graph directory's reads. */
export interface DirectoryContext {
  readonly runner: RequestRunner;
  readonly stats: RequestStats;
  /** Graph root origin; every request URL starts with `${root}/v1.0`. */
  readonly root: string;
  readonly tenantId: string;
  readonly pageSizes: GraphPageSizes;
  readonly memberReadConcurrency: number;
  /** Pages read at most per listing. */
  readonly maxPages: number;
  /** True when the app may see hidden units' members (Member.Read.Hidden in the token, or vouched for). */
  readonly hiddenMembersVisible: () => boolean;
  readonly logger: Logger;
  /** The app's memory of listings Graph refused with their undocumented query options. */
  readonly queryMemo: GraphQueryMemo;
  /** Told after each restricted unit's members are read (see `GraphDirectoryOptions.onUnitMembersRead`). */
  readonly onUnitMembersRead?: ((read: number, total: number) => void) | undefined;
}

/** The absolute v1.0 URL for a path and query that are already encoded. */
export function graphUrl(context: DirectoryContext, pathAndQuery: string): string {
  return `${context.root}/v1.0${pathAndQuery}`;
}
