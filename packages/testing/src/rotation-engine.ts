/**
 * A minimal password-rotation engine, the kind of host the rotation guard is embedded in: one cycle
 * resets the password of every managed account with `autoRotate` on, over real HTTPS to Microsoft Graph
 * (`PATCH /v1.0/users/{id}`), asking the guard first when one is given. Small and honest on purpose: it
 * exists so tests and the demo can show what the guard changes for a real rotation loop.
 * Generated passwords never leave the request body: not in logs, errors or the report.
 */
import { randomInt } from "node:crypto";
import type {
  AccountStore,
  AutoRotateRecord,
  ManagedAccount,
  RotationGuard,
  Verdict,
} from "@rotation-exclusion/core";
import { graphError, type RotationEngineFailure, sendPatch, userPath } from "./rotation-engine-http.js";
import { createTestingError } from "./testing-error.js";

export type { RotationEngineFailure } from "./rotation-engine-http.js";

/** The part of an `@azure/identity` TokenCredential the engine uses (structural, no SDK dependency). */
export interface RotationEngineCredential {
  getToken(scopes: string | string[]): Promise<{ readonly token: string } | null>;
}

// The national clouds' Graph roots, whose tokens carry their own scope (docs/decisions/0009).
const NATIONAL_GRAPH_ROOTS: ReadonlySet<string> = new Set([
  "https://graph.microsoft.us",
  "https://dod-graph.microsoft.us",
  "https://microsoftgraph.chinacloudapi.cn",
]);

/** Options of {@link createRotationEngine}. */
export interface RotationEngineOptions {
  /** Graph root without `/v1.0` (`https://graph.microsoft.com`, or a fake server's `url`). */
  readonly graphBaseUrl: string;
  /** Where bearer tokens come from. */
  readonly credential: RotationEngineCredential;
  /** The store the engine rotates from (`autoRotate` decides who is rotated). */
  readonly accounts: AccountStore;
  /** Asked before every rotation, and told about every failure. Default: none (the unguarded engine). */
  readonly guard?: RotationGuard | undefined;
  /**
   * Token scope. Default: the scope of the national cloud whose Graph root `graphBaseUrl` is (US
   * Government L4 and L5, China), else the worldwide `https://graph.microsoft.com/.default` (a fake
   * server or a proxy). A token for one cloud is never valid in another (docs/decisions/0009).
   */
  readonly scope?: string;
  /** Extra trusted CA (PEM) for the Graph root, such as a fake server's `ca`. Ignored with `fetch`. */
  readonly ca?: string | undefined;
  /** Sends the PATCH instead of node:https (for hosts with their own HTTP stack). */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Makes a new password. Default: 24 random characters from four character classes. */
  readonly passwordGenerator?: () => string;
  /** Which accounts are due this cycle. Default: every account. */
  readonly dueAccounts?: (account: ManagedAccount) => boolean;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
}

interface OutcomeBase {
  readonly key: string;
  readonly objectId: string | null;
  readonly userPrincipalName: string | null;
}

/** What one cycle did with one managed account. */
export type RotationOutcome =
  | (OutcomeBase & { readonly status: "rotated" })
  /** Rotation is off in the store; `record` says who turned it off and on what evidence. */
  | (OutcomeBase & {
      readonly status: "skipped";
      readonly cause: "auto-rotate-off";
      readonly record: AutoRotateRecord | null;
    })
  /** The guard said not to rotate; `verdict` is why (`null` when the check itself failed). */
  | (OutcomeBase & {
      readonly status: "skipped";
      readonly cause: "guard";
      readonly verdict: Verdict | null;
      readonly reason: string;
    })
  /** The password change failed; `learned` is the guard's verdict after `recordRotationFailure`. */
  | (OutcomeBase & {
      readonly status: "failed";
      readonly failure: RotationEngineFailure;
      readonly learned: Verdict | null;
    });

