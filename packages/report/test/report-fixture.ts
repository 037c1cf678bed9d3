/** The fixture documents parsed and built into a report, the way the `report` command does it. */
import {
  buildPostureReport,
  type PostureReport,
  parseReportInput,
  type ReportSource,
} from "@rotation-exclusion/report";
import { FIXTURE_NOW, reportFixtureDocuments } from "./report-fixture-documents.js";

/** Every fixture document parsed from its JSON text. */
export function fixtureSources(): ReportSource[] {
  const { documents } = reportFixtureDocuments();
  return Object.entries(documents).map(([name, document]) =>
    parseReportInput(name, JSON.stringify(document, null, 2)),
  );
}

/** The report of every fixture tenant, at the fixture's clock. */
export function fixtureReport(): PostureReport {
  return buildPostureReport(fixtureSources(), {
    generatorVersion: "9.9.9",
    clock: () => FIXTURE_NOW,
    tenants: reportFixtureDocuments().tenantList,
  });
}
