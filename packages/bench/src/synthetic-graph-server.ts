/**
 * `pnpm bench`'s fake Graph server: the synthetic Graph (synthetic-graph.ts) over HTTPS, in its own
 * process so that the client's CPU and memory figures are the client's. The orchestrator talks to it
 * over IPC: `reset` (counters, and with `buckets` the throttle state), `stats`, `mutate`, `stop`.
 * Environment: BENCH_LATENCY_MS (median, default 50), BENCH_LATENCY_SPREAD (log-normal sigma, default 0),
 * BENCH_SHAPE (`large` or `mixed`), BENCH_RESTRICTED_UNITS (restricted units per tenant, default 2).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { createSyntheticGraph } from "./synthetic-graph.js";
import type { TenantShape } from "./synthetic-tenants.js";

const graph = createSyntheticGraph({
  shape: (process.env.BENCH_SHAPE ?? "large") as TenantShape,
  restrictedUnits: Number(process.env.BENCH_RESTRICTED_UNITS ?? 2),
  latency: {
    medianMs: Number(process.env.BENCH_LATENCY_MS ?? 50),
    spread: Number(process.env.BENCH_LATENCY_SPREAD ?? 0),
  },
});

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
  const method = (request.method ?? "GET").toUpperCase();
  const answer = await graph.answer(method, request.url ?? "/", request.headers.authorization, text, origin);
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
  process.on("message", (message: { type: string; buckets?: boolean; tenants?: number[] }) => {
    if (message.type === "reset") {
      graph.reset(message.buckets !== false);
      process.send?.({ type: "reset-done" });
    } else if (message.type === "stats") process.send?.({ type: "stats", ...graph.counters() });
    else if (message.type === "mutate") {
      graph.mutate(message.tenants ?? []);
      process.send?.({ type: "mutate-done" });
    } else if (message.type === "stop") server.close(() => process.exit(0));
  });
  process.send?.({ type: "ready", url: origin, ca: ca.cert });
}

void main();
