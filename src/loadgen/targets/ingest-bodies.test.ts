// Proves bodies hold one account's lines each, every event exactly once and in order within its
// account, at most linesPerRequest lines, and that flushing seals the partly filled ones.
import { describe, expect, it } from 'vitest';
import { createLoadGenerator } from '../generator.js';
import { createLineRenderer } from '../line-renderer.js';
import { createBodyQueue, type SealedBody } from './ingest-bodies.js';

describe('ingest bodies', () => {
  it('splits batches by account into bounded bodies covering every event once', () => {
    const generator = createLoadGenerator({ accounts: 4, usersPerAccount: 2, links: 80, visitors: 1_000, networks: 100 });
    const renderer = createLineRenderer(generator.world, generator.eventIdPrefix, { traits: false });
    const queue = createBodyQueue(generator.world, renderer, 300);
    const batches = [generator.nextBatch(700), generator.nextBatch(900)];
    for (const batch of batches) queue.accept(batch);
    queue.flush();
    const bodies: SealedBody[] = [];
    for (let body = queue.shift(); body; body = queue.shift()) bodies.push(body);
    expect(queue.queuedBytes).toBe(0);
    const seen = batches.map((batch) => new Uint8Array(batch.size));
    const slugAccount = new Map(generator.world.links.map((link) => [link.slug, link.accountIndex]));
    for (const body of bodies) {
      expect(body.lines).toBeLessThanOrEqual(300);
      const lines = body.bytes.toString('latin1').split('\n').slice(0, -1);
      expect(lines).toHaveLength(body.lines);
      for (const line of lines) expect(slugAccount.get((JSON.parse(line) as { slug: string }).slug)).toBe(body.account);
      let line = 0;
      for (const segment of body.segments) {
        const batchNumber = batches.indexOf(segment.batch);
        for (let at = segment.start; at < segment.end; at++, line++) {
          const index = body.indexes[at]!;
          seen[batchNumber]![index]!++;
          expect(lines[line]).toBe(renderer.line(segment.batch, index).slice(0, -1));
        }
      }
    }
    for (const counts of seen) expect(counts.every((count) => count === 1)).toBe(true);
  });
});
