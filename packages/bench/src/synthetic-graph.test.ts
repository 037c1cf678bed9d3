/**
 * The bench's synthetic Graph speaks the testing kit's fake Graph's wire format, request for request:
 * the same requests go to both (over equivalent tenants) and every answer must have the same shape:
 * status, envelope keys, `@odata.context` form, item properties, `@odata.nextLink` form, error body,
 * the headers a client reads. A bench whose server is easier than Graph measures a client that fails on
 * Graph (it did once: the synthetic `/users` page lacked `isManagementRestricted`).
 */
import { startFakeGraphServer, tenantBuilder } from "@rotation-exclusion/testing";
import { Agent, fetch } from "undici";
import { describe, expect, test } from "vitest";
import { createSyntheticGraph } from "./synthetic-graph.js";
import {
  restrictedMembers,
  tenantIdOf,
  UNITS_PER_TENANT,
  USERS_OF,
  unitIdOf,
  upnOf,
  userIdOf,
} from "./synthetic-tenants.js";

const N = 0; // a small tenant in the mixed shape: 40 users, users 3 and 7 in the two restricted units
const ORIGIN = "https://synthetic.invalid";

/** The synthetic tenant N as a testing-kit tenant model, with the same ids. */
function equivalentTenant() {
  const t = tenantBuilder({ tenantId: tenantIdOf(N) });
  const users = Array.from({ length: USERS_OF.small }, (_, i) =>
    t.user(`User ${i}`, { id: userIdOf(N, i), userPrincipalName: upnOf(N, i) }),
  );
  const members = restrictedMembers("small", 0);
  for (let u = 0; u < UNITS_PER_TENANT; u += 1) {
    const restricted = u < 2;
    t.unit(restricted ? `Restricted ${u}` : `Region ${u}`, {
      id: unitIdOf(N, u),
      restricted,
      members: restricted ? (members[u] ?? []).map((i) => users[i] as string) : [],
    });
  }
  return t.build();
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** What a shape comparison looks at: keys (sorted), and the form of links and contexts. */
function shape(value: unknown, origin: string): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0], origin)];
  if (typeof value !== "object" || value === null) return typeof value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if ((key === "@odata.nextLink" || key === "@odata.deltaLink") && typeof v === "string") {
      const url = new URL(v);
      out[key] = {
        origin: url.origin === origin,
        path: url.pathname,
        query: [...url.searchParams.keys()].sort(),
      };
    } else if (key === "@odata.context" && typeof v === "string") {
      out[key] = v.replace(origin, "<origin>");
    } else out[key] = shape(v, origin);
  }
  return out;
}

const READ_HEADERS = ["content-type", "request-id", "client-request-id", "retry-after"];

