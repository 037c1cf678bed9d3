/**
 * The fake Graph server against Microsoft's published Graph v1.0 schema (the names table
 * `../contract/graph-schema-v1.0.json`, extracted from microsoftgraph/msgraph-metadata by
 * `scripts/graph-schema/extract-graph-schema.mjs`): over HTTPS, on every route it serves and in `$batch`,
 * for a tenant with every kind of object, it emits only properties the item's type declares and only
 * `@odata.type`s the schema declares, and accepts no `$select`, `$filter` or `$expand` name the route's
 * type does not declare. Refusing a declared name is allowed: Graph refuses some on list routes.
 * The schema's capability annotations are not used (they contradict the service; see the script's README).
 */
import { describe, expect, it } from "vitest";
import schemaTable from "../contract/graph-schema-v1.0.json" with { type: "json" };
import { BUILT_IN_ROLES, type FakeGraphServer, startFakeGraphServer, tenantBuilder } from "../index.js";
import { send } from "./https-test-client.js";

interface SchemaType {
  readonly baseType: string | null;
  readonly properties: readonly string[];
  readonly navigationProperties: readonly string[];
}

const SCHEMA: {
  readonly entityTypes: Readonly<Record<string, SchemaType>>;
  readonly derivedTypes: Readonly<Record<string, readonly string[]>>;
} = schemaTable;

/** The one `@odata.type` the schema does not declare that the fake may emit: the one a test gave an object. */
const MADE_UP_TYPE = "#microsoft.graph.somethingNew";

const qualified = (type: string) => `microsoft.graph.${type}`;

/** Every type name the table knows to be declared: its entity types and every derived type it lists. */
const DECLARED_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(SCHEMA.entityTypes),
  ...Object.values(SCHEMA.derivedTypes).flat(),
]);

/** A type and every table type derived from it. */
function typeFamily(type: string): string[] {
  return [type, ...(SCHEMA.derivedTypes[type] ?? [])].filter((name) => SCHEMA.entityTypes[name]);
}

function membersOf(type: string): ReadonlySet<string> {
  const entity = SCHEMA.entityTypes[type];
  return new Set(entity === undefined ? [] : [...entity.properties, ...entity.navigationProperties]);
}

/**
 * The names `$select` and `$filter` may use on a route whose items are of `type`. A collection's items may
 * be of a derived type, and Graph resolves these names against each item's own type (group members take
 * `$search` on displayName, which directoryObject itself does not declare), so a name counts as declared
 * when the type or a type derived from it declares it.
 */
function declaredOnRoute(type: string): ReadonlySet<string> {
  return new Set(typeFamily(type).flatMap((name) => [...membersOf(name)]));
}

interface Expectation {
  /** The route's entity type: what an item without `@odata.type` is. */
  readonly type: string;
  /** Expanded navigation properties and their entity type. */
  readonly expanded?: Readonly<Record<string, string>>;
}

/**
 * What is wrong with one item by the schema table, in words (none: schema-true). `madeUpId` is the one
 * object allowed to carry {@link MADE_UP_TYPE}.
 */
function schemaProblems(item: unknown, expected: Expectation, where: string, madeUpId: string): string[] {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return [`${where}: not an object`];
  const record = item as Record<string, unknown>;
  const problems: string[] = [];
  let type = expected.type;
  const odataType = record["@odata.type"];
  if (odataType !== undefined) {
    const named = typeof odataType === "string" && odataType.startsWith("#") ? odataType.slice(1) : "";
    if (odataType === MADE_UP_TYPE) {
      // The deliberate exception: only the object made with it, read as its route's type.
      if (record.id !== madeUpId) problems.push(`${where}: ${MADE_UP_TYPE} on ${String(record.id)}`);
    } else if (!DECLARED_TYPES.has(named)) {
      problems.push(`${where}: @odata.type ${String(odataType)} is not declared by the schema`);
    } else if (named !== type && !(SCHEMA.derivedTypes[type] ?? []).includes(named)) {
      problems.push(`${where}: @odata.type ${named} is not ${type} or a type derived from it`);
    } else if (SCHEMA.entityTypes[named] !== undefined) {
      type = named;
    }
    // A declared type the table does not list is checked as its route's type: a base declares less.
  }
  const members = membersOf(type);
  for (const [key, value] of Object.entries(record)) {
    if (key.includes("@")) continue; // annotations (`@odata.type`, `name@odata.context`), not properties
    if (!members.has(key)) {
      problems.push(`${where}: ${type} declares no '${key}'`);
      continue;
    }
    const navigationType = expected.expanded?.[key];
    if (SCHEMA.entityTypes[type]?.navigationProperties.includes(key)) {
      if (navigationType === undefined) problems.push(`${where}: '${key}' is expanded unasked`);
      // A principal deleted since the assignment was made expands to null.
      else if (value !== null) {
        problems.push(...schemaProblems(value, { type: navigationType }, `${where}.${key}`, madeUpId));
      }
    }
  }
  return problems;
}

