/**
 * Finds a string listed twice among many, cheaper than a `Set`: an open-addressing table of indexes in
 * one `Int32Array`, hashed with FNV-1a over the length and at most 16 code units of each value (its first
 * 4 and last 12: the varying parts of account keys and GUIDs). Checking the 100,000 keys and object ids of
 * one account list through two `Set`s costs about three times the CPU (their growth and garbage), and the
 * check runs on every list (BENCHMARKS.md, classification). Values that share those code units only cost
 * more probes; once the probes pass 8 per value, the search starts again over a `Map`, so no list is
 * quadratic.
 */

const SAMPLED_HEAD = 4;
const SAMPLED_TAIL = 12;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const PROBES_PER_VALUE = 8;

/** An ASCII upper-case letter as lower case; any other UTF-16 code unit as is. */
const fold = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);

/** FNV-1a's multiply moves bits only upwards: murmur3's finaliser mixes them into the low bits a slot uses. */
function mixed(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashExact(value: string): number {
  const length = value.length;
  let hash = Math.imul(FNV_OFFSET ^ length, FNV_PRIME);
  const head = Math.min(length, SAMPLED_HEAD);
  for (let i = 0; i < head; i += 1) hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
  for (let i = Math.max(head, length - SAMPLED_TAIL); i < length; i += 1)
    hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
  return mixed(hash);
}

function hashFolded(value: string): number {
  const length = value.length;
  let hash = Math.imul(FNV_OFFSET ^ length, FNV_PRIME);
  const head = Math.min(length, SAMPLED_HEAD);
  for (let i = 0; i < head; i += 1) hash = Math.imul(hash ^ fold(value.charCodeAt(i)), FNV_PRIME);
  for (let i = Math.max(head, length - SAMPLED_TAIL); i < length; i += 1)
    hash = Math.imul(hash ^ fold(value.charCodeAt(i)), FNV_PRIME);
  return mixed(hash);
}

function equalIgnoringAsciiCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (fold(a.charCodeAt(i)) !== fold(b.charCodeAt(i))) return false;
  return true;
}

/** The two positions of a value listed twice. */
export interface Repeat {
  readonly first: number;
  readonly second: number;
}

type ValueAt = (index: number) => string | undefined;

/**
 * The first repeat among `count` values read by `valueAt` (an index with no value is skipped): the
 * smallest `second` whose value was listed before, at `first`. Values are compared exactly or, with
 * `foldCase`, ignoring the case of ASCII letters (object ids are GUIDs, which Entra treats
 * case-insensitively). Answers `undefined` when every value is listed once.
 */
export function findRepeat(count: number, valueAt: ValueAt, foldCase = false): Repeat | undefined {
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  // Slot s is table[2s] (the index + 1 of the value placed there; 0 is empty) and table[2s + 1] (that
  // value's hash), side by side so that a probe touches one cache line; strings are compared only when
  // the whole 32-bit hash matches.
  const table = new Int32Array(size * 2);
  const hashOf = foldCase ? hashFolded : hashExact;
  let probesLeft = count * PROBES_PER_VALUE;
  for (let index = 0; index < count; index += 1) {
    const value = valueAt(index);
    if (value === undefined) continue;
    const hash = hashOf(value);
    let at = (hash & mask) * 2;
    for (;;) {
      const held = (table[at] as number) - 1;
      if (held < 0) {
        table[at] = index + 1;
        table[at + 1] = hash;
        break;
      }
      if (table[at + 1] === hash) {
        const other = valueAt(held) as string;
        if (other === value || (foldCase && equalIgnoringAsciiCase(other, value)))
          return { first: held, second: index };
      }
      if (--probesLeft < 0) return findRepeatByMap(count, valueAt, foldCase);
      at = (at + 2) & (mask * 2 + 1);
    }
  }
  return undefined;
}

/** The same answer over a `Map`: for values whose sampled code units collide. */
function findRepeatByMap(count: number, valueAt: ValueAt, foldCase: boolean): Repeat | undefined {
  const seen = new Map<string, number>();
  for (let index = 0; index < count; index += 1) {
    const value = valueAt(index);
    if (value === undefined) continue;
    const key = foldCase ? value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : value;
    const first = seen.get(key);
    if (first !== undefined) return { first, second: index };
    seen.set(key, index);
  }
  return undefined;
}
