import type { FakeGraphFault, FakeGraphRoute, TenantModel } from "@rotation-exclusion/testing";
import {
  type ContractFault,
  type DirectoryHarnessOptions,
  describeDirectoryContract,
} from "@rotation-exclusion/testing/contract";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

// Contract faults are persistent; throttling uses a tiny decimal Retry-After so retries stay fast.
function effectFor(fault: ContractFault): FakeGraphFault["effect"] | undefined {
  switch (fault.kind) {
    case "throttled":
      return { kind: "throttled", retryAfterSeconds: 0.01, retryAfterFormat: "decimal-seconds" };
    case "forbidden":
      return { kind: "error", status: 403 };
    case "unsupported":
      return {
        kind: "error",
        status: 400,
        code: "Request_BadRequest",
        message: "Could not find a property named 'isManagementRestricted' on type 'microsoft.graph.user'.",
      };
    case "server-error":
      return { kind: "unavailable", status: 503 };
    case "network":
      return { kind: "reset" };
    case "bad-response":
      return { kind: "malformed-json" };
    case "not-found":
      return { kind: "error", status: 404 };
    case "unauthorized":
      return { kind: "error", status: 401, code: "InvalidAuthenticationToken" };
  }
}

// Contract operations to fake routes. Keyed by string so role-holder operations map as soon as the
// contract declares them (both the in-memory spelling and the contract's are listed).
const ROUTES: Readonly<Record<string, FakeGraphRoute | readonly FakeGraphRoute[]>> = {
  "protected-users": "users.list",
  "restricted-units": "administrativeUnits.list",
  "unit-members": "administrativeUnits.members",
  "unit-changes": "administrativeUnits.delta",
  "user-check": "users.get",
  "role-definition": ["roleDefinitions.list", "roleDefinitions.get"],
  "role-assignments": "roleAssignments.list",
  "active-assignments": "roleAssignments.list",
  "role-eligibility": "roleEligibility.list",
  "eligible-assignments": "roleEligibility.list",
  "group-members": "groups.members",
};

function faultFor(fault: ContractFault): FakeGraphFault | undefined {
  const effect = effectFor(fault);
  const route = ROUTES[fault.operation];
  if (effect === undefined || route === undefined) return undefined;
  const target = fault as { unitId?: string; userId?: string; groupId?: string; page?: number };
  const objectId = target.unitId ?? target.userId ?? target.groupId;
  const match = {
    route,
    ...(objectId !== undefined ? { objectId } : {}),
    // Single-object reads have no page (a role named by id is read with roleDefinitions.get).
    ...(fault.operation === "user-check" || (fault.operation as string) === "role-definition"
      ? {}
      : { page: target.page ?? 1 }),
  };
  return { match, effect };
}

// A protected-users "unsupported" fault on page 1 is a cloud without the property: the server says so
// for every query naming it (the list and the per-user $select alike).
function isWholeCloudUnsupported(fault: ContractFault): boolean {
  return fault.operation === "protected-users" && fault.kind === "unsupported" && (fault.page ?? 1) === 1;
}

/**
 * The adapter over the fake server; `strictQueryOptions`: the server refuses, as Graph may, every query
 * option a route's Microsoft page does not name, and the adapter must read those listings without them
 * (docs/decisions/0013-undocumented-query-options.md).
 */
const harness = (strictQueryOptions: boolean) => ({
  async create(tenant: TenantModel, options: DirectoryHarnessOptions = {}) {
    const faults = options.faults ?? [];
    const unsupported = faults.some(isWholeCloudUnsupported);
    const serverFaults = faults
      .filter((fault) => !isWholeCloudUnsupported(fault))
      .map(faultFor)
      .filter((fault) => fault !== undefined);
    // Member.Read.Hidden is both what the fake enforces and what the adapter learns from the token's
    // `roles` claim, as with a real app registration.
    const memberReadHidden = options.permissions?.memberReadHidden ?? true;
    const graph = await directoryOverFakeGraph(
      tenant,
      {
        ...(options.pageSize !== undefined ? { maxPageSize: options.pageSize } : {}),
        ...(unsupported ? { primarySignal: "unsupported" } : {}),
        ...(options.unitChangeTracking === false ? { unitChangeTracking: false } : {}),
        permissions: {
          memberReadHidden,
          hiddenUnitBehavior: options.permissions?.hiddenUnitBehavior ?? "forbidden",
        },
        faults: serverFaults,
        strictQueryOptions,
      },
      options.pageSize !== undefined ? { pageSize: options.pageSize } : {},
      { appRoles: memberReadHidden ? ["Member.Read.Hidden", "User.Read.All"] : ["User.Read.All"] },
    );
    return { directory: graph.directory, [Symbol.asyncDispose]: () => graph[Symbol.asyncDispose]() };
  },
});

describeDirectoryContract("graph-adapter over fake Graph", harness(false));
describeDirectoryContract("graph-adapter over fake Graph refusing undocumented query options", harness(true));
