/**
 * Merges the holders of several role reads into one entry per user (and per other principal), each
 * with every path that gives it a role: the same user through two roles, or through a direct assignment
 * and a role-assignable group, appears once with both paths.
 */
import type { RoleHoldersRead } from "../ports/directory-reader.js";
import type { RoleImportOther, RoleImportPath } from "./plan-role-import.js";

/** A user holding at least one of the roles, before its verdict is decided. */
export interface MergedRoleUser {
  readonly objectId: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
  readonly paths: readonly RoleImportPath[];
}

/** The users and the other principals (service principals, unknown types) of the reads, merged. */
export interface MergedRoleHolders {
  /** In order of first appearance. */
  readonly users: readonly MergedRoleUser[];
  readonly others: readonly RoleImportOther[];
}

const UNIT_SCOPE = /^\/administrativeUnits\/([^/]+)$/i;

/**
 * Where an assignment applies: `/` is the whole tenant, `/administrativeUnits/{id}` one unit; anything
 * else (for example an app registration's object id) is `other`.
 */
export function scopeOf(directoryScopeId: string): Pick<RoleImportPath, "scope" | "unitId"> {
  if (directoryScopeId === "/") return { scope: "tenant", unitId: null };
  const unit = UNIT_SCOPE.exec(directoryScopeId);
  if (unit?.[1] !== undefined) return { scope: "administrativeUnit", unitId: unit[1].toLowerCase() };
  return { scope: "other", unitId: null };
}

interface Entry<T> {
  readonly value: T;
  readonly paths: RoleImportPath[];
  readonly pathKeys: Set<string>;
}

function addPath<T>(entry: Entry<T>, path: RoleImportPath): void {
  // The same assignment read twice (a role named twice, by name and by id) is one path.
  const key = [path.roleId, path.kind, path.assignmentId, path.via?.groupId ?? ""].join("|").toLowerCase();
  if (entry.pathKeys.has(key)) return;
  entry.pathKeys.add(key);
  entry.paths.push(path);
}

/** Merges role reads; reads whose role is `null` hold nobody. */
export function mergeRoleHolders(reads: readonly RoleHoldersRead[]): MergedRoleHolders {
  const users = new Map<string, Entry<Omit<MergedRoleUser, "paths">>>();
  const others = new Map<string, Entry<Omit<RoleImportOther, "paths">>>();
  for (const read of reads) {
    if (read.role === null) continue;
    const role = { roleId: read.role.id, roleDisplayName: read.role.displayName };
    for (const holder of read.users) {
      const id = holder.user.id.toLowerCase();
      let entry = users.get(id);
      if (entry === undefined) {
        const value = {
          objectId: holder.user.id,
          userPrincipalName: holder.user.userPrincipalName,
          displayName: holder.user.displayName,
        };
        entry = { value, paths: [], pathKeys: new Set() };
        users.set(id, entry);
      }
      addPath(entry, {
        ...role,
        kind: holder.kind,
        via: holder.via,
        directoryScopeId: holder.directoryScopeId,
        ...scopeOf(holder.directoryScopeId),
        assignmentId: holder.assignmentId,
      });
    }
    for (const holder of read.others) {
      const id = holder.principalId.toLowerCase();
      let entry = others.get(id);
      if (entry === undefined) {
        const value = {
          principalId: holder.principalId,
          principalType: holder.principalType,
          displayName: holder.displayName,
        };
        entry = { value, paths: [], pathKeys: new Set() };
        others.set(id, entry);
      }
      addPath(entry, {
        ...role,
        kind: holder.kind,
        via: null,
        directoryScopeId: holder.directoryScopeId,
        ...scopeOf(holder.directoryScopeId),
        assignmentId: holder.assignmentId,
      });
    }
  }
  return {
    users: [...users.values()].map((entry) => ({ ...entry.value, paths: entry.paths })),
    others: [...others.values()].map((entry) => ({ ...entry.value, paths: entry.paths })),
  };
}
