/**
 * The zod building blocks every document schema shares: bounded strings, GUIDs (lower-cased), ISO 8601
 * times, evidence and findings. Inputs are untrusted, so every string has a length bound: a hostile
 * file cannot blow up a page or a spreadsheet cell.
 */
import { z } from "zod";

/** The longest string any input field may hold (characters). */
export const MAX_STRING_LENGTH = 4096;

/** A string of at most {@link MAX_STRING_LENGTH} characters. */
export const boundedText = z.string().max(MAX_STRING_LENGTH);

/** A GUID in any case, lower-cased on parse (tenant ids, object ids). */
export const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: "expected a GUID",
  })
  .toLowerCase();

/** An ISO 8601 date and time with `Z` or an offset. */
export const isoTime = z.iso.datetime({ offset: true });

/** A verdict status. */
export const accountStatus = z.enum(["protected", "not-protected", "unknown"]);

/** A finding severity. */
export const severity = z.enum(["info", "warning", "error"]);

/** Who wrote a document. */
export const generatorSchema = z.object({ name: boundedText, version: boundedText });

/** A unit named where it is referred to. */
export const namedUnitSchema = z.object({ id: guid, displayName: boundedText.nullable() });

/** A member of a restricted unit, named. */
export const namedMemberSchema = z.object({
  id: guid,
  userPrincipalName: boundedText.nullable(),
  displayName: boundedText.nullable(),
});

/** A restricted unit as scan and audit documents carry it. */
export const documentUnitSchema = z.object({
  id: guid,
  displayName: boundedText.nullable(),
  description: boundedText.nullable(),
  membershipType: z.enum(["assigned", "dynamic"]),
  visibility: z.enum(["public", "hiddenMembership"]),
  userIds: z.array(guid),
  members: z.array(namedMemberSchema),
  membersReadable: z.boolean(),
});

/** Evidence as scan documents carry it (core's `Evidence`, flattened). */
export const documentEvidenceSchema = z.object({
  kind: z.enum(["restricted-flag", "unit-member", "rotation-denied"]),
  observedAt: isoTime,
  unitId: guid.exactOptional(),
  unitDisplayName: boundedText.nullable().exactOptional(),
  message: boundedText.exactOptional(),
  status: z.number().int().nullable().exactOptional(),
  code: boundedText.nullable().exactOptional(),
  requestId: boundedText.nullable().exactOptional(),
});

/** A finding as scan and audit documents carry it. */
export const documentFindingSchema = z.object({
  code: boundedText,
  severity,
  message: boundedText,
  action: boundedText.exactOptional(),
  accountIds: z.array(guid).exactOptional(),
  unitId: guid.exactOptional(),
  objectId: guid.exactOptional(),
  roleId: guid.exactOptional(),
});