// ── A tenant with every kind of object the fake serves ────────────────────────────────────────────

function everyKindTenant() {
  const t = tenantBuilder({ seed: "fake-graph-schema" });
  const alice = t.user("alice");
  const bob = t.user("bob");
  const agent = t.user("agent", { agentUser: true });
  const laptop = t.device("laptop");
  const automation = t.servicePrincipal("automation");
  const identity = t.servicePrincipal("identity", { agentKind: "agentIdentity" });
  const blueprint = t.servicePrincipal("blueprint", { agentKind: "agentIdentityBlueprintPrincipal" });
  const future = t.directoryObject("future", { odataType: MADE_UP_TYPE });
  const untyped = t.directoryObject("untyped", { odataType: null });
  const contact = t.directoryObject("contact", { odataType: "#microsoft.graph.orgContact" });
  const team = t.group("team", { members: [bob, agent, laptop] });
  const admins = t.group("admins", { roleAssignable: true, members: [alice] });
  const restricted = t.unit("Break glass", {
    restricted: true,
    members: [alice, agent, team, laptop, future, untyped, contact],
  });
  const hidden = t.unit("Hidden", { restricted: true, visibility: "HiddenMembership", members: [bob] });
  const ordinary = t.unit("Ordinary", { membershipType: "Dynamic", visibility: "Public", members: [bob] });
  for (const principal of [alice, admins, automation, identity, blueprint, agent, future, untyped]) {
    t.assignRole("Global Administrator", principal);
  }
  t.assignRole("User Administrator", bob, { unitId: restricted });
  t.assignRole("Global Administrator", bob, { kind: "eligible" });
  t.assignRole("Global Administrator", admins, { kind: "eligible" });
  t.assignRole("Helpdesk Administrator", identity, { kind: "eligible" });
  const tenant = t.build();
  // An assignment whose principal was deleted since: Graph expands it to null.
  tenant.roleAssignments.push({
    id: "deleted-principal-assignment",
    kind: "active",
    roleDefinitionId: BUILT_IN_ROLES["Global Administrator"],
    principalId: "0000dead-0000-4000-8000-000000000000",
    directoryScopeId: "/",
  });
  return { tenant, alice, agent, future, team, admins, restricted, hidden, ordinary };
}

type Tenant = ReturnType<typeof everyKindTenant>;

const DIRECTORY_OBJECT = qualified("directoryObject");
const PRINCIPAL = { principal: DIRECTORY_OBJECT } as const;

/** One route of the fake, how to call it, and what its items are. */
interface RouteCall extends Expectation {
  readonly route: string;
  /** Path below `/v1.0`, with its query. */
  readonly path: string;
  /** A single entity, not a collection. */
  readonly single?: boolean;
}

function routeCalls(ids: Tenant): RouteCall[] {
  const user = qualified("user");
  const members = (path: string): RouteCall[] => [
    { route: "members", path, type: DIRECTORY_OBJECT },
    { route: "members", path: `${path}?$select=id,userPrincipalName,displayName`, type: DIRECTORY_OBJECT },
  ];
  const assignments = (set: string, type: string): RouteCall[] => [
    { route: set, path: `/roleManagement/directory/${set}`, type: qualified(type) },
    {
      route: set,
      path: `/roleManagement/directory/${set}?$expand=principal`,
      type: qualified(type),
      expanded: PRINCIPAL,
    },
  ];
  return [
    { route: "users.list", path: "/users", type: user },
    {
      route: "users.list",
      path: "/users?$select=id,userPrincipalName,displayName,isManagementRestricted",
      type: user,
    },
    ...[ids.alice, ids.agent, "alice@contoso.onmicrosoft.com"].map((key) => ({
      route: "users.get",
      path: `/users/${encodeURIComponent(key)}`,
      type: user,
      single: true,
    })),
    {
      route: "users.get",
      path: `/users/${ids.alice}?$select=id,isManagementRestricted`,
      type: user,
      single: true,
    },
    {
      route: "administrativeUnits.list",
      path: "/directory/administrativeUnits",
      type: qualified("administrativeUnit"),
    },
    ...[ids.restricted, ids.hidden, ids.ordinary].flatMap((unit) =>
      members(`/directory/administrativeUnits/${unit}/members`),
    ),
    ...[ids.team, ids.admins].flatMap((group) => members(`/groups/${group}/members`)),
    {
      route: "roleDefinitions.list",
      path: "/roleManagement/directory/roleDefinitions",
      type: qualified("unifiedRoleDefinition"),
    },
    {
      route: "roleDefinitions.get",
      path: `/roleManagement/directory/roleDefinitions/${BUILT_IN_ROLES["Global Administrator"]}`,
      type: qualified("unifiedRoleDefinition"),
      single: true,
    },
    ...assignments("roleAssignments", "unifiedRoleAssignment"),
    ...assignments("roleEligibilityScheduleInstances", "unifiedRoleEligibilityScheduleInstance"),
  ];
}

