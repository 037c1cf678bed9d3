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
import {
  createAppLimiter,
  createGraphPipeline,
  type FakeGraphAppLimit,
  type FakeGraphThrottle,
  type PipelineOutcome,
} from "./graph-pipeline.js";
import { errorResponse, responseStamp } from "./graph-response.js";
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
  /**
   * `false`: a cloud whose v1.0 schema declares no `delta` bound to administrative units (China, USNat,
   * USSec in microsoftgraph/msgraph-metadata): `GET /directory/administrativeUnits/delta` answers 400.
   * Default `true` (docs/decisions/0016).
   */
  readonly unitChangeTracking?: boolean;
  /** App permissions; everything granted by default. */
  readonly permissions?: FakeGraphPermissions;
  /** Which bearer tokens are valid. Default: any non-empty token. */
  readonly acceptToken?: (token: string) => boolean;
  /** Delay before answering every top-level request. Default 0. */
  readonly latencyMs?: number;
  /** Faults active from the start, applied in order. */
  readonly faults?: readonly FakeGraphFault[];
  /** Tenant-wide request limit (off by default); with {@link tenants}, each tenant has its own. */
  readonly throttle?: FakeGraphThrottle | undefined;
  /**
   * The app's limit across every tenant and token of the server, a token bucket (off by default): past
   * it the server answers 429 with `x-ms-throttle-scope: Application/…`, whichever tenant asks.
   */
  readonly appLimit?: FakeGraphAppLimit | undefined;
  /**
   * More tenants, served by the same server as one multi-tenant app sees Graph: a request is answered by
   * the tenant its bearer token names in the `tid` claim of a JWT (see `fakeGraphToken`); a token
   * without one is answered by the first tenant, one naming a tenant the server does not hold gets 401.
   */
  readonly tenants?: readonly TenantModel[];
  /** The 127.0.0.1 port to listen on. Default 0: a free port the system picks. */
  readonly port?: number;
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
  | "unitChangeTracking"
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
  /** Every tenant served, by lower-case tenant id (the first one and {@link FakeGraphServerOptions.tenants}). */
  readonly tenants: ReadonlyMap<string, TenantModel>;
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
  unitChangeTracking: true,
  permissions: DEFAULT_PERMISSIONS,
  acceptToken: (token: string) => token.length > 0,
  latencyMs: 0,
  faults: [],
  throttle: undefined,
  appLimit: undefined,
  tenants: [],
  port: 0,
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
    unitChangeTracking: config.unitChangeTracking,
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

  const { appLimit } = config;
  if (appLimit !== undefined && !(appLimit.requests >= 1 && appLimit.windowMs > 0)) {
    throw createTestingError(
      "invalid-argument",
      `Fake Graph appLimit needs requests >= 1 and windowMs > 0, got ${appLimit.requests} per ${appLimit.windowMs} ms.`,
    );
  }
  const appLimiter = appLimit === undefined ? undefined : createAppLimiter(appLimit);
  const tenants = new Map<string, TenantModel>();
  for (const served of [tenant, ...config.tenants]) tenants.set(served.tenantId.toLowerCase(), served);
  // One pipeline per tenant, made on its first request: each has its own page tokens and tenant limit.
  const pipelines = new Map<string, ReturnType<typeof createGraphPipeline>>();
  const pipelineOf = (served: TenantModel) => {
    const key = served.tenantId.toLowerCase();
    let pipeline = pipelines.get(key);
    if (pipeline === undefined) {
      pipeline = createGraphPipeline({
        tenant: served,
        settings: () => settings,
        faults,
        log,
        clock: config.clock,
        baseUrl: () => baseUrl,
        acceptToken: () => acceptToken,
        latencyMs: () => latencyMs,
        throttle: config.throttle,
        appLimiter,
        batchOrder: config.batchResponseOrder,
        batchOuterStatus: config.batchOuterStatus,
        signal: closing.signal,
        recordPasswordChange: (userId) => passwordChanges.push({ userId, atMs: config.clock() }),
      });
      pipelines.set(key, pipeline);
    }
    return pipeline;
  };

  // The tenant a request is for: Graph reads it from the token's `tid` claim.
  function route(headers: Readonly<Record<string, string>>): TenantModel | undefined {
    const token = /^Bearer\s+(\S+)/i.exec(headers.authorization ?? "")?.[1];
    const tid = token === undefined ? undefined : tenantIdClaim(token);
    return tid === undefined ? tenant : tenants.get(tid.toLowerCase());
  }

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
    const headers = flatHeaders(request);
    const served = route(headers);
    if (served === undefined) {
      const {
        status,
        headers: answered,
        body: json,
      } = errorResponse(
        responseStamp(headers["client-request-id"], config.clock()),
        401,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
      );
      const payload = JSON.stringify(json);
      response.writeHead(status, { ...answered, "content-length": Buffer.byteLength(payload) });
      response.end(payload);
      return;
    }
    const outcome: PipelineOutcome = await pipelineOf(served)({
      method: (request.method ?? "GET").toUpperCase(),
      path: queryStart === -1 ? target : target.slice(0, queryStart),
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers,
      body,
      bodyInvalid,
      inBatch: false,
    });
    if (outcome.kind === "reset") {
      request.socket.destroy();
      return;
    }
    const { status, headers: answered, body: json, rawBody } = outcome.response;
    const payload = rawBody ?? (json === undefined ? undefined : JSON.stringify(json));
    response.writeHead(
      status,
      payload === undefined ? answered : { ...answered, "content-length": Buffer.byteLength(payload) },
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
    server.listen(options.port ?? DEFAULTS.port, "127.0.0.1", () => {
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
    tenants,
    requests: log.records,
    passwordChanges,
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    configure(update) {
      checkSettings(update);
      settings = {
        permissions: { ...settings.permissions, ...update.permissions },
        primarySignal: update.primarySignal ?? settings.primarySignal,
        unitChangeTracking: update.unitChangeTracking ?? settings.unitChangeTracking,
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

/** The `tid` claim of a JWT-shaped bearer token, or `undefined` (an opaque token, or no such claim). */
function tenantIdClaim(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const tid = (claims as { tid?: unknown } | null)?.tid;
    return typeof tid === "string" ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JWT-shaped, unsigned access token for the fake server naming a tenant (`tid`) and the app's roles
 * (the Graph adapter reads `roles` to know whether Member.Read.Hidden is granted): what a credential of
 * a multi-tenant test hands the adapter. Only the fake server accepts it.
 *
 * @example
 * const credential = { getToken: async () => ({ token: fakeGraphToken(tenantId), expiresOnTimestamp: Date.now() + 3_600_000 }) };
 */
export function fakeGraphToken(
  tenantId: string,
  roles: readonly string[] = ["User.Read.All", "AdministrativeUnit.Read.All", "Member.Read.Hidden"],
): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ tid: tenantId, roles, aud: "https://graph.microsoft.com" })}.`;
}
