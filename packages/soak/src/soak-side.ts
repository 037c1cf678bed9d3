/**
 * One side of a soak tenant: a fake Graph server, the real Graph adapter over HTTPS, an in-memory
 * account store that records the writes it accepts, the rotation guard, and the minimal rotation engine
 * behind it. A tenant has two sides on the same live tenant model: one faulted, one never (its twin).
 */
import {
  type AccountStore,
  createRotationGuard,
  type DirectoryReader,
  type Logger,
  type ManagedAccount,
  type RotationGuard,
} from "@rotation-exclusion/core";
import { createGraphDirectory, type GraphDirectory } from "@rotation-exclusion/graph-adapter";
import {
  createInMemoryAccountStore,
  createRotationEngine,
  type FakeGraphServer,
  type InMemoryAccountStore,
  type RotationEngine,
  startFakeGraphServer,
} from "@rotation-exclusion/testing";
import pino from "pino";
import type { RecordedWrite, SideCycle } from "./soak-invariants.js";
import { SOAK_ROLE, type SoakTenant } from "./soak-tenant.js";

/** A running side. */
export interface SoakSide {
  readonly server: FakeGraphServer;
  readonly store: InMemoryAccountStore;
  readonly guard: RotationGuard;
  readonly engine: RotationEngine;
  /** Writes the store accepted since the last {@link runSideCycle}. */
  readonly writes: RecordedWrite[];
  /** Which deadline the guard's reads run under: the short one only while the soak injects faults. */
  deadline: "faulted" | "patient";
  /** A read under the patient deadline ran out of time since the last {@link runSideCycle}. */
  ranOutOfTime: boolean;
}

/** How a side is set up. */
export interface SoakSideOptions {
  readonly restoreReleased: boolean;
  /** The bearer token the fake credential hands out. */
  readonly token: string;
  /** The adapter's per-request deadline on cycles with injected faults (slow faults answer after it). */
  readonly deadlineMs: number;
  /**
   * The deadline on every other cycle. Nothing injected is slow there, so only a hang should reach it,
   * never a slow machine: an invariant must not depend on how fast the machine is.
   */
  readonly patientDeadlineMs: number;
  /** Receives every log line (adapter and guard); absent: no logging at all. */
  readonly log: ((line: string) => void) | undefined;
}

function recordingStore(store: InMemoryAccountStore, writes: RecordedWrite[]): AccountStore {
  const remember = (account: ManagedAccount) =>
    writes.push({
      key: account.key,
      objectId: account.objectId,
      userPrincipalName: account.userPrincipalName,
      autoRotate: account.autoRotate,
      recordKind: account.record?.kind,
      recordChangedBy: account.record?.changedBy,
      recordReleased: account.record?.releasedAt !== undefined,
    });
  return {
    list: (options) => store.list(options),
    async update(key, write, options) {
      const result = await store.update(key, write, options);
      if (result.status === "written") remember(result.account);
      return result;
    },
    async add(account, options) {
      const result = await store.add(account, options);
      if (result.status === "written") remember(result.account);
      return result;
    },
  };
}

