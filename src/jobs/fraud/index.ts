// The fraud detector's public names: the rule (one definition for stream and batch), the stream
// operator and job, the batch function, verdict codes and flags, live message shapes and options.
// docs/fraud.md explains the rule, its defaults and the serving side.
export {
  fraudFlagOk,
  fraudFlagSuspicious,
  fraudFlagBlocked,
  fraudVerdictNames,
  fraudReasons,
  verdictName,
  reasonNamesOf,
} from './verdicts.js';
export type { FraudVerdictCode, FraudVerdictName, FraudReasonName } from './verdicts.js';
export {
  fraudRuleOptionsSpec,
  parseFraudRuleOptions,
  fraudOperatorOptionsSpec,
  parseFraudOperatorOptions,
} from './options.js';
export type { FraudRuleOptions, FraudRuleOptionsInput, FraudOperatorOptions, FraudOperatorOptionsInput } from './options.js';
export { createFraudRule } from './fraud-rule.js';
export type { FraudRule, FraudRuleStats } from './fraud-rule.js';
export { emptyFraudNumbers } from './fraud-numbers.js';
export type { FraudNumbers } from './fraud-numbers.js';
export { judgeSortedClicks } from './judge-sorted-clicks.js';
export type { SortedClick } from './judge-sorted-clicks.js';
export { createFraudOperator, fraudOperatorName } from './fraud-operator.js';
export { ipStateKey as fraudIpStateKey } from './partition-rules.js';
export type { FraudOperator } from './fraud-operator.js';
export { fraudJob, fraudJobName, fraudStreamJobs } from './fraud-job.js';
export {
  fraudLiveChannels,
  fraudNumberFields,
  fraudNumberStride,
  readFraudNumbers,
  writeFraudNumbers,
  isFraudChangesPayload,
  isFraudIpNumbersPayload,
} from './live-messages.js';
export type { FraudChangeCause, FraudVerdictChange, FraudChangesPayload, FraudIpNumbersPayload } from './live-messages.js';
