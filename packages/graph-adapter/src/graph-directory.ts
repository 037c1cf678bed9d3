/**
 * The Microsoft Graph implementation of core's `DirectoryReader` port.
 */
import type { DirectoryReader, RotationFailure } from "@rotation-exclusion/core";
import type {
  AccountRef,
  DirectoryStats,
  PrimarySignal,
  ProtectedUsersRead,
  ReadOptions,
  RestrictedUnitsRead,
  RoleHoldersRead,
  UnitChangesRead,
  UserCheck,
} from "@rotation-exclusion/core/ports";
import { normalizeGraphFailure } from "./errors/restricted-management-denial.js";
import type { GraphCloud } from "./graph-clouds.js";
import { type GraphDirectoryOptions, resolveGraphDirectoryOptions } from "./graph-directory-options.js";
import { checkUsers, type UserCheckMode } from "./reads/check-users.js";
import type { DirectoryContext } from "./reads/directory-context.js";
import { readProtectedUsers } from "./reads/read-protected-users.js";
import { readRestrictedUnits } from "./reads/read-restricted-units.js";
import { readRoleHolders } from "./reads/read-role-holders.js";
import { readUnitChanges } from "./reads/read-unit-changes.js";
import { createRequestRunner } from "./requests/graph-request-runner.js";
import { createRequestStats } from "./requests/request-stats.js";
import { MEMBER_READ_HIDDEN, watchAccessTokenRoles } from "./transport/access-token-roles.js";
import { createGraphTransport } from "./transport/graph-transport.js";

/** A Graph-backed directory reader, with the Graph-specific facts a host may want to show. */
export interface GraphDirectory extends DirectoryReader {
  readonly tenantId: string;
  readonly cloud: GraphCloud;
  /** The Graph root in use (`https://graph.microsoft.com`, or the `baseUrl` override). */
  readonly graphRoot: string;
  /** The primary signal as last observed by `readProtectedUsers` (`undefined` before the first read). */
  primarySignal(): PrimarySignal | undefined;
  /**
   * Holders of a directory role (display name or role definition id): active and PIM-eligible
   * assignments, role-assignable groups expanded to their direct user members.
   */
  readRoleHolders(role: string, options?: ReadOptions): Promise<RoleHoldersRead>;
  /** One round of `administrativeUnits/delta` (docs/decisions/0016). */
  readRestrictedUnitChanges(deltaLink: string | undefined, options?: ReadOptions): Promise<UnitChangesRead>;
  classifyFailure(error: unknown): RotationFailure | undefined;
  stats(): DirectoryStats;
}

/**
 * Creates a directory reader over Microsoft Graph v1.0 for one tenant. Reads report trouble as data
 * (`complete: false` with a `failure`); they reject only when the call's AbortSignal aborts. Invalid
 * options throw a GraphDirectoryError("invalid-options").
 *
 * @example
 * const directory = createGraphDirectory({
 *   tenantId,
 *   credential: createGraphCredential(tenantId, clientId, { clientSecret }),
 * });
 * const { users, complete } = await directory.readProtectedUsers();
 */
export function createGraphDirectory(options: GraphDirectoryOptions): GraphDirectory {
  const resolved = resolveGraphDirectoryOptions(options);
  const stats = createRequestStats();
  const tokenRoles = watchAccessTokenRoles(resolved.credential);
  const transport = createGraphTransport({
    root: resolved.root,
    scope: resolved.scope,
    tenantId: resolved.tenantId,
    credential: tokenRoles.credential,
    exchange: resolved.exchange,
  });
  const runner = createRequestRunner({
    transport,
    policy: resolved.retry,
    stats,
    logger: resolved.logger,
    tenantId: resolved.tenantId,
    budget: resolved.throttleBudget?.forTenant(resolved.tenantId),
  });
  const context: DirectoryContext = {
    runner,
    stats,
    root: resolved.root,
    tenantId: resolved.tenantId,
    pageSizes: resolved.pageSizes,
    memberReadConcurrency: resolved.memberReadConcurrency,
    maxPages: resolved.maxPages,
    hiddenMembersVisible: () => resolved.memberReadHidden || tokenRoles.roles().has(MEMBER_READ_HIDDEN),
    logger: resolved.logger,
    queryMemo: resolved.queryMemo,
    onUnitMembersRead: resolved.onUnitMembersRead,
  };
  let lastPrimarySignal: PrimarySignal | undefined;
  const mode: UserCheckMode = { propertySupported: true };

  return {
    tenantId: resolved.tenantId,
    cloud: resolved.cloud,
    graphRoot: resolved.root,
    primarySignal: () => lastPrimarySignal,
    async readProtectedUsers(readOptions: ReadOptions = {}): Promise<ProtectedUsersRead> {
      const read = await readProtectedUsers(context, readOptions.signal);
      lastPrimarySignal = read.primarySignal;
      // Fallback mode: a cloud without the property cannot report it per user either.
      if (read.primarySignal === "unsupported") mode.propertySupported = false;
      else if (read.primarySignal === "available" && read.complete) mode.propertySupported = true;
      return read;
    },
    readRestrictedUnits(readOptions: ReadOptions = {}): Promise<RestrictedUnitsRead> {
      return readRestrictedUnits(context, readOptions.signal);
    },
    readRestrictedUnitChanges(
      deltaLink: string | undefined,
      readOptions: ReadOptions = {},
    ): Promise<UnitChangesRead> {
      return readUnitChanges(context, deltaLink, readOptions.signal);
    },
    checkUsers(refs: readonly AccountRef[], readOptions: ReadOptions = {}): Promise<readonly UserCheck[]> {
      return checkUsers(context, refs, mode, readOptions.signal);
    },
    readRoleHolders(role: string, readOptions: ReadOptions = {}): Promise<RoleHoldersRead> {
      return readRoleHolders(context, role, readOptions.signal);
    },
    classifyFailure: normalizeGraphFailure,
    stats: () => stats.snapshot(),
  };
}
