import { describe, expect, it } from "vitest";
import { isGraphDirectoryError } from "./errors/graph-directory-error.js";
import { GRAPH_CLOUDS } from "./graph-clouds.js";
import { createGraphDirectory } from "./graph-directory.js";
import { resolveGraphDirectoryOptions } from "./graph-directory-options.js";

const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const tenantId = "00000000-0000-4000-8000-000000000001";

function invalidMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isGraphDirectoryError(error)).toBe(true);
    if (isGraphDirectoryError(error)) {
      expect(error.code).toBe("invalid-options");
      return error.message;
    }
  }
  throw new Error("expected invalid options");
}

describe("clouds", () => {
  it("maps every cloud to its Graph root, authority and scope", () => {
    expect(GRAPH_CLOUDS.global.scope).toBe("https://graph.microsoft.com/.default");
    expect(GRAPH_CLOUDS.usgov.graphRoot).toBe("https://graph.microsoft.us");
    expect(GRAPH_CLOUDS["usgov-dod"].graphRoot).toBe("https://dod-graph.microsoft.us");
    expect(GRAPH_CLOUDS["usgov-dod"].authorityHost).toBe("https://login.microsoftonline.us");
    expect(GRAPH_CLOUDS.china.authorityHost).toBe("https://login.chinacloudapi.cn");
    for (const cloud of Object.values(GRAPH_CLOUDS)) {
      expect(cloud.scope).toBe(`${cloud.graphRoot}/.default`);
    }
  });

  it("takes the token scope from the cloud, never from baseUrl", () => {
    const resolved = resolveGraphDirectoryOptions({
      tenantId,
      credential,
      cloud: "usgov",
      baseUrl: "https://proxy.example.com",
    });
    expect(resolved.root).toBe("https://proxy.example.com");
    expect(resolved.scope).toBe("https://graph.microsoft.us/.default");
    const directory = createGraphDirectory({ tenantId, credential, cloud: "china" });
    expect(directory.graphRoot).toBe("https://microsoftgraph.chinacloudapi.cn");
  });
});

describe("option validation", () => {
  it("rejects http://, user info, paths and garbage in baseUrl, without echoing secrets", () => {
    expect(
      invalidMessage(() =>
        createGraphDirectory({ tenantId, credential, baseUrl: "http://graph.example.com" }),
      ),
    ).toContain("https://");
    const withSecret = invalidMessage(() =>
      createGraphDirectory({ tenantId, credential, baseUrl: "https://user:s3cr3t-value@graph.example.com" }),
    );
    expect(withSecret).toContain("credentials");
    expect(withSecret).not.toContain("s3cr3t-value");
    expect(
      invalidMessage(() =>
        createGraphDirectory({ tenantId, credential, baseUrl: "https://graph.example.com/v1.0" }),
      ),
    ).toContain("/v1.0");
    expect(
      invalidMessage(() => createGraphDirectory({ tenantId, credential, baseUrl: "not a url" })),
    ).toContain("baseUrl");
  });

  it("names the bad value for cloud, tenant, credential, retry and page size", () => {
    expect(
      invalidMessage(() => createGraphDirectory({ tenantId, credential, cloud: "mars" as never })),
    ).toContain('"mars"');
    expect(invalidMessage(() => createGraphDirectory({ tenantId: "", credential }))).toContain("tenantId");
    expect(invalidMessage(() => createGraphDirectory({ tenantId, credential: {} as never }))).toContain(
      "credential",
    );
    expect(
      invalidMessage(() => createGraphDirectory({ tenantId, credential, retry: { maxAttempts: 0 } })),
    ).toContain("retry.maxAttempts");
    expect(invalidMessage(() => createGraphDirectory({ tenantId, credential, pageSize: 1000 }))).toContain(
      "pageSize",
    );
  });

  it("fills in defaults", () => {
    const resolved = resolveGraphDirectoryOptions({ tenantId, credential });
    expect(resolved.cloud).toBe("global");
    expect(resolved.root).toBe("https://graph.microsoft.com");
    expect(resolved.pageSizes).toEqual({ users: 999, units: 100, members: 999 });
    expect(resolved.maxPages).toBe(1000);
  });

  it("validates the page cap", () => {
    expect(invalidMessage(() => createGraphDirectory({ tenantId, credential, maxPages: 0 }))).toContain(
      "maxPages",
    );
    expect(resolveGraphDirectoryOptions({ tenantId, credential, maxPages: 7 }).maxPages).toBe(7);
  });
});