/** Every item a call answers: the entity, or every page's `value` through the nextLinks. */
async function itemsOf(graph: FakeGraphServer, call: RouteCall): Promise<unknown[]> {
  const items: unknown[] = [];
  let next: string | undefined = `/v1.0${call.path}`;
  while (next !== undefined) {
    const answer = await send(graph, "GET", next);
    expect(answer.status, `${call.route} ${next}`).toBe(200);
    const body = answer.json();
    if (call.single === true) return [body];
    items.push(...(body.value as unknown[]));
    next = body["@odata.nextLink"] as string | undefined;
  }
  return items;
}

interface BatchAnswer {
  readonly id: string;
  readonly status: number;
  readonly body?: unknown;
}

/**
 * Sends GET items through `$batch`, 20 to a batch (Graph's limit) and 8 batches at a time, and returns the
 * answers in the order of `urls` (an answer's `id` is its url's index).
 */
async function batchGet(graph: FakeGraphServer, urls: readonly string[]): Promise<BatchAnswer[]> {
  const batches: { id: string; method: string; url: string }[][] = [];
  for (let start = 0; start < urls.length; start += 20) {
    batches.push(
      urls.slice(start, start + 20).map((url, at) => ({ id: String(start + at), method: "GET", url })),
    );
  }
  const answers: BatchAnswer[] = [];
  for (let start = 0; start < batches.length; start += 8) {
    const sent = batches.slice(start, start + 8).map(async (requests) => {
      const answer = await send(graph, "POST", "/v1.0/$batch", { body: { requests } });
      expect(answer.status).toBe(200);
      return answer.json().responses as BatchAnswer[];
    });
    answers.push(...(await Promise.all(sent)).flat());
  }
  return answers.sort((a, b) => Number(a.id) - Number(b.id));
}

describe("the schema check itself", () => {
  const assignment = { type: qualified("unifiedRoleAssignment"), expanded: PRINCIPAL };
  const members = { type: DIRECTORY_OBJECT };

  it("fails on a property the item's type does not declare, like resourceScope on an active assignment", () => {
    expect(schemaProblems({ id: "a", principalId: "p", resourceScope: "/" }, assignment, "x", "")).toEqual([
      "x: microsoft.graph.unifiedRoleAssignment declares no 'resourceScope'",
    ]);
    // directoryObject declares no displayName: an untyped member may not carry one.
    expect(schemaProblems({ id: "u", displayName: "untyped" }, members, "x", "")).toHaveLength(1);
    expect(
      schemaProblems({ id: "a", principal: { id: "p", userPrincipalName: "p@x" } }, assignment, "x", ""),
    ).toEqual(["x.principal: microsoft.graph.directoryObject declares no 'userPrincipalName'"]);
  });

  it("reads a property against the item's own @odata.type, and fails on types the schema does not declare", () => {
    const user = { "@odata.type": "#microsoft.graph.agentUser", id: "u", userPrincipalName: "u@x" };
    expect(schemaProblems(user, members, "x", "")).toEqual([]);
    expect(
      schemaProblems({ "@odata.type": "#microsoft.graph.robot", id: "r" }, members, "x", ""),
    ).toHaveLength(1);
    // Declared, but not a directory object.
    const role = { "@odata.type": "#microsoft.graph.unifiedRoleDefinition", id: "r" };
    expect(schemaProblems(role, members, "x", "")).toHaveLength(1);
    // The made-up type is allowed on the object made with it only.
    expect(schemaProblems({ "@odata.type": MADE_UP_TYPE, id: "f" }, members, "x", "f")).toEqual([]);
    expect(schemaProblems({ "@odata.type": MADE_UP_TYPE, id: "g" }, members, "x", "f")).toHaveLength(1);
  });
});