/**
 * The report of one rotation cycle, one outcome per managed account (not-due accounts are left out).
 * After an abort it holds the accounts handled before the stop, and `aborted` is true.
 */
export interface RotationCycleReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** True when the cycle's signal stopped it before every due account was handled. */
  readonly aborted: boolean;
  readonly outcomes: readonly RotationOutcome[];
  readonly rotated: number;
  readonly skipped: number;
  readonly failed: number;
}

/** A rotation engine bound to one store and one Graph root. */
export interface RotationEngine {
  /**
   * Runs one rotation cycle over the store, accounts one after the other. On abort no new password
   * change is sent, the one already sent is finished and reported (cancelling it would leave the host
   * not knowing the account's password), and the report so far is returned instead of a rejection.
   */
  runCycle(options?: { readonly signal?: AbortSignal }): Promise<RotationCycleReport>;
}

const DEFAULTS = {
  scope: "https://graph.microsoft.com/.default",
  passwordGenerator: generatePassword,
  dueAccounts: () => true,
  clock: Date.now,
} satisfies Required<Pick<RotationEngineOptions, "scope" | "passwordGenerator" | "dueAccounts" | "clock">>;

const CLASSES = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-=?@^_"];

/** 24 characters, at least one of each class, so Entra's complexity rule (3 of 4 classes) always holds. */
export function generatePassword(): string {
  const all = CLASSES.join("");
  const chars = CLASSES.map((set) => set[randomInt(set.length)] as string);
  while (chars.length < 24) chars.push(all[randomInt(all.length)] as string);
  for (let index = chars.length - 1; index > 0; index--) {
    const swap = randomInt(index + 1);
    [chars[index], chars[swap]] = [chars[swap] as string, chars[index] as string];
  }
  return chars.join("");
}

/**
 * Creates a minimal rotation engine.
 *
 * @example
 * await using graph = await startFakeGraphServer(tenant);
 * const engine = createRotationEngine({ graphBaseUrl: graph.url, ca: graph.ca, credential, accounts, guard });
 * const report = await engine.runCycle(); // protected accounts are skipped, not failed
 */
