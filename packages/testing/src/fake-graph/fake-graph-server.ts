/**
 * A Graph-faithful fake Microsoft Graph v1.0 server over HTTPS on 127.0.0.1, serving a {@link TenantModel}
 * with Graph's envelopes, paging, errors, `$batch` and throttling, plus faults injected as data. The real
 * Graph adapter is tested end to end against it; where the fake is stricter than Graph's documentation
 * requires, that is on purpose: a fake easier than Graph hides bugs.
 */
import { randomUUID } from "node:crypto";
import { unlink, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TenantModel } from "../tenant-model.js";
import { createTestingError } from "../testing-error.js";
import type { FakeGraphBatchOrder, FakeGraphBatchOuterStatus } from "./graph-batch.js";
import { createFaultBook, type FakeGraphFault, type FakeGraphFaultHandle } from "./graph-faults.js";
import { createGraphPipeline, type FakeGraphThrottle } from "./graph-pipeline.js";
import { MAX_PAGE_SIZE } from "./odata-query.js";
import type { FakeGraphRotationApp } from "./password-reset-policy.js";
import { createRequestLog, type FakeGraphRequestRecord, type FakeGraphStats } from "./request-log.js";
import type { FakeGraphPermissions, RouteSettings } from "./route-context.js";
import { testCertificates } from "./test-certificates.js";

/** Options of {@link startFakeGraphServer}. */
export interface FakeGraphServerOptions {
  /** Largest page of any listing, to force paging (Graph's own limit, 999, is the default). */
  readonly maxPageSize?: number;
  /** `unsupported`: a cloud without `isManagementRestricted`; naming it answers 400. Default `available`. */
  readonly primarySignal?: "available" | "unsupported";
  /** App permissions; everything granted by default. */
  readonly permissions?: FakeGraphPermissions;
  /** Which bearer tokens are valid. Default: any non-empty token. */
  readonly acceptToken?: (token: string) => boolean;
  /** Delay before answering every top-level request. Default 0. */
  readonly latencyMs?: number;
  /** Faults active from the start, applied in order. */
  readonly faults?: readonly FakeGraphFault[];
  /** Tenant-wide request limit (off by default). */
  readonly throttle?: FakeGraphThrottle | undefined;
  /** Order of `$batch` responses; Graph does not keep request order. Default `reversed`. */
  readonly batchResponseOrder?: FakeGraphBatchOrder;
  /**
   * Status of the `$batch` response itself: `ok` (always 200) or `failed-dependency` (424 when any item
   * failed, as Graph's throttling page describes). Default `ok`.
   */
  readonly batchOuterStatus?: FakeGraphBatchOuterStatus;
  /** The clock of `Retry-After` enforcement and the request log (ms since epoch). Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Refuse every OData system query option (`$select`, `$top`, `$filter`, ...) that the route's Microsoft
   * Graph v1.0 page does not name, with Graph's 400 `Request_BadRequest` ("'$top' is not supported by
   * the service."), to find clients that depend on undocumented options. The `$skiptoken`s of the
   * server's own nextLinks are always accepted. Default false: the fake serves every option it models.
   */
  readonly strictQueryOptions?: boolean;
  /**
   * The wording of the 403 that refuses a write to a member of a restricted management administrative
   * unit: `classic` (`RESTRICTED_MANAGEMENT_DENIAL_MESSAGE`) or `learn-more`, the longer text seen in the
   * wild that ends with Microsoft's learn-more link. Microsoft documents neither. Default `classic`.
   */
  readonly restrictedUnitDenialText?: "classic" | "learn-more";
  /**
   * The roles of the app that changes passwords (decision 0015): outside restricted units, an
   * administrator's password needs Privileged Authentication Administrator (or Global Administrator)
   * and anyone else's any password-resetting role; without it Graph answers its plain 403. Default: the
   * app holds Privileged Authentication Administrator tenant-wide.
   */
  readonly rotationApp?: FakeGraphRotationApp;
}

