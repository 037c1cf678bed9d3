/**
 * A fluent, validating way to write a {@link TenantModel}: every object gets a deterministic GUID derived
 * from the seed and its name, and every reference (unit member, role principal, unit scope) is checked
 * when it is made, so a typo fails with a {@link TestingError} that names it instead of a silent gap.
 */
import { BUILT_IN_ROLES } from "./built-in-roles.js";
import { deterministicGuid } from "./deterministic-guid.js";
import type { TenantModel, TenantRoleAssignment, TenantUnit } from "./tenant-model.js";
import { objectKind } from "./tenant-model.js";
import { createTestingError } from "./testing-error.js";

/** Options of {@link tenantBuilder}. */
export interface TenantBuilderOptions {
  /** The tenant id. Default: derived from `seed`. */
  readonly tenantId?: string;
  /** Seed of every derived GUID; two builders with the same seed and names produce the same ids. */
  readonly seed?: string;
  /** Domain of derived user principal names. */
  readonly domain?: string;
}

/** Options of {@link TenantBuilder.user}. */
export interface TenantUserOptions {
  /** Default: `{name}@{domain}`. */
  readonly userPrincipalName?: string;
  /** Default: the name. */
  readonly displayName?: string;
  /** Default: derived from the seed and the name. */
  readonly id?: string;
  /** What the directory reports for `isManagementRestricted` when it should differ from unit membership. */
  readonly isManagementRestricted?: boolean | null;
  /** An agent user (`#microsoft.graph.agentUser`): a user for unit membership, never imported. */
  readonly agentUser?: boolean;
}

/** Options of {@link TenantBuilder.group}. */
export interface TenantGroupOptions {
  /** Role-assignable groups can hold directory roles; Entra lets them hold users only. Default false. */
  readonly roleAssignable?: boolean;
  /** Direct members: user, device or (for ordinary groups) group ids. */
  readonly members?: readonly string[];
  readonly id?: string;
}

/** Options of {@link TenantBuilder.unit}. */
export interface TenantUnitOptions {
  /** True for a restricted management administrative unit. Default false (an ordinary unit). */
  readonly restricted?: boolean;
  /** Graph's value; default `null`, which Graph documents as behaving like `Assigned`. */
  readonly membershipType?: "Assigned" | "Dynamic" | null;
  /** Graph's value; default `null`, which Graph documents as behaving like `Public`. */
  readonly visibility?: "Public" | "HiddenMembership" | null;
  /** Direct members: user, group or device ids. */
  readonly members?: readonly string[];
  readonly id?: string;
}

/** Options of {@link TenantBuilder.assignRole}. */
export interface RoleAssignmentOptions {
  /** `active` (a role assignment) or `eligible` (PIM eligibility). Default `active`. */
  readonly kind?: "active" | "eligible";
  /** Scope the assignment to this administrative unit instead of the whole tenant (`/`). */
  readonly unitId?: string;
  readonly id?: string;
}

/** A fluent tenant builder; each method returns the new object's id. See {@link tenantBuilder}. */
export interface TenantBuilder {
  readonly tenantId: string;
  /** Adds a user. */
  user(name: string, options?: TenantUserOptions): string;
  /** Adds `count` users named `{prefix}{n}` (zero-padded, from 1) and returns their ids in order. */
  users(count: number, prefix?: string): string[];
  /** Adds a group. */
  group(name: string, options?: TenantGroupOptions): string;
  /** Adds a device. */
  device(name: string, options?: { readonly id?: string }): string;
  /** Adds a service principal (its app id is derived too), or one of Graph's agent subtypes of it. */
  servicePrincipal(
    name: string,
    options?: {
      readonly id?: string;
      readonly appId?: string;
      readonly agentKind?: "agentIdentity" | "agentIdentityBlueprintPrincipal";
    },
  ): string;
  /**
   * Adds a directory object listed with another `@odata.type` (`null`: none at all), as a unit member,
   * to test readers against types they do not know.
   */
  directoryObject(name: string, options: { readonly odataType: string | null; readonly id?: string }): string;
  /** Adds an administrative unit (ordinary unless `restricted: true`). */
  unit(name: string, options?: TenantUnitOptions): string;
  /** Adds direct members to a unit or a group. */
  addMembers(containerId: string, memberIds: readonly string[]): void;
  /** Adds a custom role definition (built-in roles exist already). */
  roleDefinition(displayName: string, options?: { readonly id?: string }): string;
  /** Assigns a role (by display name or id) to a user, a role-assignable group or a service principal. */
  assignRole(role: string, principalId: string, options?: RoleAssignmentOptions): string;
  /** A deep copy of the tenant so far; the builder can go on without affecting it. */
  build(): TenantModel;
}