function guardLogger(log: (line: string) => void): Logger {
  const line = (level: string) => (obj: object, msg?: string) => {
    try {
      log(JSON.stringify({ level, ...obj, msg }));
    } catch {
      log(JSON.stringify({ level, msg, unserializable: true }));
    }
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/** Starts one side of a soak tenant. */
export async function startSoakSide(soak: SoakTenant, options: SoakSideOptions): Promise<SoakSide> {
  const server = await startFakeGraphServer(soak.tenant);
  const store = createInMemoryAccountStore(soak.initialAccounts);
  const writes: RecordedWrite[] = [];
  const accounts = recordingStore(store, writes);
  const { token, log } = options;
  // One object serves both the adapter (an @azure/identity TokenCredential) and the engine.
  const credential = {
    getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  const directoryWith = (deadlineMs: number) =>
    createGraphDirectory({
      tenantId: soak.tenant.tenantId,
      credential,
      baseUrl: server.url,
      ca: server.ca,
      retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 20, deadlineMs, maxRetryAfterMs: 300 },
      ...(log === undefined
        ? {}
        : { logger: pino({ level: "debug" }, { write: (text: string) => log(text) }) }),
    });
  const directories = {
    faulted: directoryWith(options.deadlineMs),
    patient: directoryWith(options.patientDeadlineMs),
  };
  const side = { deadline: "patient" as SoakSide["deadline"], ranOutOfTime: false };
  const directory = switchingDirectory(
    () => directories[side.deadline],
    (result) => {
      // Nothing injected is slow under the patient deadline: running out of it is the machine (or a hang).
      if (side.deadline === "patient" && JSON.stringify(result).includes(DEADLINE_MESSAGE))
        side.ranOutOfTime = true;
    },
  );
  const guard = createRotationGuard({
    tenantId: soak.tenant.tenantId,
    directory,
    accounts,
    restoreReleased: options.restoreReleased,
    ...(log === undefined ? {} : { logger: guardLogger(log) }),
  });
  const engine = createRotationEngine({
    graphBaseUrl: server.url,
    ca: server.ca,
    credential,
    accounts,
    guard,
  });
  return Object.assign(side, { server, store, guard, engine, writes });
}

/** How the adapter words a request that ran out of its deadline (graph-request-runner.ts). */
const DEADLINE_MESSAGE = "did not finish within";

// The guard keeps one reader for its life; this one hands each call to the directory of the moment,
// and shows every read's result (failures are values, never thrown) to `seen`.
function switchingDirectory(current: () => GraphDirectory, seen: (result: unknown) => void): DirectoryReader {
  const watched = async <T>(read: Promise<T>): Promise<T> => {
    const result = await read;
    seen(result);
    return result;
  };
  return {
    readProtectedUsers: (options) => watched(current().readProtectedUsers(options)),
    readRestrictedUnits: (options) => watched(current().readRestrictedUnits(options)),
    checkUsers: (refs, options) => watched(current().checkUsers(refs, options)),
    readRoleHolders: (role, options) => watched(current().readRoleHolders(role, options)),
    classifyFailure: (error) => current().classifyFailure(error),
    stats: () => current().stats(),
  };
}

/**
 * Runs one cycle on a side: an optional role import, the exclusion run, then the rotation cycle.
 * `faulted`: the soak injected faults for this cycle, so reads run under the short deadline.
 */
export async function runSideCycle(
  soak: SoakTenant,
  side: SoakSide,
  roleImport: boolean,
  faulted: boolean,
): Promise<SideCycle> {
  side.deadline = faulted ? "faulted" : "patient";
  side.ranOutOfTime = false;
  side.writes.length = 0;
  side.server.clearRequests();
  let importReport: SideCycle["roleImport"];
  let exclusion: SideCycle["exclusion"];
  let rotation: SideCycle["rotation"];
  let error: unknown;
  try {
    if (roleImport) {
      const plan = await side.guard.planRoleImport({ roles: [SOAK_ROLE] });
      importReport = await side.guard.applyRoleImport(plan);
    }
    exclusion = await side.guard.excludeFromAutoRotation();
    rotation = await side.engine.runCycle();
  } catch (thrown) {
    error = thrown ?? new Error("a cycle threw undefined");
  }
  const users = soak.tenant.users;
  const patchedUserIds = side.server.requests
    .filter((request) => request.route === "users.patch")
    .flatMap((request) => request.objectIds.map((id) => id.toLowerCase()))
    .filter((id) => users.has(id));
  const cycle: SideCycle = {
    roleImport: importReport,
    exclusion,
    rotation,
    snapshot: side.guard.lastSnapshot(),
    error,
    writes: [...side.writes],
    patchedUserIds,
    changedUserIds: side.server.passwordChanges.map((change) => change.userId.toLowerCase()),
    requests: side.server.stats().requests,
    accounts: side.store.snapshot(),
    ranOutOfTime: side.ranOutOfTime,
  };
  // The request log grows with every request: keep a long soak's memory flat.
  side.server.clearRequests();
  return cycle;
}
