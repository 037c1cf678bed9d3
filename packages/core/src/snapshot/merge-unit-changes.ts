/**
 * Merges one complete round of unit change tracking into the unit evidence it started from
 * (docs/decisions/0016). The merge only ever narrows what it trusts: anything it cannot apply with
 * certainty asks for a full read instead of guessing.
 */
import type { RestrictedUnit, RestrictedUnitsRead, UnitChange } from "../ports/directory-reader.js";

/** The merged evidence, or why the round cannot be applied and the units must be read in full. */
export type UnitChangesMerge =
  | { readonly kind: "merged"; readonly unitsRead: RestrictedUnitsRead }
  | { readonly kind: "full-read-needed"; readonly reason: string };

interface MutableMembers {
  userIds: string[];
  groupIds: string[];
  deviceIds: string[];
  otherIds: string[];
}

const MEMBER_KEYS = ["userIds", "groupIds", "deviceIds", "otherIds"] as const;

/** Every entry Graph sent for one unit in the round (a unit may appear on several pages). */
interface UnitEntries {
  readonly entries: UnitChange[];
}

function addOnce(list: string[], id: string): void {
  if (!list.some((existing) => existing.toLowerCase() === id.toLowerCase())) list.push(id);
}

/**
 * Applies `changes` to `base`, the unit evidence that was complete when the round's starting link was
 * issued. Returns `full-read-needed` when:
 * - a restricted unit the evidence does not know appears (its whole member list comes from the documented
 *   member listing, not from a change feed);
 * - a known restricted unit changes visibility or membership type (a hidden unit's listing is judged by
 *   permissions, decision 0002), or is reported not restricted (the flag is immutable: a contradiction);
 * - the same member is both added and removed in the round (Graph does not promise an order, so which
 *   came last is unknown).
 * A unit that Graph reports removed is dropped; members removed are dropped from their unit. The result
 * is complete: core still releases nobody on a removal alone (the protected-set read decides, rule 2).
 */
export function mergeUnitChanges(
  base: RestrictedUnitsRead,
  changes: readonly UnitChange[],
): UnitChangesMerge {
  const byUnit = new Map<string, UnitEntries>();
  for (const change of changes) {
    const key = change.id.toLowerCase();
    const found = byUnit.get(key);
    if (found) found.entries.push(change);
    else byUnit.set(key, { entries: [change] });
  }
  const known = new Set(base.units.map((unit) => unit.id.toLowerCase()));
  for (const [key, { entries }] of byUnit) {
    if (known.has(key) || entries.some((entry) => entry.removed)) continue;
    // A unit the complete evidence did not hold was not restricted when the link was issued, and the
    // flag is immutable; only a unit created since arrives with `true` (decision 0016).
    if (entries.some((entry) => entry.isMemberManagementRestricted === true)) {
      return { kind: "full-read-needed", reason: `new restricted unit ${entries[0]?.id}` };
    }
  }
  const units: RestrictedUnit[] = [];
  for (const unit of base.units) {
    const entries = byUnit.get(unit.id.toLowerCase())?.entries;
    if (entries === undefined) {
      units.push(unit);
      continue;
    }
    if (entries.some((entry) => entry.removed)) continue;
    let displayName = unit.displayName;
    for (const entry of entries) {
      if (entry.isMemberManagementRestricted === false) {
        return { kind: "full-read-needed", reason: `unit ${unit.id} reported not restricted` };
      }
      if (
        (entry.visibility !== undefined && entry.visibility !== unit.visibility) ||
        (entry.membershipType !== undefined && entry.membershipType !== unit.membershipType)
      ) {
        return { kind: "full-read-needed", reason: `unit ${unit.id} changed visibility or membership type` };
      }
      if (entry.displayName !== undefined) displayName = entry.displayName;
    }
    const added = new Set<string>();
    const removed = new Set<string>();
    for (const entry of entries) {
      for (const listKey of MEMBER_KEYS) {
        for (const id of entry.membersAdded[listKey]) added.add(id.toLowerCase());
      }
      for (const id of entry.membersRemoved) removed.add(id.toLowerCase());
    }
    for (const id of added) {
      if (removed.has(id)) {
        return { kind: "full-read-needed", reason: `member ${id} both added to and removed from ${unit.id}` };
      }
    }
    const members: MutableMembers = {
      userIds: unit.members.userIds.filter((id) => !removed.has(id.toLowerCase())),
      groupIds: unit.members.groupIds.filter((id) => !removed.has(id.toLowerCase())),
      deviceIds: unit.members.deviceIds.filter((id) => !removed.has(id.toLowerCase())),
      otherIds: unit.members.otherIds.filter((id) => !removed.has(id.toLowerCase())),
    };
    for (const entry of entries) {
      for (const listKey of MEMBER_KEYS) {
        for (const id of entry.membersAdded[listKey]) addOnce(members[listKey], id);
      }
    }
    units.push({
      ...unit,
      displayName,
      // The base was complete (a link is kept only then), so its members carry no failure to drop.
      members: { ...unit.members, ...members, complete: true },
    });
  }
  return { kind: "merged", unitsRead: { units, complete: true } };
}
