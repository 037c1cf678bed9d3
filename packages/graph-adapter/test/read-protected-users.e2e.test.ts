import { tenantBuilder } from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";
import { directoryOverFakeGraph } from "./fake-graph-fixture.js";

type UserPage = { value: Array<Record<string, unknown>> };

function tenantWithProtectedUsers() {
  const t = tenantBuilder({ seed: "graph-adapter-protected-users", domain: "contoso.com" });
  const breakGlass = t.users(2, "breakglass");
  const staff = t.users(3, "staff");
  t.unit("Emergency", { restricted: true, members: breakGlass });
  return { tenant: t.build(), breakGlass, staff };
}

describe("readProtectedUsers checks every item against the filter", () => {
  it("selects isManagementRestricted and reads a page of true flags", async () => {
    const fixture = tenantWithProtectedUsers();
    await using graph = await directoryOverFakeGraph(fixture.tenant);
    const read = await graph.directory.readProtectedUsers();
    expect(read).toMatchObject({ primarySignal: "available", complete: true });
    expect(read.users.map((user) => user.id).sort()).toEqual([...fixture.breakGlass].sort());
    const select = graph.server.requests[0]?.query.$select?.split(",") ?? [];
    expect(select).toContain("isManagementRestricted");
  });

  it.each([
    ["false", false],
    ["null", null],
  ] as const)(
    "fails the page as bad-response when an item reads %s (a server that ignored the filter)",
    async (_, flag) => {
      const fixture = tenantWithProtectedUsers();
      await using graph = await directoryOverFakeGraph(fixture.tenant, {
        faults: [
          {
            match: { route: "users.list" },
            effect: {
              kind: "transform-body",
              transform: (body) => {
                const page = body as UserPage;
                page.value.push({ ...page.value[0], id: fixture.staff[0], isManagementRestricted: flag });
                return body;
              },
            },
          },
        ],
      });
      const read = await graph.directory.readProtectedUsers();
      expect(read).toMatchObject({
        primarySignal: "available",
        complete: false,
        users: [],
        failure: { kind: "bad-response" },
      });
      expect(read.failure?.message).toContain(fixture.staff[0]);
    },
  );

  it("fails the page as bad-response when an item lacks isManagementRestricted", async () => {
    const fixture = tenantWithProtectedUsers();
    await using graph = await directoryOverFakeGraph(fixture.tenant, {
      maxPageSize: 1,
      faults: [
        {
          match: { route: "users.list", page: 2 },
          effect: {
            kind: "transform-body",
            transform: (body) => {
              for (const user of (body as UserPage).value) delete user.isManagementRestricted;
              return body;
            },
          },
        },
      ],
    });
    const read = await graph.directory.readProtectedUsers();
    // The first page's evidence is kept; the read is incomplete.
    expect(read).toMatchObject({ complete: false, failure: { kind: "bad-response" } });
    expect(read.users).toHaveLength(1);
  });
});
