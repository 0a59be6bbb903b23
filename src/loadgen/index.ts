// The load generator's public names: the generator and its world, renderers of its events, the
// ground truth, the targets and the runner, and one-call sessions for the CLI and tests.
export { createLoadGenerator, allocateBatch } from './generator.js';
export type { LoadGenerator, GeneratedCounts } from './generator.js';
export { loadGeneratorSpec, parseLoadGeneratorOptions, worldPrefix } from './options.js';
export type { LoadGeneratorOptions, LoadGeneratorOptionsInput } from './options.js';
export { buildWorld } from './world.js';
export { createRandom } from './random.js';
export type { Random } from './random.js';
export { zipfShare, zipfWeights } from './zipf.js';
export { createLineRenderer } from './line-renderer.js';
export type { LineRenderer, LineRendererOptions } from './line-renderer.js';
export { toClickEvent, toClickEvents } from './click-events.js';
export type { ClickEventOptions } from './click-events.js';
export { createGroundTruth } from './ground-truth.js';
export type { GroundTruth, FlagCounts } from './ground-truth.js';
export type { GroundTruthReport, TruthRunInfo, Counts } from './truth-report.js';
export { createZoneDays } from './zone-days.js';
export type { ZoneDays } from './zone-days.js';
export { eventFlags, visitorKinds, humanKind, botKind, fraudKind, targetNames } from './types.js';
export type {
  World,
  WorldAccount,
  WorldUser,
  WorldLink,
  Agent,
  VisitorPool,
  VisitorKind,
  GeneratedBatch,
  LoadTarget,
  StartedRequest,
  RequestOutcome,
  AcknowledgedEvents,
  TargetName,
  WorldProvisioner,
} from './types.js';
export { createIngestTarget } from './targets/ingest-target.js';
export type { IngestTargetOptions } from './targets/ingest-target.js';
export { createRedirectTarget } from './targets/redirect-target.js';
export type { RedirectTargetOptions } from './targets/redirect-target.js';
export { createLogTarget } from './targets/log-target.js';
export { createFileTarget } from './targets/file-target.js';
export { provisionWorld } from './provision/provision-world.js';
export type { ProvisionReport } from './provision/provision-world.js';
export { createHttpProvisioner, createWriteKeys } from './provision/http-provisioner.js';
export type { WriteKeys } from './provision/http-provisioner.js';
export { createManagementClient } from './provision/management-client.js';
export type { ManagementClient } from './provision/management-client.js';
export { createStoreProvisioner } from './provision/store-provisioner.js';
export { runLoad } from './run-load.js';
export type { RunPlan, RunLoadDeps, RunResult } from './run-load.js';
export { loadRunSpec, parseLoadRunOptions, inFlightOf } from './run-options.js';
export type { LoadRunOptions, LoadRunOptionsInput } from './run-options.js';
export { runLoadgenSession, generatorInputFor } from './run-session.js';
export type { LoadgenSessionDeps, LoadgenSessionOptions, LoadgenSessionResult } from './run-session.js';
export { buildSummary, formatSummary } from './summary.js';
export type { LoadgenSummary } from './summary.js';
export { createProgressReporter, formatProgress } from './progress-reporter.js';
export type { ProgressOutput, ProgressReporter } from './progress-reporter.js';
export { createLatencyHistogram } from './latency-histogram.js';
export type { LatencyHistogram } from './latency-histogram.js';
export type { WindowSnapshot, RunTotals } from './run-stats.js';
export { LoadgenError, LoadgenRequestError } from './errors.js';
