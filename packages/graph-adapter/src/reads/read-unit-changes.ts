/**
 * One round of change tracking of administrative units: `GET /directory/administrativeUnits/delta`,
 * following `@odata.nextLink` verbatim until the page that carries the `@odata.deltaLink`
 * (docs/decisions/0016). Without a link the round asks for one from now (`$deltatoken=latest`). Expired
 * links (410, `syncStateNotFound`) ask for a full read; a cloud without the function (China, USNat,
 * USSec declare none bound to administrative units) is remembered app-wide on its first refusal.
 * See https://learn.microsoft.com/graph/api/administrativeunit-delta and
 * https://learn.microsoft.com/graph/delta-query-overview.
 */
import type { DirectoryFailure, UnitChange, UnitChangesRead } from "@rotation-exclusion/core/ports";
import { toDirectoryFailure } from "../errors/directory-failure.js";
import {
  createGraphDirectoryError,
  type GraphDirectoryError,
  isGraphDirectoryError,
} from "../errors/graph-directory-error.js";
import { nextStepFor } from "../errors/graph-response-error.js";
import { type DirectoryContext, graphUrl } from "./directory-context.js";
import { directoryObjectKind, objectId, odataType } from "./graph-json.js";
import { membershipTypeOf, visibilityOf } from "./read-restricted-units.js";

const ROUTE = "GET /directory/administrativeUnits/delta";
// `members` is selected so membership changes are tracked, as for groups ("Selecting those properties
// allows tracking of changes to … group memberships", delta-query-overview.md).
const SELECT = "id,displayName,isMemberManagementRestricted,membershipType,visibility,members";
// Codes that say the token is no longer usable: "a 40X-series error with error codes such as
// syncStateNotFound" (delta-query-overview.md, Token duration); `resyncRequired` as named for sync resets.
const RESYNC_CODES = new Set(["syncstatenotfound", "resyncrequired", "syncstateinvalid"]);

interface Page {
  readonly nextLink: string | undefined;
  readonly deltaLink: string | undefined;
}

function isResync(error: GraphDirectoryError): boolean {
  // 410 Gone: "the application must restart with a full synchronization" (Synchronization reset).
  return error.status === 410 || RESYNC_CODES.has(error.graphCode?.toLowerCase() ?? "");
}

/**
 * A stored link Graph refuses with a client error that is not about the app (auth, permission, pace):
 * "a 40X-series error with error codes such as `syncStateNotFound`" — the code is an example, not a
 * promise, so any such refusal of the round's first page asks for a full read instead of retrying a link
 * that will not work again.
 */
function refusesStoredLink(error: GraphDirectoryError): boolean {
  const status = error.status ?? 0;
  return status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);
}

/** A cloud whose schema has no `delta` bound to administrative units answers for the path itself. */
function isMissingFunction(error: GraphDirectoryError): boolean {
  return error.status === 400 || error.status === 404 || error.status === 501;
}

function membersOf(record: Record<string, unknown>, fail: (problem: string) => never) {
  const membersAdded = {
    userIds: [] as string[],
    groupIds: [] as string[],
    deviceIds: [] as string[],
    otherIds: [] as string[],
  };
  const membersRemoved: string[] = [];
  const listed = record["members@delta"];
  if (listed === undefined) return { membersAdded, membersRemoved };
  if (!Array.isArray(listed)) fail("has a members@delta that is not an array");
  for (const member of listed as unknown[]) {
    const id = objectId(member);
    if (id === undefined) fail("lists a member without an id");
    if ((member as Record<string, unknown>)["@removed"] !== undefined) {
      membersRemoved.push(id as string);
      continue;
    }
    // As in the member listing: an agent user is a user; an unknown type is never a user (decision 0002).
    const kind = directoryObjectKind(member);
    if (kind === "user" || kind === "agentUser") membersAdded.userIds.push(id as string);
    else if (kind === "group") membersAdded.groupIds.push(id as string);
    else if (kind === "device") membersAdded.deviceIds.push(id as string);
    else membersAdded.otherIds.push(id as string);
  }
  return { membersAdded, membersRemoved };
}

/** One entry of a round in core's terms; throws a bad-response error for an entry Graph does not document. */
function unitChangeOf(context: DirectoryContext, item: unknown, what: string): UnitChange | "foreign" {
  const id = objectId(item);
  const fail = (problem: string): never => {
    throw createGraphDirectoryError(
      "bad-response",
      `${what} on tenant ${context.tenantId}: an entry ${problem}. ${nextStepFor("bad-response")}`,
    );
  };
  if (id === undefined) return fail("has no id");
  const record = item as Record<string, unknown>;
  // A cloud that binds the directoryObject function instead would hand out other objects.
  const type = odataType(item);
  if (type !== undefined && type !== "microsoft.graph.administrativeunit") return "foreign";
  const removed = record["@removed"] !== undefined;
  const change: {
    -readonly [K in keyof UnitChange]: UnitChange[K];
  } = { id, removed, ...membersOf(record, fail) };
  if ("isMemberManagementRestricted" in record) {
    const flag = record.isMemberManagementRestricted;
    if (flag !== true && flag !== false && flag !== null)
      fail(`(unit ${id}) has a flag that is not a boolean`);
    // Graph's null is the documented default, false.
    change.isMemberManagementRestricted = flag === true;
  }
  if ("displayName" in record) {
    change.displayName = typeof record.displayName === "string" ? record.displayName : null;
  }
  if ("membershipType" in record) change.membershipType = membershipTypeOf(record.membershipType).type;
  if ("visibility" in record) change.visibility = visibilityOf(record.visibility).visibility;
  return change;
}

