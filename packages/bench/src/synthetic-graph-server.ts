/**
 * A multi-tenant fake Microsoft Graph for the benchmark, run in its own process (so the client's CPU
 * and memory figures are its own). The tenant is the one named by the bearer token (`bench.<tenantId>`);
 * tenants are computed, never stored (see synthetic-tenants.ts). It serves the routes the strategies
 * use with Graph's envelopes and errors, adds a fixed latency to every top-level request, and enforces
 * Graph's documented identity limits as token buckets, answering 429 with a decimal `Retry-After`:
 * 8,000 resource units per 10 s per app and (large) tenant, 150,000 per 20 s per app, 3,000 writes per
 * 150 s per app and tenant, 35,000 writes per 5 min per app, 2,000 requests per second per app.
 * Costs follow the documented table (`requestCost`, shared with the adapter's client-side budget).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { IDENTITY_THROTTLE_LIMITS, type RequestCost, requestCost } from "@rotation-exclusion/graph-adapter";
import { generate } from "selfsigned";
import {
  isProtectedUser,
  parseUser,
  protectedUsers,
  RESTRICTED_UNITS,
  restrictedUnitOf,
  tenantIndexOf,
  UNITS_PER_TENANT,
  unitIdOf,
  upnOf,
  userIdOf,
} from "./synthetic-tenants.js";

const DENIAL =
  "Insufficient privileges to complete the operation. Target object is a member of a restricted management " +
  "administrative unit and can only be modified by administrators scoped to that administrative unit.";

interface Bucket {
  tokens: number;
  atMs: number;
  readonly capacity: number;
  readonly perMs: number;
}
const bucket = (capacity: number, windowMs: number): Bucket => ({
  tokens: capacity,
  atMs: performance.now(),
  capacity,
  perMs: capacity / windowMs,
});
function refill(b: Bucket, now: number): void {
  b.tokens = Math.min(b.capacity, b.tokens + (now - b.atMs) * b.perMs);
  b.atMs = now;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const L = IDENTITY_THROTTLE_LIMITS;
let appUnits = bucket(L.appResourceUnits, L.appWindowMs);
let appWrites = bucket(L.appWrites, L.appWriteWindowMs);
let appRequests = bucket(L.appRequests, L.appRequestWindowMs);
let tenantBuckets = new Map<number, { units: Bucket; writes: Bucket }>();
const counters = { requests: 0, items: 0, throttled: 0, writes: 0 };
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);

function reset(): void {
  appUnits = bucket(L.appResourceUnits, L.appWindowMs);
  appWrites = bucket(L.appWrites, L.appWriteWindowMs);
  appRequests = bucket(L.appRequests, L.appRequestWindowMs);
  tenantBuckets = new Map();
  Object.assign(counters, { requests: 0, items: 0, throttled: 0, writes: 0 });
}

/** Takes the cost from every bucket, or answers how many seconds to wait (nothing taken). */
function admit(tenant: number, cost: RequestCost): number | undefined {
  const now = performance.now();
  let t = tenantBuckets.get(tenant);
  if (t === undefined) {
    t = {
      units: bucket(L.tenantResourceUnits.large, L.tenantWindowMs),
      writes: bucket(L.tenantWrites, L.tenantWriteWindowMs),
    };
    tenantBuckets.set(tenant, t);
  }
  const needs: [Bucket, number][] = [
    [t.units, cost.resourceUnits],
    [appUnits, cost.resourceUnits],
    [appRequests, 1],
  ];
  if (cost.writes > 0) needs.push([t.writes, cost.writes], [appWrites, cost.writes]);
  let waitMs = 0;
  for (const [b, n] of needs) {
    refill(b, now);
    if (b.tokens < n) waitMs = Math.max(waitMs, (n - b.tokens) / b.perMs);
  }
  if (waitMs > 0) return Math.max(0.001, waitMs / 1000);
  for (const [b, n] of needs) b.tokens -= n;
  return undefined;
}

function error(status: number, code: string, message: string, extra: Record<string, string> = {}): Answer {
  const requestId = randomUUID();
  return {
    status,
    headers: { "content-type": "application/json", "request-id": requestId, ...extra },
    body: {
      error: { code, message, innerError: { date: new Date().toISOString(), "request-id": requestId } },
    },
  };
}

const ok = (body: unknown, status = 200): Answer => ({
  status,
  headers: { "content-type": "application/json;odata.metadata=minimal", "request-id": randomUUID() },
  body,
});

function page<T>(
  origin: string,
  path: string,
  query: URLSearchParams,
  items: readonly T[],
  map: (item: T) => unknown,
) {
  const top = Math.min(999, Number(query.get("$top") ?? 100) || 100);
  const skip = Number(query.get("$skiptoken") ?? 0) || 0;
  const value = items.slice(skip, skip + top).map(map);
  const body: Record<string, unknown> = { "@odata.context": `${origin}/v1.0/$metadata#${path}`, value };
  if (skip + top < items.length) {
    const next = new URLSearchParams(query);
    next.set("$skiptoken", String(skip + top));
    body["@odata.nextLink"] = `${origin}/v1.0/${path}?${next.toString()}`;
  }
  return ok(body);
}

