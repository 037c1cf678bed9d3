/**
 * A look at a pre-acquired token (GRAPH_ACCESS_TOKEN) before the first request: a token for another
 * tenant, an expired one, or one for another resource (Azure Resource Manager, say) is refused with a
 * usage error (exit 2) instead of producing a report labelled with --tenant-id. The claims are read, not
 * verified: Graph verifies the signature; this check only stops an obvious mix-up early
 * (docs/decisions/0023-checking-what-the-cli-prints-and-sends.md). Claims: `tid`, `aud`, `exp`, `nbf`, per
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference.
 */
import { describeValue } from "@rotation-exclusion/core/internal";
import { GRAPH_CLOUDS, type GraphCloud } from "@rotation-exclusion/graph-adapter";
import { createCliError } from "./cli-error.js";

/** Microsoft Graph's application id: the `aud` of v1.0 tokens requested by app id. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

// Clocks of this machine and Entra differ; Microsoft's libraries allow five minutes.
const CLOCK_SKEW_MS = 5 * 60_000;

/** What the check could tell. A readable token that fails a check is an error instead. */
export type AccessTokenCheck =
  | { readonly readable: true; readonly expiresAtMs: number | undefined }
  | { readonly readable: false; readonly warning: string };

/** Options of {@link checkAccessToken}. */
export interface AccessTokenCheckOptions {
  readonly tenantId: string;
  readonly cloud: GraphCloud;
  /** Where the token came from, for messages. Default `GRAPH_ACCESS_TOKEN`. */
  readonly source?: string;
  /** Default `Date.now()`. */
  readonly nowMs?: number;
}

function readClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  // JWS compact form: header.payload.signature. A JWE (5 parts) or anything else cannot be read here.
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The audiences a Graph token of `cloud` may carry: the root with or without `/`, or Graph's app id. */
export function graphAudiences(cloud: GraphCloud): readonly string[] {
  const root = GRAPH_CLOUDS[cloud].graphRoot;
  return [root, `${root}/`, GRAPH_APP_ID];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Checks the token's tenant, audience and validity period. Throws a usage CliError naming the claim,
 * its value and what to do; never the token. An unreadable (opaque) token is not guessed at: the result
 * carries a warning for the caller to print.
 *
 * @example
 * const check = checkAccessToken(token, { tenantId, cloud: "global" });
 * if (!check.readable) warn(check.warning);
 */
export function checkAccessToken(token: string, options: AccessTokenCheckOptions): AccessTokenCheck {
  const source = options.source ?? "GRAPH_ACCESS_TOKEN";
  const nowMs = options.nowMs ?? Date.now();
  const claims = readClaims(token.trim());
  if (claims === undefined) {
    return {
      readable: false,
      warning: `${source} is not a readable JWT, so its tenant, audience and expiry cannot be checked before use; Microsoft Graph will accept or refuse it.`,
    };
  }
  const refuse = (message: string): never => {
    throw createCliError("usage", `${source} ${message}`);
  };
  const { tid, aud, exp, nbf } = claims;
  if (typeof tid !== "string" || tid.toLowerCase() !== options.tenantId.toLowerCase()) {
    refuse(
      `is for tenant ${describeValue(tid ?? "(no tid claim)")}, not --tenant-id ${options.tenantId}; get a token for tenant ${options.tenantId}.`,
    );
  }
  const audiences = graphAudiences(options.cloud);
  const audList = Array.isArray(aud) ? aud : [aud];
  if (!audList.some((value) => typeof value === "string" && audiences.includes(value))) {
    refuse(
      `is for audience ${describeValue(Array.isArray(aud) ? aud.join(" ") : (aud ?? "(no aud claim)"))}, not Microsoft Graph of cloud ${options.cloud} (${GRAPH_CLOUDS[options.cloud].graphRoot}); request it for the scope ${GRAPH_CLOUDS[options.cloud].scope}, or pick the matching --cloud.`,
    );
  }
  const expiresAtMs = typeof exp === "number" ? exp * 1000 : undefined;
  if (expiresAtMs !== undefined && expiresAtMs <= nowMs) {
    refuse(`expired at ${iso(expiresAtMs)} (claim exp); get a new token.`);
  }
  if (typeof nbf === "number" && nbf * 1000 > nowMs + CLOCK_SKEW_MS) {
    refuse(`is not valid before ${iso(nbf * 1000)} (claim nbf); check this machine's clock, or wait.`);
  }
  return { readable: true, expiresAtMs };
}
