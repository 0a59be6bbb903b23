// Proves the alert feed's bounds: a client that stops reading is dropped once its queue is full
// (memory never grows with it) while a reading client keeps everything; one client over the bound
// is refused with 503; heartbeats come on the injected clock.
import { describe, expect, it } from 'vitest';
import { createSilentLogger, createTestClock } from '../core/index.js';
import type { FraudVerdictChange } from '../jobs/fraud/index.js';
import { emptyFraudNumbers } from '../jobs/fraud/index.js';
import { createFraudAlertHub } from './fraud-alerts.js';
import { HttpError } from './http-error.js';

function change(index: number): FraudVerdictChange {
  return { ip: `198.51.100.${index % 250}`, ipKey: index, partition: 0, from: 'ok', to: 'suspicious', reasons: ['ip-10s'], cause: 'click', eventTimeMs: index, offset: index, userAgent: null, numbers: emptyFraudNumbers() };
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, chunks: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (let read = 0; read < chunks; read++) text += decoder.decode((await reader.read()).value);
  return text;
}

describe('fraud alert hub', () => {
  it('drops a client that stops reading, keeps one that reads', async () => {
    const hub = createFraudAlertHub({ clock: createTestClock(), logger: createSilentLogger() }, { clientBufferEvents: 5 });
    const slow = hub.open().getReader();
    const fast = hub.open().getReader();
    let received = '';
    for (let index = 0; index < 20; index++) {
      hub.publish(change(index));
      received += await drain(fast, index === 0 ? 2 : 1);
    }
    expect(received.match(/event: verdict/g)?.length).toBe(20);
    expect(hub.stats()).toMatchObject({ clients: 1, droppedClients: 1 });
    // The slow one's stream errors: what was queued for it is released with it.
    await expect(drain(slow, 10)).rejects.toThrow(/fell behind/);
  });

  it('refuses a client over the bound with 503', () => {
    const hub = createFraudAlertHub({ clock: createTestClock(), logger: createSilentLogger() }, { clientsMax: 2 });
    hub.open();
    hub.open();
    expect(() => hub.open()).toThrow(HttpError);
    expect(hub.stats().refused).toBe(1);
  });

  it('sends heartbeat comments on the injected clock while clients are connected', async () => {
    const clock = createTestClock();
    const hub = createFraudAlertHub({ clock, logger: createSilentLogger() }, { heartbeatMs: 1_000 });
    const reader = hub.open().getReader();
    await drain(reader, 1);
    clock.advance(999);
    clock.advance(1);
    expect(await drain(reader, 1)).toMatch(/^: heartbeat 2026-01-01T00:00:01.000Z\n\n$/);
    clock.advance(1_000);
    expect(await drain(reader, 1)).toMatch(/^: heartbeat/);
    hub.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});
