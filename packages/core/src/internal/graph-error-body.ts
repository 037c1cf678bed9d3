/**
 * The one parser of Graph error bodies (docs/decisions/0004-error-body-and-request-id.md). Graph
 * documents `{ error: { code, message, innerError } }`, but real bodies vary: an empty `code` with the
 * real one inside `innerError`, nested `innerError`s, legacy directory bodies under `odata.error` with
 * `message: { value }`, and the SDK's GraphError keeping the inner `error` object itself as JSON text.
 * See https://learn.microsoft.com/graph/errors
 */
import { isRecord } from "./input-checks.js";

/** What a Graph error body says: its code, message and the request id Graph put in `innerError`. */
export interface GraphErrorBody {
  /** `error.code` when non-empty, else the innermost non-empty `innerError.code`. */
  readonly code: string | undefined;
  /** `error.message` as text (a string, or `{ value }` / `{ message }`), at most 500 characters. */
  readonly message: string | undefined;
  /** `error.innerError["request-id"]`: a fallback only; the `request-id` response header comes first. */
  readonly requestId: string | undefined;
}

/** How {@link parseGraphErrorBody} reads its input. */
export interface GraphErrorBodyOptions {
  /**
   * Also accept the inner error object itself (`{ code, message }` without the `error` wrapper), as the
   * SDK's GraphError stores it. Default false: a response body must carry `error` or `odata.error`.
   */
  readonly bareErrorObject?: boolean;
}

const DEFAULT_OPTIONS = { bareErrorObject: false } as const satisfies Required<GraphErrorBodyOptions>;

// Keep messages bounded: a hostile or broken server must not flood logs and reports.
const MAX_MESSAGE_CHARS = 500;
// `innerError` may nest; Graph has never been seen past a few levels, and a cycle must not hang us.
const MAX_INNER_DEPTH = 16;

const NOTHING: GraphErrorBody = { code: undefined, message: undefined, requestId: undefined };

type Loose = Record<string, unknown>;

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim().length > 0 ? value : undefined;
}

function innerOf(error: Loose): Loose | undefined {
  // Graph sends `innerError`; the OData spec spells it `innererror`.
  const inner = error.innerError ?? error.innererror;
  return isRecord(inner) ? inner : undefined;
}

function messageText(value: unknown): string | undefined {
  const text =
    nonEmpty(value) ?? (isRecord(value) ? (nonEmpty(value.value) ?? nonEmpty(value.message)) : undefined);
  return text?.slice(0, MAX_MESSAGE_CHARS);
}

/**
 * Reads Graph's error body from parsed JSON or from text; never throws. Anything that is not an error
 * body yields all fields `undefined`.
 *
 * @example
 * parseGraphErrorBody('{"error":{"code":"","message":"x","innerError":{"code":"TooManyRequests"}}}').code;
 * // "TooManyRequests"
 */
export function parseGraphErrorBody(body: unknown, options: GraphErrorBodyOptions = {}): GraphErrorBody {
  const { bareErrorObject } = { ...DEFAULT_OPTIONS, ...options };
  try {
    let value = body;
    if (typeof value === "string") {
      try {
        value = JSON.parse(value);
      } catch {
        return NOTHING;
      }
    }
    if (!isRecord(value)) return NOTHING;
    const wrapped = value.error ?? value["odata.error"];
    const error = isRecord(wrapped) ? wrapped : bareErrorObject ? value : undefined;
    if (error === undefined) return NOTHING;
    const outer = innerOf(error);
    let code = nonEmpty(error.code);
    if (code === undefined) {
      // The innermost non-empty code is the most specific one.
      let inner = outer;
      for (let depth = 0; inner !== undefined && depth < MAX_INNER_DEPTH; depth += 1) {
        code = nonEmpty(inner.code) ?? code;
        inner = innerOf(inner);
      }
    }
    return {
      code,
      message: messageText(error.message),
      requestId: nonEmpty(outer?.["request-id"]),
    };
  } catch {
    // A hostile getter must not turn error reporting into a crash.
    return NOTHING;
  }
}
