// The 64-byte record of one tracked address (or network) in a slot table: one cache line, so a
// click touches one line per key instead of one per field. Offsets are in units of the typed view
// they are read through (f64: 8 bytes, u32/f32: 4, u16: 2, u8: 1), relative to the record start.
//
//   bytes  0..8   key (f64)               the address key (or network key)
//   bytes  8..16  network (f64)           the address's network key (addresses only)
//   bytes 16..20  last second (i32)       newest event second in the windows (rule seconds); free list link when free
//   bytes 20..24  baseline mean (f32)     EWMA of clicks per closed 10-s bucket
//   bytes 24..28  baseline variance (f32) EWMA of their variance
//   byte  28      verdict (u8)            the verdict in force (after the last click)
//   byte  29      reasons (u8)            its reason bits
//   byte  30      flags (u8)              live, dirty, persisted, queued, own row (below)
//   byte  31      spare                   (in a checkpoint, bytes 30..32 carry the partition instead)
//   bytes 32..52  seconds (u16 x 10)      clicks per second, ring indexed by second % 10
//   bytes 52..64  buckets (u16 x 6)       clicks per 10-s bucket, ring indexed by bucket % 6

export const recordBytes = 64;

/**
 * Rule seconds count from 2020-01-01T00:00:00Z, so they are small integers (int32 until 2088) and
 * ring positions are integer arithmetic; an earlier event time counts as that instant.
 */
export const ruleEpochSeconds = 1_577_836_800;

/** The rule second of an event time (epoch ms). */
export function ruleSecondOf(eventTimeMs: number): number {
  const second = Math.floor(eventTimeMs / 1_000) - ruleEpochSeconds;
  return second > 0 ? second | 0 : 0;
}

/** The epoch ms at which a rule second begins. */
export function epochMsOfRuleSecond(second: number): number {
  return (second + ruleEpochSeconds) * 1_000;
}
export const f64PerRecord = recordBytes / 8;
export const u32PerRecord = recordBytes / 4;
export const u16PerRecord = recordBytes / 2;

export const f64Key = 0;
export const f64Network = 1;
export const u32LastSecond = 4;
export const f32Mean = 5;
export const f32Variance = 6;
export const u8Verdict = 28;
export const u8Reasons = 29;
export const u8Flags = 30;
export const u16Seconds = 16;
export const u16Buckets = 26;

export const secondsInRing = 10;
export const bucketsInRing = 6;
export const bucketSeconds = 10;
/** Per-second and per-bucket counts saturate here. */
export const countCeiling = 65_535;

/** The slot holds a key. */
export const flagLive = 0x01;
/** Changed since the last checkpoint (listed once in the dirty list). */
export const flagDirty = 0x02;
/** The key is in a checkpointed changelog chunk (so removing it must be logged; ip-changelog.ts). */
export const flagPersisted = 0x04;
/** Listed in the queue of non-ok addresses waiting to go quiet. */
export const flagQueued = 0x08;
/** The key has its own checkpointed row in the `ips` state (so removing it must delete that row). */
export const flagOwnRow = 0x10;

/** Records are copied as raw bytes into checkpoints, so their byte order must be fixed. */
export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
