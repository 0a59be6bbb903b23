// Proves lake file names carry kind, partition and offsets both ways, temp names hide them from
// globs, and anything else is not taken for a lake file.
import { describe, expect, it } from 'vitest';
import { lakeFileName, parseLakeFileName, parseTempFileName, tempFileName } from './lake-file-names.js';

describe('lake file names', () => {
  it('round-trips kind, partition and first and last offset', () => {
    const name = lakeFileName({ kind: 'late', partition: 12, firstOffset: 0, lastOffset: 4_503_599_627_370_495 });
    expect(name).toBe('late-p12-o0-4503599627370495.parquet');
    expect(parseLakeFileName(name)).toEqual({ kind: 'late', partition: 12, firstOffset: 0, lastOffset: 4_503_599_627_370_495 });
    expect(tempFileName('part-p0-o5-9.parquet')).toBe('.part-p0-o5-9.parquet.tmp');
    expect(parseTempFileName('.part-p0-o5-9.parquet.tmp')).toEqual({ kind: 'part', partition: 0, firstOffset: 5, lastOffset: 9 });
    expect(parseLakeFileName('.part-p0-o5-9.parquet.tmp')).toBeUndefined();
  });

  it('refuses bad names and values', () => {
    for (const name of ['part-p0-o9-5.parquet', 'part-p01-o1-2.parquet', 'other-p0-o1-2.parquet', 'part-p0-o1-2.parquet.tmp', 'part-p0-o1.parquet', 'part-p0-o1-99999999999999999999.parquet']) {
      expect(parseLakeFileName(name), name).toBeUndefined();
    }
    expect(parseTempFileName('part-p0-o1-2.parquet')).toBeUndefined();
    expect(() => lakeFileName({ kind: 'part', partition: 0, firstOffset: 5, lastOffset: 4 })).toThrow(/not a lake file/);
    expect(() => lakeFileName({ kind: 'part', partition: -1, firstOffset: 0, lastOffset: 0 })).toThrow(/not a lake file/);
  });
});
