/**
 * The adapter's and core's messages are written for a rotation service that runs in cycles and signs in
 * as an app registration. A person running the CLI once, maybe with a token they pasted, needs the next
 * step in their own terms: run the command again, or get a new token.
 */
import type { CliCredentialSource } from "./cli-credential.js";

const APP_CREDENTIAL_ADVICE =
  "Check the app registration's credential and that it belongs to this tenant and cloud.";

/**
 * Rewrites cycle wording ("the next cycle will try again") for a one-shot run, and the advice on a
 * refused token for the credential actually used.
 *
 * @example
 * oneShotWording("Graph is throttling this app; the next cycle will try again.", "GRAPH_ACCESS_TOKEN");
 */
export function oneShotWording(text: string, source: CliCredentialSource): string {
  const out = text
    .replaceAll("the next cycle will try again", "run the command again later")
    .replaceAll("skipped this cycle", "left undecided")
    .replaceAll("undecided this cycle", "undecided in this run");
  if (source !== "GRAPH_ACCESS_TOKEN") return out;
  return out.replaceAll(
    APP_CREDENTIAL_ADVICE,
    "The token in GRAPH_ACCESS_TOKEN was refused: it may have expired or been revoked, or be for another tenant or cloud; get a new one.",
  );
}
