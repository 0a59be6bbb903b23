// Proves /metrics: it asks for the operator token (or is open when configured so), its text parses
// as the Prometheus exposition format, and it carries the named series with values that follow
// the pipeline: log lag from the log's end against committed positions, late clicks by reason,
// freshness per computation turning late (and counted) when a target is missed, batch runs by
// status, fraud verdicts and redirects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeClick } from '../../src/events/index.js';
import { createApp, createAuthenticator, registerQueryRoutes } from '../../src/serve/index.js';
import type { StreamMetrics } from '../../src/stream/index.js';
import { createSilentLogger } from '../../src/core/index.js';
import { call, click, operatorToken, startQueryWorld, type QueryWorld } from './query-fixtures.js';

const now = Date.parse('2026-11-25T12:10:00Z');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format strictly: every line is a comment or a sample. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;

function workerMetrics(events: number): StreamMetrics {
  return {
    job: 'speed',
    partitions: [],
    watermarkMs: now - 5_000,
    eventsProcessed: events,
    batchesProcessed: 1,
    lateEvents: {},
    lateRowsOverflowed: 0,
    liveMessagesDropped: 0,
    stateKeys: 2,
    stateEvictions: 0,
    stateExpirations: 0,
    checkpoints: 3,
    lastCheckpoint: { checkpointId: 3, durationMs: 12, commitMs: 4, stateRows: 1, viewRows: 1, lateRows: 0, rows: 2, bytes: 100, committedAtMs: now },
    checkpointAgeMs: 0,
  };
}