const PROTECTED = protectedUsers();

/** One request (top level or a `$batch` item) for a tenant, throttling included. */
function route(tenant: number, method: string, target: string, origin: string): Answer {
  const url = new URL(target, origin);
  const path = url.pathname.replace(/^\/v1\.0/, "");
  const q = url.searchParams;
  counters.items += 1;
  const wait = admit(tenant, requestCost(method, target));
  if (wait !== undefined) {
    counters.throttled += 1;
    return error(429, "TooManyRequests", "Please retry again later.", { "retry-after": wait.toFixed(3) });
  }
  const user = /^\/users\/([^/]+)$/.exec(path);
  if (method === "GET" && path === "/users") {
    if (q.get("$filter") !== "isManagementRestricted eq true")
      return error(400, "BadRequest", "Unsupported filter.");
    return page(origin, "users", q, PROTECTED, (i) => ({
      id: userIdOf(tenant, i),
      userPrincipalName: upnOf(tenant, i),
      displayName: `User ${i}`,
    }));
  }
  if (user !== null) {
    const parsed = parseUser(decodeURIComponent(user[1] as string));
    if (parsed === undefined || parsed.tenant !== tenant)
      return error(404, "Request_ResourceNotFound", "Resource not found.");
    if (method === "PATCH") {
      counters.writes += 1;
      if (isProtectedUser(parsed.user)) return error(403, "Authorization_RequestDenied", DENIAL);
      return { status: 204, headers: { "request-id": randomUUID() } };
    }
    return ok({
      "@odata.context": `${origin}/v1.0/$metadata#users/$entity`,
      id: userIdOf(tenant, parsed.user),
      userPrincipalName: upnOf(tenant, parsed.user),
      displayName: `User ${parsed.user}`,
      isManagementRestricted: isProtectedUser(parsed.user) ? true : null,
    });
  }
  if (method === "GET" && path === "/directory/administrativeUnits") {
    const units = Array.from({ length: UNITS_PER_TENANT }, (_, u) => u);
    return page(origin, "directory/administrativeUnits", q, units, (u) => ({
      id: unitIdOf(tenant, u),
      displayName: u < RESTRICTED_UNITS ? `Restricted ${u}` : `Region ${u}`,
      isMemberManagementRestricted: u < RESTRICTED_UNITS ? true : null,
      membershipType: "Assigned",
      visibility: "Public",
    }));
  }
  const members = /^\/directory\/administrativeUnits\/([^/]+)\/members$/.exec(path);
  if (method === "GET" && members !== null) {
    const u = Number.parseInt((members[1] as string).slice(-12), 16);
    const ids = u < RESTRICTED_UNITS ? PROTECTED.filter((i) => restrictedUnitOf(i) === u) : [];
    return page(origin, `directory/administrativeUnits/${members[1]}/members`, q, ids, (i) => ({
      "@odata.type": "#microsoft.graph.user",
      id: userIdOf(tenant, i),
    }));
  }
  return error(400, "BadRequest", `Resource not found for the segment '${path}'.`);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

async function serve(origin: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const text = await readBody(request);
  counters.requests += 1;
  await delay(latencyMs);
  const token = /^Bearer bench\.(\S+)$/.exec(request.headers.authorization ?? "")?.[1];
  const tenant = token === undefined ? -1 : tenantIndexOf(token);
  const method = (request.method ?? "GET").toUpperCase();
  let answer: Answer;
  if (tenant < 0) answer = error(401, "InvalidAuthenticationToken", "Access token validation failure.");
  else if (method === "POST" && request.url === "/v1.0/$batch") {
    const { requests = [] } = JSON.parse(text) as {
      requests?: { id: string; method: string; url: string }[];
    };
    const responses = requests.map((item) => {
      const a = route(
        tenant,
        item.method.toUpperCase(),
        `/v1.0${item.url.startsWith("/") ? "" : "/"}${item.url}`,
        origin,
      );
      return { id: item.id, status: a.status, headers: a.headers, body: a.body };
    });
    answer = ok({ responses: responses.reverse() });
  } else answer = route(tenant, method, request.url ?? "/", origin);
  const payload = answer.body === undefined ? undefined : JSON.stringify(answer.body);
  response.writeHead(answer.status, answer.headers);
  response.end(payload);
}

async function main(): Promise<void> {
  const ca = await generate([{ name: "commonName", value: "bench CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  let origin = "";
  const server = createServer(
    { key: leaf.private, cert: leaf.cert, keepAliveTimeout: 60_000 },
    (req, res) => {
      serve(origin, req, res).catch(() => req.socket.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.on("message", (message: { type: string }) => {
    if (message.type === "reset") {
      reset();
      process.send?.({ type: "reset-done" });
    } else if (message.type === "stats") process.send?.({ type: "stats", ...counters });
    else if (message.type === "stop") server.close(() => process.exit(0));
  });
  process.send?.({ type: "ready", url: origin, ca: ca.cert });
}

void main();
