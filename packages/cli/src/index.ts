// The public API of @rotation-exclusion/cli: run the command line in-process, and its report shapes.

export {
  CLI_ERROR_CODES,
  type CliError,
  type CliErrorCode,
  createCliError,
  isCliError,
} from "./cli-error.js";
export type { CliIo, TextSink } from "./cli-io.js";
export type { DemoResult } from "./demo-run.js";
export type { AuditAdministrator, AuditFinding, AuditReport } from "./emergency-access-audit.js";
export { runCli } from "./run-cli.js";
export type { ScanAccount, ScanReport, ScanUnit, ScanWarning } from "./tenant-scan.js";
