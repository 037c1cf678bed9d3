/** `rotation-exclusion demo`: both rotation cycles of the demo as aligned tables and a one-line summary. */
import type { Evidence } from "@rotation-exclusion/core";
import { describeValue } from "@rotation-exclusion/core/internal";
import type { RotationOutcome } from "@rotation-exclusion/testing";
import { createCliError } from "./cli-error.js";
import type { CommandIo } from "./cli-io.js";
import { createCliLogger } from "./cli-logger.js";
import { parseCommandFlags } from "./command-flags.js";
import type { DemoResult } from "./demo-run.js";
import { DEMO_HELP } from "./help-text.js";
import { logOptions } from "./tenant-command-options.js";
import { formatTable } from "./text-table.js";

function describeEvidence(evidence: readonly Evidence[]): string {
  const units = evidence.flatMap((item) =>
    item.kind === "unit-member" ? [`unit "${item.unitDisplayName ?? item.unitId}"`] : [],
  );
  const signals = [
    ...units,
    ...(evidence.some((item) => item.kind === "restricted-flag") ? ["isManagementRestricted"] : []),
    ...(evidence.some((item) => item.kind === "rotation-denied") ? ["write denied by the unit"] : []),
  ];
  const observedAt = evidence
    .map((item) => item.observedAt)
    .sort()
    .at(-1);
  return signals.length === 0 ? "" : `${signals.join(" + ")}, observed ${observedAt}`;
}

// Graph's denial is long; the sentence naming the restricted unit is the one worth a table cell.
function keySentence(message: string): string {
  const sentences = message.split(/(?<=\.)\s+/);
  return sentences.find((sentence) => /restricted management/i.test(sentence)) ?? sentences[0] ?? message;
}

const label = (outcome: RotationOutcome) => outcome.userPrincipalName ?? outcome.objectId ?? outcome.key;

function resultOf(outcome: RotationOutcome): [string, string] {
  switch (outcome.status) {
    case "rotated":
      return ["rotated", ""];
    case "failed": {
      const { status, code, message, requestId } = outcome.failure;
      return [
        `FAILED ${status ?? ""} ${code ?? ""}`.trim(),
        `${keySentence(message)}${requestId ? ` (request-id ${requestId})` : ""}`,
      ];
    }
    case "skipped":
      return outcome.cause === "auto-rotate-off"
        ? [
            "skipped: rotation off",
            outcome.record
              ? describeEvidence(outcome.record.evidence) || outcome.record.reason
              : "turned off by an operator",
          ]
        : ["skipped by the guard", outcome.reason];
  }
}

/** Counts the skips that carry evidence (an exclusion record, or a protected verdict). */
function skippedWithEvidence(outcomes: readonly RotationOutcome[]): number {
  return outcomes.filter(
    (o) =>
      o.status === "skipped" &&
      (o.cause === "auto-rotate-off"
        ? (o.record?.evidence.length ?? 0) > 0
        : (o.verdict?.evidence.length ?? 0) > 0),
  ).length;
}

/** The one-line summary of the demo. */
export function demoSummary(result: DemoResult): string {
  const a = result.withoutGuard;
  const b = result.withGuard.cycle;
  return (
    `Without the guard: ${a.failed} of ${a.outcomes.length} rotations failed (RMAU 403). ` +
    `With the guard: ${b.failed} failed, ${skippedWithEvidence(b.outcomes)} skipped with evidence, ${b.rotated} rotated.`
  );
}

function cycleTable(result: DemoResult, outcomes: readonly RotationOutcome[]): string {
  return formatTable(
    [
      { header: "ACCOUNT" },
      { header: "HOLDS THE ROLE" },
      { header: "RESULT" },
      { header: "EVIDENCE OR GRAPH ERROR", maxWidth: 140 },
    ],
    outcomes.map((outcome) => {
      const [result1, detail] = resultOf(outcome);
      return [label(outcome), (result.paths[outcome.objectId ?? ""] ?? []).join("; "), result1, detail];
    }),
  );
}

/** The demo as readable text. */
export function formatDemo(result: DemoResult): string {
  const imported = result.withGuard.roleImport.added;
  return [
    `Demo tenant ${result.tenantId}, served by a fake Microsoft Graph at ${result.graphRoot} (HTTPS, real Graph adapter).`,
    "",
    "A. Without the guard: Global Administrators imported naively, all rotating.",
    cycleTable(result, result.withoutGuard.outcomes),
    "",
    `B. With the guard: role import (${imported.rotating.length} rotating, ${imported.excluded.length} excluded, ${imported.pending.length} pending), exclusion run, guarded cycle.`,
    cycleTable(result, result.withGuard.cycle.outcomes),
    "",
    "What the guard also noticed in this tenant:",
    ...result.withGuard.roleImport.findings.map((finding) => `  ${finding.code}: ${finding.message}`),
    "",
    demoSummary(result),
    "",
  ].join("\n");
}

/** Runs `demo`; returns the exit status (0, or 1 when the demo itself did not behave). */
export async function runDemoCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandFlags("demo", args, {
    format: { type: "string" },
    "log-level": { type: "string" },
    "log-format": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  const format = (values.format as string | undefined) ?? "table";
  if (format !== "table" && format !== "json") {
    throw createCliError("usage", `--format: ${describeValue(format)} is not one of table, json.`);
  }
  const { logLevel, logFormat } = logOptions(
    values["log-level"] as string | undefined,
    values["log-format"] as string | undefined,
  );
  // The embedded tenant and the fake Graph server come from the testing kit, loaded only for the demo:
  // `scan` and `audit` against a real tenant never load it.
  const { runDemo } = await import("./demo-run.js");
  const result = await runDemo(
    createCliLogger(logLevel, {
      destination: io.stderr,
      format: logFormat,
      prefix: "rotation-exclusion demo",
    }),
  );
  io.stdout.write(
    format === "json"
      ? `${JSON.stringify({ ...result, summary: demoSummary(result) }, null, 2)}\n`
      : formatDemo(result),
  );
  // The demo proves a point; if the guarded cycle failed anything, say so through the exit status.
  return result.withGuard.cycle.failed === 0 && result.withoutGuard.failed > 0 ? 0 : 1;
}
