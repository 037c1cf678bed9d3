/**
 * `@rotation-exclusion/testing/telemetry`: registers the OpenTelemetry SDK with in-memory exporters for one
 * test and reads back what core, the Graph adapter and the fleet emitted. The SDK packages are optional
 * peers: only a test that imports this entry needs them.
 */
export {
  type CapturedPoint,
  captureTelemetry,
  everyAttributeValue,
  type TelemetryCapture,
  total,
} from "./capture-telemetry.js";
