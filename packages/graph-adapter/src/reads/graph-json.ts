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

/** What a directory object is, for the decisions the readers make. */
export type DirectoryObjectKind = "user" | "agentUser" | "group" | "device" | "servicePrincipal" | "unknown";

// Graph's declared subtypes count as their base type (Microsoft Graph v1.0 schema, msgraph-metadata:
// agentUser derives from user; agentIdentity and agentIdentityBlueprintPrincipal from servicePrincipal).
const KINDS: Readonly<Record<string, DirectoryObjectKind>> = {
  "microsoft.graph.user": "user",
  "microsoft.graph.agentuser": "agentUser",
  "microsoft.graph.group": "group",
  "microsoft.graph.device": "device",
  "microsoft.graph.serviceprincipal": "servicePrincipal",
  "microsoft.graph.agentidentity": "servicePrincipal",
  "microsoft.graph.agentidentityblueprintprincipal": "servicePrincipal",
};

/**
 * The kind of a directory object by its `@odata.type`; `unknown` when the type is missing or not one
 * we know. An `agentUser` is a user for unit membership, but has no password: callers that import
 * accounts keep it apart.
 */
export function directoryObjectKind(item: unknown): DirectoryObjectKind {
  const type = odataType(item);
  return (type !== undefined && KINDS[type]) || "unknown";
}
