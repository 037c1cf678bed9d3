import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_PAGES, readAllPages } from "./graph-paging.js";
import type { GraphCall, RequestRunner } from "./graph-request-runner.js";

// An in-process runner whose every page is empty and links to a fresh page: a listing that never ends.
function endlessRunner(): RequestRunner & { readonly calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    async run<T>(call: GraphCall<T>): Promise<T> {
      calls += 1;
      return call.accept({
        status: 200,
        headers: new Headers(),
        json: { value: [], "@odata.nextLink": `https://graph.example/v1.0/users?$skiptoken=${calls}` },
      });
    },
  };
}

describe("readAllPages", () => {
  it("stops an endless listing of fresh skiptokens and empty pages at the default page cap", async () => {
    const runner = endlessRunner();
    const result = await readAllPages(runner, {
      firstUrl: "https://graph.example/v1.0/users",
      route: "GET /users",
      what: "Listing users",
      tenantId: "contoso.com",
      onPage: () => {},
    });
    expect(DEFAULT_MAX_PAGES).toBe(1000);
    expect(runner.calls()).toBe(DEFAULT_MAX_PAGES);
    expect(result.pagesRead).toBe(DEFAULT_MAX_PAGES);
    expect(result.error?.code).toBe("bad-response");
    expect(result.error?.message).toContain("1000 pages");
  });

  it("reads exactly maxPages pages when the listing ends on the last one", async () => {
    let calls = 0;
    const runner: RequestRunner = {
      async run<T>(call: GraphCall<T>): Promise<T> {
        calls += 1;
        const next = calls < 3 ? `https://graph.example/v1.0/users?$skiptoken=${calls}` : undefined;
        return call.accept({
          status: 200,
          headers: new Headers(),
          json: { value: [calls], ...(next ? { "@odata.nextLink": next } : {}) },
        });
      },
    };
    const seen: unknown[] = [];
    const result = await readAllPages(runner, {
      firstUrl: "https://graph.example/v1.0/users",
      route: "GET /users",
      what: "Listing users",
      tenantId: "contoso.com",
      maxPages: 3,
      onPage: (items) => seen.push(...items),
    });
    expect(result).toEqual({ pagesRead: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });
});
