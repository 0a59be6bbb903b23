// A rule's state as checkpoint values. An address is its 64-byte record as it is in memory (its
// flag bytes carry the partition), so only the addresses that changed are written at each checkpoint. The
// partition's clock and heavy-hitter summary are one value. Networks are not written at all: their
// windows are the sums of their addresses' windows, rebuilt after a restore (exact unless an
// address that clicked in the last minute was evicted under memory pressure).
import { assert, InternalError } from '../../core/index.js';
import {
  bucketSeconds,
  bucketsInRing,
  f64Key,
  f64Network,
  f64PerRecord,
  flagLive,
  flagOwnRow,
  flagQueued,
  littleEndian,
  recordBytes,
  secondsInRing,
  u16Buckets,
  u16PerRecord,
  u16Seconds,
  u32LastSecond,
  u32PerRecord,
  u8Flags,
  u8Verdict,
} from './record-layout.js';
import { replayChangelog, restoredFlags } from './ip-changelog.js';
import type { RuleState } from './rule-state.js';
import { addClicks, advanceWindows, bucketOf, startWindows } from './window-counts.js';

const summaryVersion = 1;
const summaryHeaderBytes = 48;
const counterBytes = 24;

assert(littleEndian, 'fraud state is checkpointed as little-endian records; this machine is big-endian');

function corrupt(what: string): InternalError {
  return new InternalError(`fraud state: ${what}`, { code: 'fraud_state_corrupt' });
}

/** The partition of an address value: its record's flag bytes (30..32) carry it in a checkpoint. */
export function partitionOfIpValue(bytes: Uint8Array): number {
  if (bytes.byteLength !== recordBytes) throw corrupt(`an address value of ${bytes.byteLength} bytes, not ${recordBytes}`);
  return bytes[u8Flags]! | (bytes[u8Flags + 1]! << 8);
}

/** The partition of a summary value (bytes 2..4). */
export function partitionOfSummary(bytes: Uint8Array): number {
  if (bytes.byteLength < summaryHeaderBytes || bytes[0] !== summaryVersion) throw corrupt(`a summary value of ${bytes.byteLength} bytes, version ${bytes[0]}`);
  return bytes[2]! | (bytes[3]! << 8);
}

/**
 * The record as it is, its in-memory flags replaced by the partition: 64 bytes, which V8 keeps on
 * its heap (no malloc per checkpointed address).
 */
export function encodeIpRecord(state: RuleState, slot: number, partition: number): Uint8Array {
  const bytes = new Uint8Array(recordBytes);
  bytes.set(state.ips.u8.subarray(slot * recordBytes, (slot + 1) * recordBytes));
  bytes[u8Flags] = partition & 0xff;
  bytes[u8Flags + 1] = partition >>> 8;
  return bytes;
}

export function restoreIpRecord(state: RuleState, bytes: Uint8Array): number {
  partitionOfIpValue(bytes);
  const key = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
  const { ips } = state;
  if (ips.find(key) >= 0) throw corrupt(`address key ${key} restored twice`);
  const slot = ips.insert(key);
  ips.u8.set(bytes, slot * recordBytes);
  ips.u8[slot * recordBytes + u8Flags] = flagLive | flagOwnRow;
  ips.u8[slot * recordBytes + u8Flags + 1] = 0;
  state.flags.rebuildPending = true;
  return slot;
}

/** Inserts the records a restore read back (chunks and own rows, newest of each address). */
function applyRestoredAddresses(state: RuleState): void {
  const { ips } = state;
  for (const [ipKey, { record, own, inChunks }] of replayChangelog(state)) {
    if (ips.find(ipKey) >= 0) throw corrupt(`address key ${ipKey} restored twice`);
    const slot = ips.insert(ipKey);
    ips.u8.set(record, slot * recordBytes);
    ips.u8[slot * recordBytes + u8Flags] = restoredFlags(own, inChunks);
    ips.u8[slot * recordBytes + u8Flags + 1] = 0;
  }
}

