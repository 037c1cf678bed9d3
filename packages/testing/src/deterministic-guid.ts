import { createHash } from "node:crypto";

/**
 * A stable RFC 4122 GUID (version 5 layout, SHA-1 of the parts) so that fixtures get the same object ids
 * on every run and in every process: snapshots, logs and fake-server URLs stay comparable.
 *
 * @example
 * deterministicGuid("contoso", "user", "breakglass1"); // always the same lower-case GUID
 */
export function deterministicGuid(...parts: readonly string[]): string {
  // NUL never occurs in names, so ("a", "bc") and ("ab", "c") hash differently.
  const bytes = createHash("sha1").update(parts.join("\u0000")).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
