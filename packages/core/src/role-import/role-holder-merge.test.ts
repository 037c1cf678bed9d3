import { describe, expect, test } from "vitest";
import type { RoleHoldersRead } from "../ports/directory-reader.js";
import { mergeRoleHolders, scopeOf } from "./role-holder-merge.js";

const USER = {
  id: "AAAAAAAA-0000-4000-8000-000000000001",
  userPrincipalName: "a@contoso.test",
  displayName: "A",
};

function read(roleId: string, users: RoleHoldersRead["users"], others: RoleHoldersRead["others"] = []) {
  return { role: { id: roleId, displayName: roleId }, users, others, complete: true, failures: [] };
}

describe("scopeOf", () => {
  test.each([
    ["/", { scope: "tenant", unitId: null }],
    ["/administrativeUnits/ABC-1", { scope: "administrativeUnit", unitId: "abc-1" }],
    ["/administrativeunits/abc-1", { scope: "administrativeUnit", unitId: "abc-1" }],
    ["/administrativeUnits/abc/extra", { scope: "other", unitId: null }],
    ["/0c1d2e3f-0000-4000-8000-000000000009", { scope: "other", unitId: null }],
    ["", { scope: "other", unitId: null }],
  ])("%s", (directoryScopeId, expected) => {
    expect(scopeOf(directoryScopeId)).toEqual(expected);
  });
});

describe("mergeRoleHolders", () => {
  test("one entry per user (ids compared case-insensitively), one path per distinct assignment", () => {
    const direct = {
      user: USER,
      kind: "active",
      via: null,
      directoryScopeId: "/",
      assignmentId: "a1",
    } as const;
    const viaGroup = { ...direct, via: { groupId: "g1", groupDisplayName: "G" }, assignmentId: "a2" };
    const lower = { ...direct, user: { ...USER, id: USER.id.toLowerCase() } };
    const merged = mergeRoleHolders([
      read("r1", [direct, viaGroup]),
      read("r1", [lower]), // the same role read again: the same assignment is one path
      read("r2", [{ ...direct, kind: "eligible", assignmentId: "e1" }]),
      { role: null, users: [direct], others: [], complete: false, failures: [] },
    ]);
    expect(merged.users).toHaveLength(1);
    expect(merged.users[0]?.objectId).toBe(USER.id);
    expect(
      merged.users[0]?.paths.map((p) => [p.roleId, p.kind, p.assignmentId, p.via?.groupId ?? null]),
    ).toEqual([
      ["r1", "active", "a1", null],
      ["r1", "active", "a2", "g1"],
      ["r2", "eligible", "e1", null],
    ]);
  });

  test("other principals are merged apart and never become users", () => {
    const sp = {
      principalId: "sp1",
      principalType: "servicePrincipal",
      displayName: "Automation",
      kind: "active",
      directoryScopeId: "/administrativeUnits/u1",
      assignmentId: "s1",
    } as const;
    const merged = mergeRoleHolders([read("r1", [], [sp]), read("r2", [], [{ ...sp, assignmentId: "s2" }])]);
    expect(merged.users).toEqual([]);
    expect(merged.others).toEqual([
      {
        principalId: "sp1",
        principalType: "servicePrincipal",
        displayName: "Automation",
        paths: [
          expect.objectContaining({ roleId: "r1", scope: "administrativeUnit", unitId: "u1", via: null }),
          expect.objectContaining({ roleId: "r2", assignmentId: "s2" }),
        ],
      },
    ]);
  });
});
