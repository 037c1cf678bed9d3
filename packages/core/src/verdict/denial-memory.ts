/**
 * Rotation denials by a restricted unit, remembered by the guard (safety rule 7 of
 * docs/decisions/0012-safety-rules.md): a password change Graph refused because the user sits in a
 * restricted management administrative unit protects the account until a later complete snapshot can
 * speak for it.
 */
import { type AutoRotateRecord, ROTATION_EXCLUSION_ACTOR } from "../ports/account-store.js";
import type { RotationFailure } from "../ports/directory-reader.js";
import type { AccountToDecide } from "./account-to-decide.js";

/** A write denial by a restricted unit, and when it was seen. */
export interface RecordedDenial {
  readonly observedAtMs: number;
  readonly failure: RotationFailure;
}

/** Rotation denials remembered in memory, by object id and by UPN. */
export interface DenialMemory {
  remember(account: AccountToDecide, denial: RecordedDenial): void;
  /** The newest denial remembered under the account's object id or UPN. */
  find(account: AccountToDecide): RecordedDenial | undefined;
  /** True while no denial was ever remembered (by far the common case): a run need look none up. */
  isEmpty(): boolean;
}

const keysOf = (account: AccountToDecide) => [
  ...(account.id ? [`id:${account.id.toLowerCase()}`] : []),
  ...(account.userPrincipalName ? [`upn:${account.userPrincipalName.toLowerCase()}`] : []),
];

/** Creates an empty {@link DenialMemory}. */
export function createDenialMemory(): DenialMemory {
  const byKey = new Map<string, RecordedDenial>();
  return {
    remember(account, denial) {
      for (const key of keysOf(account)) byKey.set(key, denial);
    },
    find(account) {
      // The common case by far: no denial was ever recorded, so no keys need building.
      if (byKey.size === 0) return undefined;
      let newest: RecordedDenial | undefined;
      for (const key of keysOf(account)) {
        const denial = byKey.get(key);
        if (denial !== undefined && (newest === undefined || denial.observedAtMs > newest.observedAtMs))
          newest = denial;
      }
      return newest;
    },
    isEmpty: () => byKey.size === 0,
  };
}

/**
 * The newest rotation denial our exclusion record carries as evidence, or `undefined`. The record is
 * the durable, shared trace of a denial: a guard in another process (another worker of a fleet) that
 * recorded the refusal wrote it there, and every guard that lists the account reads it back, so the
 * denial protects on every guard until a complete read newer than it (rule 7). A time in the future is
 * read as now: it may hold protection until the next complete read, never longer.
 */
export function denialInRecord(
  record: AutoRotateRecord | undefined,
  nowMs: number,
): RecordedDenial | undefined {
  if (record?.changedBy !== ROTATION_EXCLUSION_ACTOR || record.kind !== "exclusion") return undefined;
  let newest: RecordedDenial | undefined;
  for (const evidence of record.evidence) {
    if (evidence.kind !== "rotation-denied") continue;
    const observedAtMs = Math.min(Date.parse(evidence.observedAt), nowMs);
    if (!Number.isFinite(observedAtMs)) continue;
    if (newest !== undefined && newest.observedAtMs >= observedAtMs) continue;
    const failure: RotationFailure = {
      ...(evidence.status === null ? {} : { status: evidence.status }),
      ...(evidence.code === null ? {} : { code: evidence.code }),
      message: evidence.message,
      ...(evidence.requestId === null ? {} : { requestId: evidence.requestId }),
    };
    newest = { observedAtMs, failure };
  }
  return newest;
}
