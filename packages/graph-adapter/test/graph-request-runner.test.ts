/** The request runner's hold on the caller's signal: it follows it while a call runs, never after. */
import { getEventListeners } from "node:events";
import { createGraphDirectory } from "@rotation-exclusion/graph-adapter";
import { startFakeGraphServer, tenantBuilder } from "@rotation-exclusion/testing";
import { Agent, fetch as undiciFetch } from "undici";
import { expect, it } from "vitest";
import { countingCredential, FAST_RETRY } from "./fake-graph-fixture.js";

it("a settled call no longer follows a long-lived caller signal (nothing retained, nothing told later)", async () => {
  const t = tenantBuilder({ seed: "graph-adapter-runner-signal", domain: "contoso.com" });
  const protectedUsers = t.users(3, "breakglass");
  t.unit("Emergency", { restricted: true, members: protectedUsers });
  const tenant = t.build();
  await using server = await startFakeGraphServer(tenant, {
    maxPageSize: 1,
    // One retry, so the retry delay's wait is covered too.
    faults: [
      {
        match: { route: "users.list", page: 2 },
        effect: { kind: "throttled", retryAfterSeconds: 0.01, retryAfterFormat: "decimal-seconds" },
        times: 1,
      },
    ],
  });
  const dispatcher = new Agent({ connect: { ca: server.ca } });
  const seen: AbortSignal[] = [];
  // Like undici's own Request, this fetch keeps an abort listener on the signal it was given.
  const fetch = ((url: string, init: RequestInit) => {
    const signal = init.signal as AbortSignal;
    seen.push(signal);
    signal.addEventListener("abort", () => {});
    return undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]);
  }) as unknown as typeof globalThis.fetch;
  const directory = createGraphDirectory({
    tenantId: tenant.tenantId,
    credential: countingCredential(["Member.Read.Hidden"]),
    baseUrl: server.url,
    fetch,
    retry: FAST_RETRY,
  });
  const host = new AbortController();
  try {
    const read = await directory.readProtectedUsers({ signal: host.signal });
    expect(read).toMatchObject({ complete: true });
    await directory.checkUsers([{ id: protectedUsers[0] as string }], { signal: host.signal });
    expect(directory.stats()).toMatchObject({ retries: 1 });
    expect(getEventListeners(host.signal, "abort")).toHaveLength(0);
    // The host shuts down long after: no signal a finished request was sent with follows it.
    host.abort(new Error("host shutdown"));
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.filter((signal) => signal.aborted)).toEqual([]);
  } finally {
    await dispatcher.close();
  }
});
