/**
 * What the directory's read operations share: the request runner, where Graph is, and the settings.
 */
import type { Logger } from "pino";
import type { GraphPageSizes } from "./graph-directory-options.js";
import type { RequestRunner } from "./graph-request-runner.js";
import type { RequestStats } from "./request-stats.js";

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
}

/** The absolute v1.0 URL for a path and query that are already encoded. */
export function graphUrl(context: DirectoryContext, pathAndQuery: string): string {
  return `${context.root}/v1.0${pathAndQuery}`;
}

/** A directory object's `id`, or `undefined` when the item is not an object with a string id. */
export function objectId(item: unknown): string | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const { id } = item as { id?: unknown };
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/** A string property, `null` when absent or not a string. */
export function stringOrNull(item: unknown, key: string): string | null {
  const value = (item as Record<string, unknown>)[key];
  return typeof value === "string" ? value : null;
}

/**
 * The Graph type of a directory object without its `#` (`microsoft.graph.user`), lower-cased; `undefined`
 * when absent. Callers treat an unknown type as "not a user", never guess.
 */
export function odataType(item: unknown): string | undefined {
  return stringOrNull(item, "@odata.type")?.replace(/^#/, "").toLowerCase();
}
