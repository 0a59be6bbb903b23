// Proves every generated import line is one the ingest API accepts (validateImportLine, strict),
// with and without traits, that it says what the columns say, and that click events agree.
import { describe, expect, it } from 'vitest';
import { parseClickValidationPolicy, validateClickEvent, validateImportLine } from '../events/index.js';
import { toClickEvents } from './click-events.js';
import { createLoadGenerator } from './generator.js';
import { createLineRenderer } from './line-renderer.js';
import { eventFlags } from './types.js';

const policy = parseClickValidationPolicy();

describe('line renderer', () => {
  for (const traits of [true, false]) {
    it(`renders lines that pass import validation (traits ${traits ? 'sent' : 'left out'})`, () => {
      const generator = createLoadGenerator({ links: 500, visitors: 5_000, networks: 500, seed: 9, duplicateShare: 0.02, lateShare: 0.02, headShare: 0.05 });
      const renderer = createLineRenderer(generator.world, generator.eventIdPrefix, { traits });
      for (let round = 0; round < 5; round++) {
        const batch = generator.nextBatch(2_000);
        // Validated as ingest would at the moment the batch is due: late events are still in the window.
        const nowMs = Math.ceil(batch.scheduledMs[batch.size - 1]!);
        const lines = renderer.ndjson(batch).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toEqual(renderer.importLines(batch));
        lines.forEach((text, index) => {
          const result = validateImportLine(JSON.parse(text), policy, nowMs);
          if (!result.ok) throw new Error(`line ${index} refused: ${JSON.stringify(result.problems)}\n${text}`);
          const visitor = batch.visitor[index]!;
          expect(result.line.id).toBe(generator.eventId(batch.serial[index]!));
          expect(result.line.eventTimeMs).toBe(batch.eventTimeMs[index]);
          expect(result.line.slug).toBe(generator.world.links[batch.link[index]!]!.slug);
          expect(result.line.ip).toBe(generator.world.visitors.ip[visitor]);
          expect(result.line.head).toBe((batch.flags[index]! & eventFlags.head) !== 0);
          expect(result.line.bot).toBe(traits ? generator.world.agents[generator.world.visitors.agent[visitor]!]!.bot : undefined);
        });
      }
    });
  }

  it('makes click events that pass event validation', () => {
    const generator = createLoadGenerator({ links: 200, visitors: 2_000, networks: 200, seed: 5 });
    const batch = generator.nextBatch(3_000);
    const nowMs = Math.ceil(batch.scheduledMs[batch.size - 1]!);
    const events = toClickEvents(generator.world, batch, { eventIdPrefix: generator.eventIdPrefix, ingestTimeMs: nowMs, source: 'redirect' });
    for (const event of events) {
      const result = validateClickEvent(event, policy, nowMs);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.event).toEqual(event);
    }
  });
});
