// Proves the address changelog: many checkpoints of a rule under eviction pressure (own rows and
// chunks mixed, removals, rolling bases, deltas deleted) leave stored rows that restore a rule
// holding exactly the addresses and records of the original, which then judges on identically;
// stored bytes stay bounded by about twice the live records.
import { describe, expect, it } from 'vitest';
import { createFraudRule, type FraudRule } from './fraud-rule.js';
import { ipStateKey } from './partition-rules.js';
import { rangeCount } from './ip-changelog.js';

const startMs = Date.UTC(2026, 2, 1, 12, 0, 0);
const partition = 5;

/** The rows a store would hold after applying each checkpoint's deletions, then upserts. */
interface StoredRows {
  own: Map<string, Uint8Array>;
  chunks: Map<string, Uint8Array>;
}

function checkpoint(rule: FraudRule, stored: StoredRows): { chunksPut: number; ownPut: number } {
  const ownPuts = new Map<string, number>();
  const chunkPuts = new Map<string, Uint8Array>();
  const ownDeletes: string[] = [];
  const chunkDeletes: string[] = [];
  rule.checkpointAddresses(partition, {
    putOwn: (ipKey, slot) => void ownPuts.set(ipStateKey(ipKey), slot),
    deleteOwn: (ipKey) => void (ownPuts.delete(ipStateKey(ipKey)) || ownDeletes.push(ipStateKey(ipKey))),
    putChunk: (key, bytes) => void chunkPuts.set(key, bytes.slice()),
    deleteChunk: (key) => void (chunkPuts.delete(key) || chunkDeletes.push(key)),
  });
  for (const key of ownDeletes) stored.own.delete(key);
  for (const key of chunkDeletes) stored.chunks.delete(key);
  // Own rows are encoded at collect, from the records as they are then.
  for (const [key, slot] of ownPuts) stored.own.set(key, rule.encodeIp(slot, partition));
  for (const [key, bytes] of chunkPuts) stored.chunks.set(key, bytes);
  return { chunksPut: chunkPuts.size, ownPut: ownPuts.size };
}

function restore(stored: StoredRows, summary: Uint8Array): FraudRule {
  const rule = createFraudRule({ ipsMax: 12_000 });
  for (const bytes of stored.chunks.values()) rule.queueRestoredChunk(bytes);
  for (const bytes of stored.own.values()) rule.queueRestoredIp(bytes);
  rule.restoreSummary(summary);
  return rule;
}

/** Clicks from a churning crowd (many more addresses than the bound) plus a few steady ones. */
function feed(rule: FraudRule, from: number, to: number): number[] {
  const verdicts: number[] = [];
  for (let index = from; index < to; index++) {
    const host = index % 5 === 0 ? index % 40 : 40 + ((index * 13) % 20_000);
    const ip = `10.${host >> 8}.${host & 255}.${(index % 3) + 1}`;
    const key = Number(ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0));
    verdicts.push(rule.observe(key, Math.floor(key / 256), startMs + index * 3));
  }
  return verdicts;
}

describe('fraud address changelog', () => {
  it('restores exactly the rule it was checkpointed from, through own rows, deltas, bases and removals', () => {
    const original = createFraudRule({ ipsMax: 12_000 });
    const stored: StoredRows = { own: new Map(), chunks: new Map() };
    let chunkCheckpoints = 0;
    let ownCheckpoints = 0;
    for (let round = 0; round < 160; round++) {
      // Busy rounds write chunks; then two quiet rounds of 40 steady addresses: the first brings back
      // those evicted (removals: chunks), the second only updates tracked ones (own rows).
      const quiet = round % 4 >= 2;
      const clicks = quiet ? 200 : 1_500;
      const from = round * 3_000;
      if (quiet) {
        for (let index = from; index < from + clicks; index++) original.observe(167_772_161 + (index % 40) * 256, 655_360 + (index % 40), startMs + index * 3);
      } else {
        feed(original, from, from + clicks);
      }
      const { chunksPut, ownPut } = checkpoint(original, stored);
      if (chunksPut > 0) chunkCheckpoints++;
      if (ownPut > 0) ownCheckpoints++;
    }
    expect(chunkCheckpoints).toBeGreaterThan(40);
    expect(ownCheckpoints).toBeGreaterThan(5);
    expect(original.stats().ipEvictions).toBeGreaterThan(2_000);
    // Deltas older than every range's base are gone: the store holds about the live records, twice at most.
    const storedBytes = [...stored.chunks.values(), ...stored.own.values()].reduce((sum, bytes) => sum + bytes.byteLength, 0);
    expect(storedBytes).toBeLessThan(3 * 12_000 * 64 + rangeCount * 64 * 24);
    const deltas = [...stored.chunks.keys()].filter((key) => key.startsWith('d')).length;
    // Bases roll a few ranges at a time here, so several deltas are live at once.
    expect(deltas).toBeGreaterThan(2);
    expect(deltas).toBeLessThanOrEqual(rangeCount + 1);

    const restored = restore(stored, original.encodeSummary(partition));
    expect(restored.stats()).toEqual({ ...original.stats(), ipEvictions: 0, ipExpirations: 0, networkEvictions: 0, networkExpirations: 0, networks: restored.stats().networks });
    original.forEachDirty(() => undefined);
    // Every address of the original, with the same numbers; and nothing else.
    let compared = 0;
    for (let host = 0; host < 20_040; host++) {
      for (let last = 1; last <= 3; last++) {
        const key = 167_772_160 + host * 256 + last;
        const slot = original.find(key);
        expect(restored.find(key) >= 0).toBe(slot >= 0);
        if (slot < 0) continue;
        // Networks are rebuilt from the addresses still tracked: evicted ones' clicks are not in them.
        const withoutNetwork = (numbers: ReturnType<FraudRule['numbers']>) => ({ ...numbers, network10s: 0, network60s: 0 });
        expect(withoutNetwork(restored.numbers(restored.find(key)))).toEqual(withoutNetwork(original.numbers(slot)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2_000);
    expect(feed(restored, 500_000, 520_000)).toEqual(feed(original, 500_000, 520_000));
  });
});