/**
 * Reads one round. Never rejects except with the caller's abort reason: trouble is the round's outcome.
 */
export async function readUnitChanges(
  context: DirectoryContext,
  deltaLink: string | undefined,
  signal: AbortSignal | undefined,
): Promise<UnitChangesRead> {
  const unsupported = (failure: DirectoryFailure): UnitChangesRead => ({ outcome: "unsupported", failure });
  if (context.queryMemo.lacksFunction(context.root, ROUTE)) {
    return unsupported({
      kind: "unsupported",
      message: `Unit changes on tenant ${context.tenantId}: this Graph refused administrativeUnits/delta before; reading units in full.`,
    });
  }
  const what = `Reading unit changes (administrativeUnits/delta)`;
  const firstUrl =
    deltaLink ??
    graphUrl(context, `/directory/administrativeUnits/delta?$select=${SELECT}&$deltatoken=latest`);
  let first: URL;
  try {
    first = new URL(firstUrl);
  } catch {
    first = new URL("about:blank");
  }
  // A stored link is only ever sent to the configured Graph root (decisions 0005 and 0009).
  if (first.origin !== new URL(context.root).origin) {
    return {
      outcome: "resync-required",
      failure: {
        kind: "bad-response",
        message: `Unit changes on tenant ${context.tenantId}: the stored delta link is not on ${context.root}; reading units in full.`,
      },
    };
  }
  const changes: UnitChange[] = [];
  const seen = new Set<string>([firstUrl]);
  let foreign = false;
  let url = firstUrl;
  for (let pageNumber = 1; ; pageNumber++) {
    let page: Page;
    try {
      page = await context.runner.run<Page>({
        route: ROUTE,
        what: `${what} (page ${pageNumber})`,
        idempotent: true,
        signal,
        request: () => ({ method: "GET", url }),
        accept: ({ json }) => {
          const body = json as Record<string, unknown> | null;
          const bad = (problem: string) =>
            createGraphDirectoryError(
              "bad-response",
              `${what} on tenant ${context.tenantId}: page ${pageNumber} ${problem}. ${nextStepFor("bad-response")}`,
            );
          if (typeof body !== "object" || body === null || !Array.isArray(body.value))
            throw bad("has no `value` array");
          const next = body["@odata.nextLink"];
          const delta = body["@odata.deltaLink"];
          if (
            (next !== undefined && typeof next !== "string") ||
            (delta !== undefined && typeof delta !== "string")
          ) {
            throw bad("has a link that is not a string");
          }
          // "A page can't contain both" and every page has one of them (delta-query-overview.md).
          if ((next === undefined) === (delta === undefined))
            throw bad("has neither or both of nextLink and deltaLink");
          const entries: UnitChange[] = [];
          for (const item of body.value as unknown[]) {
            const change = unitChangeOf(context, item, what);
            if (change === "foreign") foreign = true;
            else entries.push(change);
          }
          changes.push(...entries);
          return { nextLink: next as string | undefined, deltaLink: delta as string | undefined };
        },
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isGraphDirectoryError(error)) throw error;
      if (isResync(error) || (deltaLink !== undefined && pageNumber === 1 && refusesStoredLink(error))) {
        return { outcome: "resync-required", failure: toDirectoryFailure(error) };
      }
      if (deltaLink === undefined && pageNumber === 1 && isMissingFunction(error)) {
        context.queryMemo.rememberMissingFunction(context.root, ROUTE);
        context.logger.warn(
          { route: ROUTE, requestId: error.requestId, graphCode: error.graphCode },
          "Graph refused administrativeUnits/delta; reading units in full from now on",
        );
        return unsupported(toDirectoryFailure(error, "unsupported"));
      }
      // A link that worked before and fails now: the old link stays; the next round retries it.
      return { outcome: "incomplete", failure: toDirectoryFailure(error) };
    }
    if (foreign) {
      context.queryMemo.rememberMissingFunction(context.root, ROUTE);
      return unsupported({
        kind: "unsupported",
        message: `Unit changes on tenant ${context.tenantId}: Graph answered with objects that are not administrative units; reading units in full from now on.`,
      });
    }
    const link = page.deltaLink ?? page.nextLink;
    const failure = (problem: string): UnitChangesRead => ({
      outcome: "incomplete",
      failure: {
        kind: "bad-response",
        message: `${what} on tenant ${context.tenantId}: page ${pageNumber} ${problem}.`,
      },
    });
    let parsed: URL;
    try {
      parsed = new URL(link as string);
    } catch {
      return failure("has a link that is not an absolute URL");
    }
    // The state token must only ever travel to the Graph root.
    if (parsed.origin !== first.origin)
      return failure(`links to another host (${parsed.origin}); not followed`);
    if (page.deltaLink !== undefined) return { outcome: "complete", changes, deltaLink: page.deltaLink };
    if (pageNumber >= context.maxPages) return failure(`still links on after ${context.maxPages} pages`);
    if (seen.has(page.nextLink as string)) return failure("links to a page already read (a loop)");
    seen.add(page.nextLink as string);
    url = page.nextLink as string;
  }
}