export function createRotationEngine(options: RotationEngineOptions): RotationEngine {
  let root: URL;
  const shown = JSON.stringify(String(options.graphBaseUrl).slice(0, 80));
  try {
    root = new URL(options.graphBaseUrl);
  } catch {
    throw createTestingError(
      "invalid-argument",
      `createRotationEngine: graphBaseUrl must be an absolute URL (got ${shown}).`,
    );
  }
  // Checked before anything echoes the URL: user info may be a password, and would be dropped silently.
  if (root.username !== "" || root.password !== "") {
    throw createTestingError(
      "invalid-argument",
      "createRotationEngine: graphBaseUrl must not contain credentials (user info); give the Graph root only.",
    );
  }
  if (root.protocol !== "https:") {
    throw createTestingError(
      "invalid-argument",
      `createRotationEngine: graphBaseUrl must use https:// (got ${shown}).`,
    );
  }
  const { accounts, guard, ca } = options;
  const scope =
    options.scope ?? (NATIONAL_GRAPH_ROOTS.has(root.origin) ? `${root.origin}/.default` : DEFAULTS.scope);
  const passwordGenerator = options.passwordGenerator ?? DEFAULTS.passwordGenerator;
  const dueAccounts = options.dueAccounts ?? DEFAULTS.dueAccounts;
  const clock = options.clock ?? DEFAULTS.clock;

  /** Sends the password change, or answers `"aborted"` when the host stopped the cycle before it went out. */
  async function patch(path: string, signal?: AbortSignal) {
    const url = `${root.origin}/v1.0${path}`;
    const token = (await options.credential.getToken(scope))?.token;
    if (token === undefined) throw new Error("the credential returned no token");
    // The last point where stopping changes nothing: from here on the new password is on its way.
    if (signal?.aborted) return "aborted";
    const body = JSON.stringify({
      passwordProfile: { password: passwordGenerator(), forceChangePasswordNextSignIn: false },
    });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    return sendPatch(url, headers, body, { ca, fetch: options.fetch });
  }

  /** One account's outcome, or `undefined` when the cycle was stopped before anything was sent for it. */
  async function rotateOne(
    account: ManagedAccount,
    signal?: AbortSignal,
  ): Promise<RotationOutcome | undefined> {
    const base: OutcomeBase = {
      key: account.key,
      objectId: account.objectId ?? null,
      userPrincipalName: account.userPrincipalName ?? null,
    };
    if (!account.autoRotate) {
      return { ...base, status: "skipped", cause: "auto-rotate-off", record: account.record ?? null };
    }
    const path = userPath(account.objectId, account.userPrincipalName);
    if (path === undefined) {
      // The store's key is the store's, not Entra's: sent as a user id it could name somebody else.
      const message =
        "no Entra identity: the store has neither an object id nor a user principal name for this account, and its own key is never sent to Graph";
      const failure = { status: null, code: null, message, requestId: null };
      return { ...base, status: "failed", failure, learned: null };
    }
    const input = {
      ...(account.objectId !== undefined ? { id: account.objectId } : {}),
      ...(account.userPrincipalName !== undefined ? { userPrincipalName: account.userPrincipalName } : {}),
    };
    if (guard !== undefined) {
      try {
        const verdict = await guard.checkProtection(input, { signal });
        if (verdict.status !== "not-protected") {
          return { ...base, status: "skipped", cause: "guard", verdict, reason: verdict.reason };
        }
      } catch (error) {
        if (signal?.aborted) return undefined;
        // Same rule as isRotationProtected: when the check fails, do not rotate.
        const reason = `protection check failed: ${error instanceof Error ? error.message : String(error)}`;
        return { ...base, status: "skipped", cause: "guard", verdict: null, reason };
      }
    }
    let failure: RotationEngineFailure;
    try {
      const response = await patch(path, signal);
      if (response === "aborted") return undefined;
      if (response.status >= 200 && response.status < 300) return { ...base, status: "rotated" };
      failure = graphError(response);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failure = { status: null, code: null, message: `request failed: ${message}`, requestId: null };
    }
    let learned: Verdict | null = null;
    if (guard !== undefined) {
      try {
        learned = await guard.recordRotationFailure(
          input,
          {
            ...(failure.status !== null ? { status: failure.status } : {}),
            ...(failure.code !== null ? { code: failure.code } : {}),
            message: failure.message,
            ...(failure.requestId !== null ? { requestId: failure.requestId } : {}),
          },
          { signal },
        );
      } catch {
        // A store that cannot take the exclusion now, or a cycle stopped meanwhile: the failure is still
        // reported; the next cycle's denial teaches the guard again.
      }
    }
    return { ...base, status: "failed", failure, learned };
  }

  return {
    async runCycle(cycleOptions = {}) {
      const { signal } = cycleOptions;
      const startedAt = new Date(clock()).toISOString();
      const outcomes: RotationOutcome[] = [];
      let aborted = false;
      try {
        for (const account of await accounts.list({ signal })) {
          if (signal?.aborted) {
            aborted = true;
            break;
          }
          if (!dueAccounts(account)) continue;
          const outcome = await rotateOne(account, signal);
          if (outcome === undefined) {
            aborted = true;
            break;
          }
          outcomes.push(outcome);
        }
      } catch (error) {
        // Stopped while the store was listing (or a hook threw after the stop): report what was done.
        if (!signal?.aborted) throw error;
        aborted = true;
      }
      const count = (status: RotationOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
      return {
        startedAt,
        finishedAt: new Date(clock()).toISOString(),
        aborted,
        outcomes,
        rotated: count("rotated"),
        skipped: count("skipped"),
        failed: count("failed"),
      };
    },
  };
}