export function encodeSummary(state: RuleState, partition: number): Uint8Array {
  const { heavy, clock } = state;
  const bytes = new Uint8Array(summaryHeaderBytes + heavy.size() * counterBytes);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, summaryVersion);
  view.setUint16(2, partition, true);
  view.setFloat64(8, clock.second, true);
  view.setFloat64(16, clock.period, true);
  view.setFloat64(24, heavy.total, true);
  view.setFloat64(32, state.clicks, true);
  view.setUint32(40, state.ips.evictionHand, true);
  view.setUint32(44, state.networks.evictionHand, true);
  let at = summaryHeaderBytes;
  heavy.forEachInOrder((key, count, error) => {
    view.setFloat64(at, key, true);
    view.setFloat64(at + 8, count, true);
    view.setFloat64(at + 16, error, true);
    at += counterBytes;
  });
  return bytes;
}

export function restoreSummary(state: RuleState, bytes: Uint8Array): void {
  partitionOfSummary(bytes);
  const counters = (bytes.byteLength - summaryHeaderBytes) / counterBytes;
  if (!Number.isInteger(counters)) throw corrupt(`a summary value of ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { heavy, clock } = state;
  clock.second = view.getFloat64(8, true);
  clock.period = view.getFloat64(16, true);
  state.clicks = view.getFloat64(32, true);
  state.ips.evictionHand = view.getUint32(40, true);
  state.networks.evictionHand = view.getUint32(44, true);
  heavy.reset();
  // Fewer counters than checkpointed (the option was lowered): the smallest are left out.
  const kept = Math.min(counters, heavy.countersMax);
  for (let index = counters - kept; index < counters; index++) {
    const at = summaryHeaderBytes + index * counterBytes;
    heavy.restoreCounter(view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true));
  }
  heavy.total = view.getFloat64(24, true);
  state.flags.rebuildPending = true;
}

/** Adds an address's windows into its network's (whose rings are aligned to the newest second). */
function addToNetwork(state: RuleState, slot: number): void {
  const { ips, networks } = state;
  const networkKey = ips.f64[slot * f64PerRecord + f64Network]!;
  const last = ips.i32[slot * u32PerRecord + u32LastSecond]!;
  let network = networks.find(networkKey);
  if (network < 0) {
    network = networks.insert(networkKey);
    startWindows(networks, network, last);
  } else {
    advanceWindows(networks, network, last);
  }
  const base = slot * u16PerRecord;
  for (let back = 0; back < secondsInRing; back++) {
    const second = last - back;
    const count = ips.u16[base + u16Seconds + (second % secondsInRing)]!;
    if (count > 0) addClicks(networks, network, second, count, 0);
  }
  const lastBucket = bucketOf(last);
  for (let back = 0; back < bucketsInRing; back++) {
    const bucket = lastBucket - back;
    const count = ips.u16[base + u16Buckets + (bucket % bucketsInRing)]!;
    if (count > 0) addClicks(networks, network, bucket * bucketSeconds, 0, count);
  }
}

/** After restoring: networks from their addresses, and the queue of non-ok addresses. */
export function rebuildAfterRestore(state: RuleState): void {
  state.flags.rebuildPending = false;
  if (state.changelog.pending.length > 0 || state.changelog.pendingOwn.length > 0) applyRestoredAddresses(state);
  const { ips, networks, quiet } = state;
  networks.forEachLive((slot) => networks.remove(slot));
  quiet.clear();
  ips.forEachLive((slot) => {
    addToNetwork(state, slot);
    if (ips.u8[slot * recordBytes + u8Verdict] !== 0) {
      quiet.push(slot, ips.f64[slot * f64PerRecord + f64Key]!);
      ips.u8[slot * recordBytes + u8Flags] = ips.u8[slot * recordBytes + u8Flags]! | flagQueued;
    }
  });
}