describe("the synthetic Graph and the testing kit's fake Graph", () => {
  test.each([
    [
      "the protected set",
      "GET",
      "/v1.0/users?$filter=isManagementRestricted%20eq%20true&$select=id,userPrincipalName,displayName,isManagementRestricted&$top=999",
    ],
    [
      "a page of the protected set",
      "GET",
      "/v1.0/users?$filter=isManagementRestricted%20eq%20true&$select=id,userPrincipalName,displayName,isManagementRestricted&$top=1",
    ],
    ["the protected set without $select", "GET", "/v1.0/users?$filter=isManagementRestricted%20eq%20true"],
    [
      "the unit list",
      "GET",
      "/v1.0/directory/administrativeUnits?$select=id,displayName,isMemberManagementRestricted,membershipType,visibility&$top=5",
    ],
    ["the unit list without options", "GET", "/v1.0/directory/administrativeUnits"],
    [
      "a unit's members",
      "GET",
      `/v1.0/directory/administrativeUnits/${unitIdOf(N, 0)}/members?$select=id&$top=999`,
    ],
    [
      "a unit's members without options",
      "GET",
      `/v1.0/directory/administrativeUnits/${unitIdOf(N, 0)}/members`,
    ],
    [
      "one user's flag",
      "GET",
      `/v1.0/users/${userIdOf(N, 3)}?$select=id,userPrincipalName,isManagementRestricted`,
    ],
    [
      "one user by UPN",
      "GET",
      `/v1.0/users/${encodeURIComponent(upnOf(N, 5))}?$select=id,userPrincipalName,isManagementRestricted`,
    ],
    ["an unknown user", "GET", `/v1.0/users/${userIdOf(N, 39_999)}?$select=id`],
    ["a password change refused by a restricted unit", "PATCH", `/v1.0/users/${userIdOf(N, 3)}`],
    ["a batch of user reads", "POST", "/v1.0/$batch"],
    [
      "a unit delta link from now",
      "GET",
      "/v1.0/directory/administrativeUnits/delta?$select=id,displayName,isMemberManagementRestricted,membershipType,visibility,members&$deltatoken=latest",
    ],
    ["the first unit delta round", "GET", "/v1.0/directory/administrativeUnits/delta"],
    ["an expired unit delta token", "GET", "/v1.0/directory/administrativeUnits/delta?$deltatoken=expired"],
  ])("answer alike: %s", async (_, method, path) => {
    const body =
      method === "PATCH"
        ? JSON.stringify({
            passwordProfile: { password: "Bench-Pw-123!", forceChangePasswordNextSignIn: false },
          })
        : method === "POST"
          ? JSON.stringify({
              requests: [3, 5].map((i) => ({
                id: String(i),
                method: "GET",
                url: `/users/${userIdOf(N, i)}?$select=id,isManagementRestricted`,
              })),
            })
          : "";
    await using fake = await startFakeGraphServer(equivalentTenant());
    const agent = new Agent({ connect: { ca: fake.ca } });
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: "Bearer any", ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body } : {}),
      dispatcher: agent,
    });
    const text = await response.text();
    const fromFake: Answer = {
      status: response.status,
      headers: Object.fromEntries(READ_HEADERS.filter((h) => response.headers.has(h)).map((h) => [h, "set"])),
      body: text.length > 0 ? JSON.parse(text) : undefined,
    };
    await agent.close();

    const synthetic = createSyntheticGraph({ shape: "mixed", latency: { medianMs: 0, spread: 0 } });
    const answer = await synthetic.answer(method, path, `Bearer bench.${tenantIdOf(N)}`, body, ORIGIN);
    const fromSynthetic: Answer = {
      status: answer.status,
      headers: Object.fromEntries(READ_HEADERS.filter((h) => h in answer.headers).map((h) => [h, "set"])),
      body: answer.body,
    };
    expect(fromSynthetic.status).toBe(fromFake.status);
    expect(fromSynthetic.headers).toEqual(fromFake.headers);
    expect(shape(fromSynthetic.body, ORIGIN)).toEqual(shape(fromFake.body, fake.url));
  });

  test("answer alike: a unit delta round after a member joins a restricted unit", async () => {
    const tenant = equivalentTenant();
    await using fake = await startFakeGraphServer(tenant);
    const agent = new Agent({ connect: { ca: fake.ca } });
    const get = async (url: string) => {
      const response = await fetch(url, { headers: { authorization: "Bearer any" }, dispatcher: agent });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const start = "/v1.0/directory/administrativeUnits/delta?$deltatoken=latest";
    const fakeLink = (await get(`${fake.url}${start}`)).body["@odata.deltaLink"] as string;
    // The synthetic tenant's epoch 1 adds user 11 to restricted unit 0; the fake's tenant gets the same.
    tenant.units.get(unitIdOf(N, 0))?.memberIds.push(userIdOf(N, 11));
    const fromFake = await get(fakeLink);
    await agent.close();

    const synthetic = createSyntheticGraph({ shape: "mixed", latency: { medianMs: 0, spread: 0 } });
    const auth = `Bearer bench.${tenantIdOf(N)}`;
    const first = await synthetic.answer("GET", start, auth, "", ORIGIN);
    synthetic.mutate([N]);
    const link = new URL((first.body as Record<string, string>)["@odata.deltaLink"] as string);
    const round = await synthetic.answer("GET", `${link.pathname}${link.search}`, auth, "", ORIGIN);
    expect(round.status).toBe(fromFake.status);
    expect(shape(round.body, ORIGIN)).toEqual(shape(fromFake.body, fake.url));
    expect((round.body as { value: unknown[] }).value).toEqual(fromFake.body.value);
  });
});
