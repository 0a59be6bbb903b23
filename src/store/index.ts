// The store layer's public names: the Store contract, its errors, shared validation, the SQLite
// backend and the conformance suite's entry (imported from './conformance.js' by tests only).
export type {
  Scope,
  PlanTier,
  Plan,
  Account,
  User,
  Link,
  ApiKey,
  DeadLetter,
  Page,
  ListOptions,
  AccountInput,
  UserInput,
  LinkInput,
  AccountRepository,
  UserRepository,
  LinkRepository,
  CreatedApiKey,
  ApiKeyRepository,
  PlanRepository,
  DeadLetterRepository,
  MigrationReport,
  Store,
  StreamPartitionPosition,
  StreamStateRow,
  StreamStateDeletion,
  StreamViewChange,
  StreamLateEventInput,
  StreamPositionUpdate,
  StreamCheckpoint,
  StreamCommitReport,
  RestoredStreamCheckpoint,
  StreamCheckpointRepository,
  ViewRow,
  ViewRepository,
  LateEvent,
  LateCount,
  LateEventRepository,
} from './types.js';
export { scopes } from './types.js';
export { StoreError, isStoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export {
  reservedSlugs,
  isReservedSlug,
  isValidSlug,
  isValidEmail,
  isValidTimeZone,
  isValidTargetUrl,
  canonicalTimeZone,
  normalizeTargetUrl,
  cutUtf8,
  validateSlug,
  validateEmail,
  validateTimeZone,
  validateTargetUrl,
  validatePlan,
  validateScope,
} from './validate.js';
export { parseSecret } from './api-key-secret.js';
export { defaultPlans } from './default-plans.js';
export { createSqliteStore, sqliteStoreOptionsSpec } from './sqlite/sqlite-store.js';
export type { SqliteStoreDeps, SqliteStoreOptions, SqliteStoreOptionsInput } from './sqlite/sqlite-store.js';
