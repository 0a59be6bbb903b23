// Proves the segmented log's options get their defaults and that bad or contradictory values are
// refused, naming the field.
import { describe, expect, it } from 'vitest';
import { limits } from '../../core/index.js';
import { parseSegmentedLogOptions } from './options.js';

describe('segmented log options', () => {
  it('fills in the defaults', () => {
    const options = parseSegmentedLogOptions({ dir: '/tmp/log' });
    expect(options).toMatchObject({
      partitions: 8,
      segmentBytes: limits.segmentBytesDefault,
      indexIntervalBytes: limits.indexIntervalBytesDefault,
      groupCommitIntervalMs: limits.groupCommitIntervalMsDefault,
      fsync: 'batch',
      retentionBytes: 0,
      dedupeWindowMs: limits.dedupeWindowMsDefault,
      readOnly: false,
      followPollIntervalMs: limits.logFollowPollIntervalMsDefault,
      followWatch: true,
    });
  });

  it('refuses bad and contradictory values, naming the field', () => {
    expect(() => parseSegmentedLogOptions({ dir: '' })).toThrow(/option dir/);
    expect(() => parseSegmentedLogOptions({ dir: 'x', partitions: limits.partitionsMax + 1 })).toThrow(/option partitions/);
    expect(() => parseSegmentedLogOptions({ dir: 'x', fsync: 'never' as 'batch' })).toThrow(/option fsync/);
    expect(() => parseSegmentedLogOptions({ dir: 'x', segmentBytes: 8_192, indexIntervalBytes: 16_384 })).toThrow(/option indexIntervalBytes/);
    expect(() => parseSegmentedLogOptions({ dir: 'x', readOnly: 'yes' as unknown as boolean })).toThrow(/option readOnly/);
    expect(() => parseSegmentedLogOptions({ dir: 'x', followPollIntervalMs: 0 })).toThrow(/option followPollIntervalMs/);
  });
});
