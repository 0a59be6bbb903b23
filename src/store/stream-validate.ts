// Validation of what the stream engine hands the store (checkpoints, view and ledger queries),
// shared by every backend. A checkpoint is checked whole before its transaction begins, so a bad
// row can never leave half a checkpoint behind.
import { limits } from '../core/index.js';
import { invalidField } from './errors.js';
import type { StreamCheckpoint, StreamLateEventInput, StreamStateRow, StreamViewChange } from './types.js';

/** UTF-8 bytes of `text`, computed only when its length alone cannot settle the bound. */
function withinBytes(text: string, bytesMax: number): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes, and at least 1.
  if (text.length * 3 <= bytesMax) return true;
  if (text.length > bytesMax) return false;
  return Buffer.byteLength(text, 'utf8') <= bytesMax;
}

export function validateStreamName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || !withinBytes(value, limits.streamNameBytesMax)) {
    throw invalidField(field, `must be a non-empty name of at most ${limits.streamNameBytesMax} bytes (got ${JSON.stringify(value)})`);
  }
  return value;
}

function checkInteger(value: unknown, field: string, min = 0): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidField(field, `must be a whole number of at least ${min} (got ${JSON.stringify(value)})`);
  }
}

/** Watermarks and namespaces may be negative (no watermark yet is Number.MIN_SAFE_INTEGER). */
function checkSafeInteger(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidField(field, `must be a safe integer (got ${JSON.stringify(value)})`);
}

function checkKey(value: unknown, field: string): void {
  if (typeof value !== 'string' || !withinBytes(value, limits.streamKeyBytesMax)) {
    throw invalidField(field, `must be a string of at most ${limits.streamKeyBytesMax} bytes`);
  }
}

function checkValue(value: unknown, field: string): void {
  if (!(value instanceof Uint8Array) || value.byteLength > limits.streamValueBytesMax) {
    throw invalidField(field, `must be bytes, at most ${limits.streamValueBytesMax}`);
  }
}

function checkStateRow(row: StreamStateRow, index: number): void {
  validateStreamName(row.state, `stateUpserts[${index}].state`);
  checkInteger(row.partition, `stateUpserts[${index}].partition`);
  checkSafeInteger(row.namespace, `stateUpserts[${index}].namespace`);
  checkKey(row.key, `stateUpserts[${index}].key`);
  checkValue(row.value, `stateUpserts[${index}].value`);
  checkSafeInteger(row.touchedMs, `stateUpserts[${index}].touchedMs`);
}

function checkViewChange(change: StreamViewChange, index: number): void {
  validateStreamName(change.view, `views[${index}].view`);
  checkInteger(change.partition, `views[${index}].partition`);
  checkKey(change.key, `views[${index}].key`);
  if (change.value !== null) checkValue(change.value, `views[${index}].value`);
}

function checkLateEvent(event: StreamLateEventInput, index: number): void {
  validateStreamName(event.operator, `lateEvents[${index}].operator`);
  validateStreamName(event.reason, `lateEvents[${index}].reason`);
  checkInteger(event.partition, `lateEvents[${index}].partition`);
  checkInteger(event.offset, `lateEvents[${index}].offset`);
  checkSafeInteger(event.eventTimeMs, `lateEvents[${index}].eventTimeMs`);
  checkSafeInteger(event.watermarkMs, `lateEvents[${index}].watermarkMs`);
  checkKey(event.key, `lateEvents[${index}].key`);
  checkSafeInteger(event.recordedAtMs, `lateEvents[${index}].recordedAtMs`);
}

function checkPositions(checkpoint: StreamCheckpoint): void {
  const seen = new Set<number>();
  checkpoint.positions.forEach((position, index) => {
    checkInteger(position.partition, `positions[${index}].partition`);
    if (seen.has(position.partition)) throw invalidField(`positions[${index}].partition`, `partition ${position.partition} appears twice`);
    seen.add(position.partition);
    checkInteger(position.nextOffset, `positions[${index}].nextOffset`);
    checkSafeInteger(position.watermarkMs, `positions[${index}].watermarkMs`);
    if (position.expectedNextOffset !== null) checkInteger(position.expectedNextOffset, `positions[${index}].expectedNextOffset`);
  });
}

/** Checks a whole checkpoint; throws an `invalid` StoreError naming the first bad field. */
export function validateStreamCheckpoint(job: string, checkpoint: StreamCheckpoint): void {
  validateStreamName(job, 'job');
  checkInteger(checkpoint.checkpointId, 'checkpointId', 1);
  checkPositions(checkpoint);
  checkpoint.stateDeletions.forEach((deletion, index) => {
    validateStreamName(deletion.state, `stateDeletions[${index}].state`);
    checkInteger(deletion.partition, `stateDeletions[${index}].partition`);
    checkSafeInteger(deletion.namespace, `stateDeletions[${index}].namespace`);
    if (deletion.key !== null) checkKey(deletion.key, `stateDeletions[${index}].key`);
  });
  checkpoint.stateUpserts.forEach(checkStateRow);
  checkpoint.views.forEach(checkViewChange);
  checkpoint.lateEvents.forEach(checkLateEvent);
  checkpoint.lateCounts.forEach((count, index) => {
    checkInteger(count.partition, `lateCounts[${index}].partition`);
    validateStreamName(count.reason, `lateCounts[${index}].reason`);
    checkInteger(count.count, `lateCounts[${index}].count`, 1);
  });
}

export function validatePartitions(partitions: readonly number[]): void {
  partitions.forEach((partition, index) => checkInteger(partition, `partitions[${index}]`));
}
