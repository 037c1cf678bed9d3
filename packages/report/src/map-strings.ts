/** Deep string mapping over plain JSON-like data (the report is plain data: objects, arrays, scalars). */

/** `value` with every string (not object keys) passed through `map`, deeply; other values as they are. */
export function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === "string") return map(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])) as T;
  }
  return value;
}