const DEFAULT_BUILDER_OPTIONS = {
  tenantId: "",
  seed: "rotation-exclusion",
  domain: "contoso.onmicrosoft.com",
} satisfies Required<TenantBuilderOptions>;

/**
 * Starts a tenant with the built-in roles and nothing else.
 *
 * @example
 * const t = tenantBuilder({ seed: "docs" });
 * const bg = t.user("breakglass1");
 * t.unit("Emergency access", { restricted: true, members: [bg] });
 * t.assignRole("Global Administrator", bg);
 * const tenant = t.build();
 */
export function tenantBuilder(options: TenantBuilderOptions = {}): TenantBuilder {
  const { seed, domain, tenantId } = { ...DEFAULT_BUILDER_OPTIONS, ...options };
  const model: TenantModel = {
    tenantId: tenantId || deterministicGuid(seed, "tenant"),
    users: new Map(),
    groups: new Map(),
    devices: new Map(),
    servicePrincipals: new Map(),
    units: new Map(),
    roleDefinitions: new Map(),
    roleAssignments: [],
  };
  for (const [displayName, id] of Object.entries(BUILT_IN_ROLES)) {
    model.roleDefinitions.set(id, { id, displayName, isBuiltIn: true });
  }
  const names = new Set<string>();

  function newId(kind: string, name: string, explicit: string | undefined): string {
    if (names.has(`${kind}\u0000${name}`)) {
      throw createTestingError(
        "duplicate-object",
        `A ${kind} named "${name}" exists already; use another name.`,
      );
    }
    const id = explicit ?? deterministicGuid(seed, kind, name);
    if (objectKind(model, id) !== undefined || model.units.has(id) || model.roleDefinitions.has(id)) {
      throw createTestingError("duplicate-object", `Id ${id} (for ${kind} "${name}") is taken already.`);
    }
    names.add(`${kind}\u0000${name}`);
    return id;
  }

  function checkMembers(container: string, memberIds: readonly string[], allowGroups: boolean): void {
    for (const memberId of memberIds) {
      const kind = objectKind(model, memberId);
      if (kind === undefined) {
        throw createTestingError(
          "unknown-reference",
          `${container}: no user, group or device with id ${memberId}; create it before adding it as a member.`,
        );
      }
      if (
        kind === "servicePrincipal" ||
        (kind === "other" && container.startsWith("Group")) ||
        (kind === "group" && !allowGroups)
      ) {
        throw createTestingError(
          "invalid-reference",
          `${container}: a ${kind} (${memberId}) cannot be a member here.`,
        );
      }
    }
  }

  function addUnique(target: string[], memberIds: readonly string[]): void {
    for (const memberId of memberIds) if (!target.includes(memberId)) target.push(memberId);
  }

  function resolveRole(role: string): string {
    const lower = role.toLowerCase();
    for (const definition of model.roleDefinitions.values()) {
      if (definition.id.toLowerCase() === lower || definition.displayName.toLowerCase() === lower) {
        return definition.id;
      }
    }
    throw createTestingError(
      "unknown-reference",
      `No role definition named or with id "${role}"; add it with roleDefinition().`,
    );
  }

  const builder: TenantBuilder = {
    tenantId: model.tenantId,
    user(name, userOptions = {}) {
      const id = newId("user", name, userOptions.id);
      model.users.set(id, {
        id,
        userPrincipalName:
          userOptions.userPrincipalName ?? `${name.toLowerCase().replace(/\s+/g, ".")}@${domain}`,
        displayName: userOptions.displayName ?? name,
        ...(userOptions.isManagementRestricted !== undefined
          ? { isManagementRestricted: userOptions.isManagementRestricted }
          : {}),
        ...(userOptions.agentUser === true ? { agentUser: true } : {}),
      });
      return id;
    },
    users(count, prefix = "user") {
      if (!Number.isInteger(count) || count < 0) {
        throw createTestingError(
          "invalid-argument",
          `users(${count}): the count must be a whole number >= 0.`,
        );
      }
      const width = Math.max(3, String(count).length);
      return Array.from({ length: count }, (_, index) =>
        builder.user(`${prefix}${String(index + 1).padStart(width, "0")}`),
      );
    },
    group(name, groupOptions = {}) {
      const roleAssignable = groupOptions.roleAssignable ?? false;
      const members = groupOptions.members ?? [];
      checkMembers(`Group "${name}"`, members, !roleAssignable);
      const id = newId("group", name, groupOptions.id);
      const memberIds: string[] = [];
      addUnique(memberIds, members);
      model.groups.set(id, { id, displayName: name, isAssignableToRole: roleAssignable, memberIds });
      return id;
    },
    device(name, deviceOptions = {}) {
      const id = newId("device", name, deviceOptions.id);
      model.devices.set(id, { id, displayName: name });
      return id;
    },
    servicePrincipal(name, spOptions = {}) {
      const id = newId("servicePrincipal", name, spOptions.id);
      model.servicePrincipals.set(id, {
        id,
        appId: spOptions.appId ?? deterministicGuid(seed, "application", name),
        displayName: name,
        ...(spOptions.agentKind !== undefined ? { agentKind: spOptions.agentKind } : {}),
      });
      return id;
    },
    directoryObject(name, objectOptions) {
      const id = newId("directoryObject", name, objectOptions.id);
      model.otherObjects ??= new Map();
      model.otherObjects.set(id, { id, displayName: name, odataType: objectOptions.odataType });
      return id;
    },
    unit(name, unitOptions = {}) {
      const members = unitOptions.members ?? [];
      checkMembers(`Unit "${name}"`, members, true);
      const id = newId("unit", name, unitOptions.id);
      const unit: TenantUnit = {
        id,
        displayName: name,
        isMemberManagementRestricted: unitOptions.restricted ?? false,
        membershipType: unitOptions.membershipType ?? null,
        visibility: unitOptions.visibility ?? null,
        memberIds: [],
      };
      addUnique(unit.memberIds, members);
      model.units.set(id, unit);
      return id;
    },
    addMembers(containerId, memberIds) {
      const unit = model.units.get(containerId);
      if (unit) {
        checkMembers(`Unit "${unit.displayName}"`, memberIds, true);
        addUnique(unit.memberIds, memberIds);
        return;
      }
      const group = model.groups.get(containerId);
      if (group) {
        checkMembers(`Group "${group.displayName}"`, memberIds, !group.isAssignableToRole);
        addUnique(group.memberIds, memberIds);
        return;
      }
      throw createTestingError("unknown-reference", `addMembers: no unit or group with id ${containerId}.`);
    },
    roleDefinition(displayName, roleOptions = {}) {
      const id = newId("roleDefinition", displayName, roleOptions.id);
      model.roleDefinitions.set(id, { id, displayName, isBuiltIn: false });
      return id;
    },
    assignRole(role, principalId, assignmentOptions = {}) {
      const roleDefinitionId = resolveRole(role);
      const kind = objectKind(model, principalId);
      if (kind === undefined) {
        throw createTestingError(
          "unknown-reference",
          `assignRole("${role}"): no principal with id ${principalId}.`,
        );
      }
      if (kind === "device" || (kind === "group" && !model.groups.get(principalId)?.isAssignableToRole)) {
        throw createTestingError(
          "invalid-reference",
          `assignRole("${role}"): ${kind} ${principalId} cannot hold a directory role (only users, role-assignable groups and service principals can).`,
        );
      }
      const { unitId } = assignmentOptions;
      if (unitId !== undefined && !model.units.has(unitId)) {
        throw createTestingError(
          "unknown-reference",
          `assignRole("${role}"): no unit with id ${unitId} to scope to.`,
        );
      }
      const assignment: TenantRoleAssignment = {
        id: "",
        kind: assignmentOptions.kind ?? "active",
        roleDefinitionId,
        principalId,
        directoryScopeId: unitId === undefined ? "/" : `/administrativeUnits/${unitId}`,
      };
      const key = [assignment.kind, roleDefinitionId, principalId, assignment.directoryScopeId];
      assignment.id = assignmentOptions.id ?? deterministicGuid(seed, "roleAssignment", ...key);
      if (model.roleAssignments.some((existing) => existing.id === assignment.id)) {
        throw createTestingError(
          "duplicate-object",
          `assignRole("${role}"): that assignment (${assignment.id}) exists already.`,
        );
      }
      model.roleAssignments.push(assignment);
      return assignment.id;
    },
    build: () => structuredClone(model),
  };
  return builder;
}