/** Settings that can change while the server runs. */
export type FakeGraphSettings = Pick<
  FakeGraphServerOptions,
  | "maxPageSize"
  | "primarySignal"
  | "permissions"
  | "acceptToken"
  | "latencyMs"
  | "strictQueryOptions"
  | "restrictedUnitDenialText"
  | "rotationApp"
>;

/** A password change the server accepted (never the password). */
export interface FakeGraphPasswordChange {
  readonly userId: string;
  /** Clock time (ms since epoch) of the change. */
  readonly atMs: number;
}

/** A running fake Graph server; dispose it with `await using` or `close()`. */
export interface FakeGraphServer extends AsyncDisposable {
  /** The Graph root, without `/v1.0` (`https://127.0.0.1:PORT`). */
  readonly url: string;
  /** PEM of the CA that signed the server certificate; clients pass it as `ca`. */
  readonly ca: string;
  /** Path of a file holding {@link ca}, for NODE_EXTRA_CA_CERTS in subprocesses; removed on close. */
  readonly caFile: string;
  /** The live tenant: mutate it between cycles and the next request sees the change. */
  readonly tenant: TenantModel;
  /** Every request answered so far, in arrival order (each `$batch` item too). */
  readonly requests: readonly FakeGraphRequestRecord[];
  /** Password changes accepted so far. */
  readonly passwordChanges: readonly FakeGraphPasswordChange[];
  /** Adds a fault after those already active. */
  addFault(fault: FakeGraphFault): FakeGraphFaultHandle;
  /** Removes every fault (and any pending `Retry-After` enforcement). */
  clearFaults(): void;
  /** Changes settings for the following requests. */
  configure(settings: FakeGraphSettings): void;
  /** Empties the request log and the password changes. */
  clearRequests(): void;
  /** Request counts so far. */
  stats(): FakeGraphStats;
  /** Stops the server, drops every connection and removes {@link caFile}. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_PERMISSIONS = {
  userReadAll: true,
  memberReadHidden: true,
  // Microsoft documents no 403 here; field reports show a 200 without the hidden members (decision 0002).
  hiddenUnitBehavior: "empty",
  roleManagementRead: true,
  roleEligibilityRead: true,
  groupMemberRead: true,
} as const satisfies Required<FakeGraphPermissions>;

const DEFAULTS = {
  maxPageSize: MAX_PAGE_SIZE,
  primarySignal: "available",
  permissions: DEFAULT_PERMISSIONS,
  acceptToken: (token: string) => token.length > 0,
  latencyMs: 0,
  faults: [],
  throttle: undefined,
  batchResponseOrder: "reversed",
  batchOuterStatus: "ok",
  clock: Date.now,
  strictQueryOptions: false,
  restrictedUnitDenialText: "classic",
  rotationApp: {},
} as const satisfies Required<FakeGraphServerOptions>;

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function checkSettings(settings: FakeGraphSettings): void {
  const { maxPageSize, latencyMs } = settings;
  if (maxPageSize !== undefined && !(Number.isInteger(maxPageSize) && maxPageSize >= 1)) {
    throw createTestingError(
      "invalid-argument",
      `Fake Graph maxPageSize must be a whole number >= 1, got ${maxPageSize}.`,
    );
  }
  if (latencyMs !== undefined && !(latencyMs >= 0)) {
    throw createTestingError("invalid-argument", `Fake Graph latencyMs must be >= 0, got ${latencyMs}.`);
  }
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * Starts a fake Graph server for a tenant on a random port of 127.0.0.1.
 *
 * @example
 * await using graph = await startFakeGraphServer(tenant, { maxPageSize: 2 });
 * graph.addFault({ match: { route: "users.list", page: 2 }, effect: { kind: "throttled", retryAfterSeconds: 1 }, times: 1 });
 * // point the Graph client at `${graph.url}/v1.0` and trust `graph.ca`
 */
export async function startFakeGraphServer(
  tenant: TenantModel,
  options: FakeGraphServerOptions = {},
): Promise<FakeGraphServer> {
  checkSettings(options);
  const config = { ...DEFAULTS, ...options };
  let settings: RouteSettings = {
    permissions: { ...DEFAULT_PERMISSIONS, ...options.permissions },
    primarySignal: config.primarySignal,
    maxPageSize: config.maxPageSize,
    strictQueryOptions: config.strictQueryOptions,
    restrictedUnitDenialText: config.restrictedUnitDenialText,
    rotationApp: config.rotationApp,
  };
  let acceptToken = config.acceptToken;
  let latencyMs = config.latencyMs;
  const faults = createFaultBook();
  for (const fault of config.faults) faults.add(fault);
  const log = createRequestLog();
  const passwordChanges: FakeGraphPasswordChange[] = [];
  const closing = new AbortController();
  let baseUrl = "";

  const pipeline = createGraphPipeline({
    tenant,
    settings: () => settings,
    faults,
    log,
    clock: config.clock,
    baseUrl: () => baseUrl,
    acceptToken: () => acceptToken,
    latencyMs: () => latencyMs,
    throttle: config.throttle,
    batchOrder: config.batchResponseOrder,
    batchOuterStatus: config.batchOuterStatus,
    signal: closing.signal,
    recordPasswordChange: (userId) => passwordChanges.push({ userId, atMs: config.clock() }),
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    let body: unknown;
    let bodyInvalid = false;
    if (text !== undefined) {
      try {
        body = JSON.parse(text);
      } catch {
        bodyInvalid = true;
      }
    }
    const target = request.url ?? "/";
    const queryStart = target.indexOf("?");
    const rawQuery = queryStart === -1 ? "" : target.slice(queryStart + 1);
    const outcome = await pipeline({
      method: (request.method ?? "GET").toUpperCase(),
      path: queryStart === -1 ? target : target.slice(0, queryStart),
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers: flatHeaders(request),
      body,
      bodyInvalid,
      inBatch: false,
    });
    if (outcome.kind === "reset") {
      request.socket.destroy();
      return;
    }
    const { status, headers, body: json, rawBody } = outcome.response;
    const payload = rawBody ?? (json === undefined ? undefined : JSON.stringify(json));
    response.writeHead(
      status,
      payload === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(payload) },
    );
    response.end(payload);
  }

  const certificates = await testCertificates();
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    { key: certificates.key, cert: certificates.cert },
    (request, response) => {
      serve(request, response).catch(() => {
        // Closing (an aborted latency wait) or a broken request: drop the connection, as a dying server does.
        request.socket.destroy();
      });
    },
  );
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Clients that hang up mid-handshake must not crash the test process.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const caFile = join(tmpdir(), `fake-graph-ca-${randomUUID()}.pem`);
  await writeFile(caFile, certificates.caCert, { mode: 0o600 });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
      await unlink(caFile).catch(() => {});
    })();
    return closed;
  };

  return {
    url: baseUrl,
    ca: certificates.caCert,
    caFile,
    tenant,
    requests: log.records,
    passwordChanges,
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    configure(update) {
      checkSettings(update);
      settings = {
        permissions: { ...settings.permissions, ...update.permissions },
        primarySignal: update.primarySignal ?? settings.primarySignal,
        maxPageSize: update.maxPageSize ?? settings.maxPageSize,
        strictQueryOptions: update.strictQueryOptions ?? settings.strictQueryOptions,
        restrictedUnitDenialText: update.restrictedUnitDenialText ?? settings.restrictedUnitDenialText,
        rotationApp: update.rotationApp ?? settings.rotationApp,
      };
      acceptToken = update.acceptToken ?? acceptToken;
      latencyMs = update.latencyMs ?? latencyMs;
    },
    clearRequests() {
      log.clear();
      passwordChanges.length = 0;
    },
    stats: () => log.stats(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