describe('/metrics', () => {
  let world: QueryWorld;

  beforeEach(async () => {
    world = await startQueryWorld(now);
  });
  afterEach(async () => {
    await world.close();
  });

  it('asks for the operator token, unless configured open', async () => {
    expect((await call(world.app, 'GET', '/metrics', undefined)).status).toBe(401);
    expect((await call(world.app, 'GET', '/metrics', world.alpha.readKey)).status).toBe(403);
    expect((await call(world.app, 'GET', '/v1/metrics', world.alpha.readKey)).status).toBe(403);
    const ok = await call(world.app, 'GET', '/metrics', operatorToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    const logger = createSilentLogger();
    const open = createApp({ store: world.store, authenticator: createAuthenticator({ store: world.store, clock: world.clock }, { operatorToken, cacheTtlMs: 0, cacheEntries: 10 }), logger, isReady: () => true }, { managementBodyBytesMax: 4096 });
    registerQueryRoutes(open, world.services, { metricsAccess: 'open' });
    expect((await call(open, 'GET', '/metrics', undefined)).status).toBe(200);
    expect((await call(open, 'GET', '/v1/metrics', undefined)).status).toBe(401);
  });

  it('parses, and carries throughput, lag, freshness, late clicks, batch runs, fraud and redirects', async () => {
    const { alpha } = world;
    // Committed: one click per partition the clicks land in; two late clicks in the ledger.
    await world.stream([click(alpha.linkId, now - 60_000, 1), click(alpha.linkId, now - 50_000, 2)], [{ partition: 0, reason: 'too_late', count: 2 }]);
    const positions = await world.store.streamCheckpoints.positions('speed');
    const committed = positions.reduce((total, position) => total + position.nextOffset, 0);
    // The log holds those plus three more on partition 1: lag 3 on partition 1.
    for (const position of positions) await world.log.append(position.partition, Array.from({ length: position.nextOffset }, () => encodeClick(click(alpha.linkId, now, 9))));
    await world.log.append(1, [0, 1, 2].map((n) => encodeClick(click(alpha.linkId, now, 20 + n))));
    let events = 100;
    world.services.streamJobs = () => [{ job: 'speed', workers: [{ worker: 0, partitions: [0, 1, 2, 3], pid: 1, state: 'running', restarts: 0 }], metrics: [workerMetrics(events)], lastCommitAtMs: now }];
    // A failed hourly run and a successful digest of yesterday.
    const failed = await world.store.batchRuns.create({ job: 'hourly', partition: '2026-11-25T10', trigger: 'schedule', queuedAtMs: now });
    await world.store.batchRuns.start(failed.id, { attempt: 1, startedAtMs: now, partitionVersion: 0 });
    await world.store.batchRuns.finish(failed.id, { status: 'failed', finishedAtMs: now + 1, error: { message: 'disk full', domain: 'external', code: 'io' } });
    const digest = await world.store.batchRuns.create({ job: 'digest', partition: '2026-11-24', trigger: 'schedule', queuedAtMs: now });
    await world.store.batchRuns.start(digest.id, { attempt: 1, startedAtMs: now, partitionVersion: 0 });
    await world.store.batchRuns.finish(digest.id, { status: 'succeeded', finishedAtMs: now + 1, outputHash: 'sha256:digest' });

    const first = parseMetrics((await call(world.app, 'GET', '/metrics', operatorToken)).text);
    expect(first.types.get('clickflow_late_clicks_total')).toBe('counter');
    expect(first.types.get('clickflow_stream_log_lag_records')).toBe('gauge');
    expect(valueOf(first.samples, 'clickflow_stream_log_lag_records', { job: 'speed', partition: '1' })).toBe(3);
    expect(first.samples.filter((s) => s.name === 'clickflow_log_end_offset').reduce((total, s) => total + s.value, 0)).toBe(committed + 3);
    expect(valueOf(first.samples, 'clickflow_late_clicks_total', { job: 'speed', reason: 'too_late' })).toBe(2);
    expect(valueOf(first.samples, 'clickflow_stream_watermark_lag_seconds', { job: 'speed' })).toBe(5);
    expect(valueOf(first.samples, 'clickflow_stream_checkpoint_duration_seconds', { job: 'speed', phase: 'barrier' })).toBe(0.012);
    expect(valueOf(first.samples, 'clickflow_batch_runs', { job: 'hourly', status: 'failed' })).toBe(1);
    expect(valueOf(first.samples, 'clickflow_batch_runs', { job: 'hourly', status: 'succeeded' })).toBe(0);
    expect(valueOf(first.samples, 'clickflow_freshness_ok', { computation: 'digest' })).toBe(1);
    expect(valueOf(first.samples, 'clickflow_freshness_target_seconds', { computation: 'counters' })).toBe(1);
    expect(valueOf(first.samples, 'clickflow_freshness_target_seconds', { computation: 'fraud' })).toBe(0.5);
    expect(valueOf(first.samples, 'clickflow_freshness_ok', { computation: 'billing' })).toBeUndefined();
    expect(valueOf(first.samples, 'clickflow_fraud_verdict_addresses')).toBe(0);
    expect(valueOf(first.samples, 'clickflow_redirects_total', { outcome: 'redirected' })).toBe(7);

    // Two seconds on, records still wait: fraud and counters miss their targets, once each.
    world.clock.advance(2_000);
    events = 2_100;
    const second = parseMetrics((await call(world.app, 'GET', '/metrics', operatorToken)).text);
    expect(valueOf(second.samples, 'clickflow_freshness_ok', { computation: 'fraud' })).toBe(0);
    expect(valueOf(second.samples, 'clickflow_freshness_ok', { computation: 'counters' })).toBe(0);
    expect(valueOf(second.samples, 'clickflow_freshness_age_seconds', { computation: 'counters' })).toBe(2);
    expect(valueOf(second.samples, 'clickflow_freshness_missed_total', { computation: 'fraud' })).toBe(1);
    expect(valueOf(second.samples, 'clickflow_stream_events_processed_total', { job: 'speed' })).toBe(2_100);
    // 2,000 events over the two seconds between the scrapes.
    expect(valueOf(second.samples, 'clickflow_stream_events_per_second', { job: 'speed' })).toBe(1_000);
    const third = parseMetrics((await call(world.app, 'GET', '/metrics', operatorToken)).text);
    expect(valueOf(third.samples, 'clickflow_freshness_missed_total', { computation: 'fraud' })).toBe(1);
  });
});
