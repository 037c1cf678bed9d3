/**
 * Reading Graph's JSON items without trusting them: an object's id, a string property, its
 * `@odata.type`. A missing or mistyped value is `undefined`/`null`, never a guess.
 */

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