describe("the fake Graph server emits only what Graph v1.0's schema declares", () => {
  it("on every route, for every kind of object, page by page", async () => {
    const ids = everyKindTenant();
    await using graph = await startFakeGraphServer(ids.tenant, { maxPageSize: 3 });
    const seenTypes = new Set<unknown>();
    const problems: string[] = [];
    for (const call of routeCalls(ids)) {
      const items = await itemsOf(graph, call);
      expect(items.length, call.path).toBeGreaterThan(0);
      items.forEach((item, index) => {
        problems.push(...schemaProblems(item, call, `${call.path} [${index}]`, ids.future));
        seenTypes.add((item as Record<string, unknown>)["@odata.type"]);
        const principal = (item as Record<string, unknown>).principal;
        if (typeof principal === "object" && principal !== null) {
          seenTypes.add((principal as Record<string, unknown>)["@odata.type"]);
        }
      });
    }
    expect(problems).toEqual([]);
    // The tenant did reach every kind of object the fake types.
    expect([...seenTypes].sort()).toEqual(
      [
        undefined,
        MADE_UP_TYPE,
        ...["agentIdentity", "agentIdentityBlueprintPrincipal", "agentUser", "device", "group"].map(
          (type) => `#microsoft.graph.${type}`,
        ),
        ...["orgContact", "servicePrincipal", "user"].map((type) => `#microsoft.graph.${type}`),
      ].sort(),
    );
  });

  it("in $batch items too", async () => {
    const ids = everyKindTenant();
    await using graph = await startFakeGraphServer(ids.tenant);
    const calls = routeCalls(ids);
    const answers = await batchGet(
      graph,
      calls.map((call) => call.path),
    );
    const problems = answers.flatMap((answer, index) => {
      const call = calls[index] as RouteCall;
      expect(answer.status, call.path).toBe(200);
      const items =
        call.single === true ? [answer.body] : ((answer.body as { value: unknown[] }).value ?? []);
      return items.flatMap((item, at) =>
        schemaProblems(item, call, `$batch ${call.path} [${at}]`, ids.future),
      );
    });
    expect(problems).toEqual([]);
  });
});

describe("the fake Graph server accepts no query name the route's type does not declare", () => {
  // Names worth trying: every name the table knows, every name the fake emits, and names Graph's beta or
  // other types declare that v1.0 does not declare here.
  const KNOWN_UNDECLARED = [
    "resourceScope",
    "isPrivileged",
    "allowedPrincipalTypes",
    "status",
    "principalType",
  ];

  it("in $select, $filter and $expand, on every route", async () => {
    const ids = everyKindTenant();
    await using graph = await startFakeGraphServer(ids.tenant);
    const emitted = new Set<string>();
    for (const call of routeCalls(ids)) {
      for (const item of await itemsOf(graph, call)) {
        for (const key of Object.keys(item as object)) emitted.add(key);
      }
    }
    const candidates = new Set([
      ...KNOWN_UNDECLARED,
      ...emitted,
      ...Object.values(SCHEMA.entityTypes).flatMap((type) => [
        ...type.properties,
        ...type.navigationProperties,
      ]),
    ]);
    const routes: readonly { readonly path: string; readonly type: string }[] = [
      { path: "/users", type: qualified("user") },
      { path: `/users/${ids.alice}`, type: qualified("user") },
      { path: "/directory/administrativeUnits", type: qualified("administrativeUnit") },
      { path: `/directory/administrativeUnits/${ids.restricted}/members`, type: DIRECTORY_OBJECT },
      { path: `/groups/${ids.team}/members`, type: DIRECTORY_OBJECT },
      { path: "/roleManagement/directory/roleDefinitions", type: qualified("unifiedRoleDefinition") },
      {
        path: `/roleManagement/directory/roleDefinitions/${BUILT_IN_ROLES["Global Administrator"]}`,
        type: qualified("unifiedRoleDefinition"),
      },
      { path: "/roleManagement/directory/roleAssignments", type: qualified("unifiedRoleAssignment") },
      {
        path: "/roleManagement/directory/roleEligibilityScheduleInstances",
        type: qualified("unifiedRoleEligibilityScheduleInstance"),
      },
    ];
    const probes = routes.flatMap(({ path, type }) => {
      const declared = declaredOnRoute(type);
      return [...candidates]
        .filter((name) => !declared.has(name))
        .flatMap((name) => [
          `${path}?$select=${encodeURIComponent(name)}`,
          `${path}?$filter=${encodeURIComponent(`${name} eq 'x'`)}`,
          `${path}?$expand=${encodeURIComponent(name)}`,
        ]);
    });
    expect(probes.length).toBeGreaterThan(1_000);
    const answers = await batchGet(graph, probes);
    const accepted = answers
      .filter((answer) => answer.status < 400)
      .map((answer) => probes[Number(answer.id)]);
    expect(accepted).toEqual([]);
    // Every probe was refused as a bad request, not lost to some other failure.
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([400]));
  });

  it("still accepts the declared names the Graph adapter sends", async () => {
    const ids = everyKindTenant();
    await using graph = await startFakeGraphServer(ids.tenant);
    const declared = [
      "/users?$filter=isManagementRestricted%20eq%20true&$select=id,userPrincipalName,displayName,isManagementRestricted",
      `/groups/${ids.admins}/members?$select=id,userPrincipalName,displayName`,
      `/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'${ids.alice}'&$expand=principal&$select=id,principalId,directoryScopeId`,
    ];
    for (const path of declared) expect((await send(graph, "GET", `/v1.0${path}`)).status, path).toBe(200);
  });
});
