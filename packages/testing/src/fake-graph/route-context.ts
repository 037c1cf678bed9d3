/**
 * What a route handler of the fake server sees: the parsed request, the live tenant and the settings
 * that can change while the server runs (permissions, the primary signal, the page cap).
 */

import type { TenantModel } from "../tenant-model.js";
import type { ResponseStamp } from "./graph-response.js";
import type { PageTokens } from "./page-tokens.js";
import type { FakeGraphRotationApp } from "./password-reset-policy.js";

/** The stable name of each route the fake serves; faults and statistics use it. */
export type FakeGraphRoute =
  | "users.list"
  | "users.get"
  | "users.patch"
  | "administrativeUnits.list"
  | "administrativeUnits.members"
  | "administrativeUnits.delta"
  | "roleDefinitions.list"
  | "roleDefinitions.get"
  | "roleAssignments.list"
  | "roleEligibility.list"
  | "groups.members"
  | "batch";

/** The app's permissions as the fake simulates them. */
export interface FakeGraphPermissions {
  /** User.Read.All: list and read users. Default true. */
  readonly userReadAll?: boolean;
  /** Member.Read.Hidden: list members of hidden-membership units. Default true. */
  readonly memberReadHidden?: boolean;
  /**
   * What a hidden unit's member listing answers without Member.Read.Hidden. Default `empty`: 200 with no
   * members. Microsoft documents no 403 for this case, and field reports against the same directory
   * engine show hidden-membership objects silently left out of a 200 (docs/decisions/0002), so the
   * default is the answer a reader cannot tell from a real empty unit. `omit-users`: 200 listing only
   * the unit's non-user members (groups, devices), the silently SHORT list. `forbidden`: 403, the
   * friendliest case, kept for readers that must also handle it.
   */
  readonly hiddenUnitBehavior?: "forbidden" | "empty" | "omit-users";
  /** RoleManagement.Read.Directory: role definitions and active assignments. Default true. */
  readonly roleManagementRead?: boolean;
  /** RoleEligibilitySchedule.Read.Directory: PIM eligibility instances. Default true. */
  readonly roleEligibilityRead?: boolean;
  /** GroupMember.Read.All: group members. Default true. */
  readonly groupMemberRead?: boolean;
}

/** The settings handlers read on every request (mutable through `server.configure`). */
export interface RouteSettings {
  readonly permissions: Required<FakeGraphPermissions>;
  /** `unsupported`: the cloud has no `isManagementRestricted` property (400 naming it). */
  readonly primarySignal: "available" | "unsupported";
  /** `false`: a cloud without `administrativeUnit: delta` (docs/decisions/0016). */
  readonly unitChangeTracking: boolean;
  /** Upper bound of every page, below Graph's own (to force paging in tests). */
  readonly maxPageSize: number;
  /** Answer 400 to any system query option the route's Microsoft page does not name. */
  readonly strictQueryOptions: boolean;
  /** Which wording refuses a write to a member of a restricted unit. */
  readonly restrictedUnitDenialText: "classic" | "learn-more";
  /** The roles of the app that changes passwords. */
  readonly rotationApp: FakeGraphRotationApp;
}

/** One request as a handler sees it (a top-level request or one `$batch` item). */
export interface GraphRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded, starting with `/v1.0`. */
  readonly path: string;
  /** The query string as sent, without `?`, still percent-encoded. */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, `undefined` when there was none. */
  readonly body: unknown;
  /** True when a body was sent but is not JSON. */
  readonly bodyInvalid: boolean;
  readonly inBatch: boolean;
  /** For a `$batch` item: the outer request's `Authorization` header (items carry none of their own). */
  readonly outerAuthorization?: string | undefined;
}

/** Everything a handler needs. */
export interface RouteContext {
  /** The route being answered. */
  readonly route: Exclude<FakeGraphRoute, "batch">;
  readonly tenant: TenantModel;
  readonly settings: RouteSettings;
  /** `https://127.0.0.1:PORT`, for `@odata.context` and absolute next links. */
  readonly baseUrl: string;
  readonly request: GraphRequest;
  readonly stamp: ResponseStamp;
  /** Decoded path parameters (`id` of a user, unit, group or role definition). */
  readonly params: Readonly<Record<string, string>>;
  /** The server's page tokens: the `$skiptoken`s its nextLinks carry, and the only ones it accepts. */
  readonly pageTokens: PageTokens;
  /** Records a successful password change (never the password). */
  readonly recordPasswordChange: (userId: string) => void;
}
