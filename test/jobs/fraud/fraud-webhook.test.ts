// Proves the fraud webhook against a real HTTP receiver on a free port: every POST carries a valid
// signature of its body; 500 twice then 200 delivers the alert once after two retries; a 4xx is not
// retried; a full queue drops its oldest alert and counts it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../../src/core/index.js';
import { emptyFraudNumbers, type FraudVerdictChange } from '../../../src/jobs/fraud/index.js';
import { createFraudWebhook, fraudSignatureHeader, verifyFraudWebhookSignature } from '../../../src/serve/fraud-webhook.js';

const secret = 'whsec_fraud-test-0123456789';

function change(ip: string): FraudVerdictChange {
  return { ip, ipKey: 1, partition: 0, from: 'ok', to: 'blocked', reasons: ['ip-10s'], cause: 'click', eventTimeMs: 1, offset: 7, userAgent: 'curl/8.5.0', numbers: emptyFraudNumbers() };
}

interface Received {
  body: string;
  signatureValid: boolean;
}

describe('fraud webhook', () => {
  let server: http.Server;
  let url: string;
  let received: Received[];
  let statuses: number[];

  beforeEach(async () => {
    received = [];
    statuses = [];
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ body, signatureValid: verifyFraudWebhookSignature(request.headers[fraudSignatureHeader] as string | undefined, body, secret, Date.now()) });
        response.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/fraud`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries 5xx with backoff and delivers once, signed', async () => {
    statuses = [500, 500, 200];
    const webhook = createFraudWebhook({ clock: createSystemClock(), logger: createSilentLogger() }, { url, secret, retryDelayMs: 20 });
    webhook.enqueue(change('203.0.113.66'));
    await webhook.idle();
    expect(received.length).toBe(3);
    expect(received.every((request) => request.signatureValid)).toBe(true);
    expect(new Set(received.map((request) => request.body)).size).toBe(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ alerts: [expect.objectContaining({ ip: '203.0.113.66', to: 'blocked', userAgent: 'curl/8.5.0' })] });
    expect(webhook.stats()).toEqual({ queued: 0, delivered: 1, droppedQueueFull: 0, droppedRefused: 0, droppedAttempts: 0, retries: 2 });
    // A signature for another body, or with another secret, does not verify.
    expect(verifyFraudWebhookSignature(`t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, received[0]!.body, secret, Date.now())).toBe(false);
    await webhook.close();
  });

  it('does not retry a 4xx, and gives up after its attempts', async () => {
    statuses = [400, 503, 503];
    const webhook = createFraudWebhook({ clock: createSystemClock(), logger: createSilentLogger() }, { url, secret, retryDelayMs: 5, attempts: 2, alertsPerPost: 1 });
    webhook.enqueue(change('198.51.100.1'));
    webhook.enqueue(change('198.51.100.2'));
    await webhook.idle();
    expect(received.length).toBe(3);
    expect(webhook.stats()).toMatchObject({ delivered: 0, droppedRefused: 1, droppedAttempts: 1, retries: 1 });
    await webhook.close();
  });

  it('drops the oldest alert when its queue is full, and counts it', async () => {
    const webhook = createFraudWebhook({ clock: createSystemClock(), logger: createSilentLogger() }, { url, secret, queueAlertsMax: 3, alertsPerPost: 10 });
    // The first POST takes alert 0 at once; 1..5 wait in a queue of 3: 1 and 2 are dropped.
    for (let index = 0; index < 6; index++) webhook.enqueue(change(`198.51.100.${index}`));
    await webhook.idle();
    expect(webhook.stats()).toMatchObject({ delivered: 4, droppedQueueFull: 2 });
    const ips = received.flatMap((request) => (JSON.parse(request.body) as { alerts: FraudVerdictChange[] }).alerts.map((alert) => alert.ip));
    expect(ips).toEqual(['198.51.100.0', '198.51.100.3', '198.51.100.4', '198.51.100.5']);
    await webhook.close();
  });
});
