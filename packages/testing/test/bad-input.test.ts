/**
 * Hostile input to the testing kit's public functions: each is refused with a TestingError whose code
 * is fixed and whose message names the bad value (never credentials), before anything starts.
 */

import {
  createInMemoryAccountStore,
  createRotationEngine,
  isTestingError,
  managedAccountsFor,
  startFakeGraphServer,
  tenantBuilder,
} from "@rotation-exclusion/testing";
import { describe, expect, it } from "vitest";

async function refusal(run: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (!isTestingError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error("expected a TestingError, but the call succeeded");
}

const credential = { getToken: async () => ({ token: "t" }) };
const accounts = createInMemoryAccountStore();

describe("hostile testing-kit input", () => {
  it.each([
    ["not a url", /graphBaseUrl must be an absolute URL \(got "not a url"\)/],
    ["http://127.0.0.1:1", /graphBaseUrl must use https:\/\/ \(got "http:\/\/127.0.0.1:1"\)/],
    ["file:///etc/passwd", /must use https:\/\/ \(got "file:\/\/\/etc\/passwd"\)/],
  ])("a rotation engine on %j is refused naming it", async (graphBaseUrl, message) => {
    const error = await refusal(() => createRotationEngine({ graphBaseUrl, credential, accounts }));
    expect(error).toMatchObject({ code: "invalid-argument" });
    expect(error.message).toMatch(message);
  });

  it("a rotation engine on a URL with credentials is refused without repeating them", async () => {
    const error = await refusal(() =>
      createRotationEngine({
        graphBaseUrl: "https://admin:hunter2-SECRET@127.0.0.1:1",
        credential,
        accounts,
      }),
    );
    expect(error.message).toMatch(/must not contain credentials/);
    expect(error.message).not.toContain("hunter2-SECRET");
  });

  it.each([
    [{ maxPageSize: 0 }, /maxPageSize must be a whole number >= 1, got 0/],
    [{ maxPageSize: -3 }, /got -3/],
    [{ maxPageSize: 2.5 }, /got 2.5/],
    [{ maxPageSize: Number.NaN }, /got NaN/],
    [{ latencyMs: -1 }, /latencyMs must be >= 0, got -1/],
    [{ latencyMs: Number.NaN }, /latencyMs must be >= 0, got NaN/],
  ])("a fake Graph server with %j is refused before it listens", async (options, message) => {
    const tenant = tenantBuilder({ seed: "bad-input" }).build();
    const error = await refusal(() => startFakeGraphServer(tenant, options));
    expect(error).toMatchObject({ code: "invalid-argument" });
    expect(error.message).toMatch(message);
  });

  it("a fault that applies a negative or NaN number of times is refused", async () => {
    const tenant = tenantBuilder({ seed: "bad-input" }).build();
    await using server = await startFakeGraphServer(tenant);
    for (const times of [-1, Number.NaN]) {
      const error = await refusal(() => server.addFault({ effect: { kind: "reset" }, times }));
      expect(error.message).toMatch(new RegExp(`times must be 0 or more, got ${times}`));
    }
  });

  it("accounts for unknown users, and two accounts with one key, are refused naming them", async () => {
    const t = tenantBuilder({ seed: "bad-input" });
    const alice = t.user("alice");
    const tenant = t.build();
    const ghost = "00000000-0000-4000-8000-00000000dead";
    const unknown = await refusal(() => managedAccountsFor(tenant, [alice, ghost]));
    expect(unknown).toMatchObject({ code: "unknown-reference" });
    expect(unknown.message).toContain(ghost);
    const twice = await refusal(() =>
      createInMemoryAccountStore([
        { key: "alice", objectId: alice, autoRotate: true },
        { key: "alice", objectId: ghost, autoRotate: true },
      ]),
    );
    expect(twice).toMatchObject({ code: "duplicate-object" });
    expect(twice.message).toContain("alice");
  });

  it("a unit member that does not exist is refused naming it", async () => {
    const t = tenantBuilder({ seed: "bad-input" });
    const error = await refusal(() => t.unit("Tier 0", { restricted: true, members: ["' or 1 eq 1"] }));
    expect(error.message).toContain("' or 1 eq 1");
  });
});
