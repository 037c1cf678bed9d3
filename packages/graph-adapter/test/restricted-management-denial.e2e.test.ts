import { Client, type Middleware } from "@microsoft/microsoft-graph-client";
import { createGraphDirectory, isRestrictedManagementDenial } from "@rotation-exclusion/graph-adapter";
import { startFakeGraphServer, tenantBuilder } from "@rotation-exclusion/testing";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { countingCredential } from "./fake-graph-fixture.js";

function tenantWithProtectedUser() {
  const t = tenantBuilder({ seed: "graph-adapter-denial", domain: "contoso.com" });
  const protectedUser = t.user("breakglass");
  const staff = t.user("staff");
  t.unit("Emergency", { restricted: true, members: [protectedUser] });
  return { tenant: t.build(), protectedUser, staff };
}

describe("recognizing a rotation denied by a restricted unit, from a real Graph answer", () => {
  it("works on the SDK's GraphError from a password PATCH, and classifyFailure normalizes it", async () => {
    const fixture = tenantWithProtectedUser();
    await using server = await startFakeGraphServer(fixture.tenant);
    const dispatcher = new Agent({ connect: { ca: server.ca } });
    // The host's own rotation call, made with the SDK as a host would.
    const terminal: Middleware = {
      async execute(context) {
        context.response = (await undiciFetch(String(context.request), {
          ...(context.options as object),
          headers: {
            ...(context.options?.headers as Record<string, string>),
            Authorization: "Bearer host-token",
          },
          dispatcher,
        } as Parameters<typeof undiciFetch>[1])) as unknown as Response;
      },
    };
    const client = Client.initWithMiddleware({ middleware: terminal, baseUrl: server.url });
    const patch = (id: string) =>
      client
        .api(`/users/${id}`)
        .patch({ passwordProfile: { password: "N3w-Passw0rd!", forceChangePasswordNextSignIn: false } });

    const denial = await patch(fixture.protectedUser).catch((error: unknown) => error);
    expect(isRestrictedManagementDenial(denial)).toBe(true);
    const directory = createGraphDirectory({
      tenantId: fixture.tenant.tenantId,
      credential: countingCredential(),
      baseUrl: server.url,
      ca: server.ca,
    });
    expect(directory.classifyFailure(denial)).toMatchObject({
      status: 403,
      code: "Authorization_RequestDenied",
    });
    expect(directory.classifyFailure(denial)?.message).toContain("restricted management administrative unit");

    // The same user, now only missing a role: a plain Authorization_RequestDenied is not a unit denial.
    server.addFault({ match: { route: "users.patch" }, effect: { kind: "error", status: 403 } });
    const plain = await patch(fixture.staff).catch((error: unknown) => error);
    expect(directory.classifyFailure(plain)).toMatchObject({
      status: 403,
      code: "Authorization_RequestDenied",
    });
    expect(isRestrictedManagementDenial(plain)).toBe(false);
    await dispatcher.close();
  });

  it("uses an injected fetch for every request", async () => {
    const fixture = tenantWithProtectedUser();
    await using server = await startFakeGraphServer(fixture.tenant);
    const dispatcher = new Agent({ connect: { ca: server.ca } });
    const seen: string[] = [];
    const directory = createGraphDirectory({
      tenantId: fixture.tenant.tenantId,
      credential: countingCredential(),
      baseUrl: server.url,
      fetch: ((input: string, init?: RequestInit) => {
        seen.push(input);
        return undiciFetch(input, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]);
      }) as unknown as typeof fetch,
    });
    const read = await directory.readProtectedUsers();
    expect(read.users.map((user) => user.id)).toEqual([fixture.protectedUser]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(new RegExp(`^${server.url}/v1\\.0/users\\?\\$filter=`));
    await dispatcher.close();
  });
});
