// The events layer's public names: the click event, its validation, ids, addresses, partitioning
// and its binary codec.
export type {
  ClickEvent,
  ClickHeader,
  DeviceClass,
  EventSource,
  FieldProblem,
  ImportLine,
  ImportLineResult,
  LinkOwnership,
  UserAgentTraits,
  ValidationResult,
} from './types.js';
export { deviceClasses, eventSources } from './types.js';
export { normalizeIp, packIp, unpackIp, networkPrefix } from './ip.js';
export { partitionForIp } from './partition.js';
export { ipKey, networkKey, ipKeyOfBytes, networkKeyOfBytes, addressKeysInto, isIpv4Key } from './ip-key.js';
export { createEventIdGenerator, eventIdTimeMs } from './event-id.js';
export type { EventIdGeneratorOptions } from './event-id.js';
export {
  clickValidationSpec,
  parseClickValidationPolicy,
  validateClickEvent,
  describeProblems,
} from './validate.js';
export type { ClickValidationPolicy, ClickValidationOptions } from './validate.js';
export { validateImportLine, completeImportLine, validateImportedClick } from './import-line.js';
export type { ImportCompletion, ImportContext } from './import-line.js';
export {
  clickRecordVersion,
  encodeClick,
  decodeClick,
  readClickHeader,
  readClickEventTimeMs,
  readClickId,
  readClickIp,
  readClickLayout,
  readClickIds,
  createClickLayout,
  countryOfCode,
  clickIpOffset,
  clickFlagBits,
} from './codec.js';
export type { ClickLayout } from './codec.js';
export { ClickRecordError } from './errors.js';
export type { ClickRecordProblem } from './errors.js';
export { sampleClickEvent } from './sample.js';
