// Proves a spool line has the fields raw-from-csv.sql declares, in its order, with the record's
// codes as the SQL decodes them (device order, flag bits, country code); keeps a click's texts in
// one quoted field with quotes doubled and each text's length in characters; and stays within its
// bound for the longest click there can be.
import { describe, expect, it } from 'vitest';
import { limits } from '../core/index.js';
import { clickFlagBits, deviceClasses, sampleClickEvent } from '../events/index.js';
import { clickCsvLineBytesMax, writeClickCsvLine } from './click-csv.js';
import { loadSql } from './sql-files.js';

const sql = loadSql(import.meta.url, 'raw-from-csv.sql');

describe('click CSV lines', () => {
  it('match the spool columns and codes raw-from-csv.sql reads', () => {
    const declared = [...sql.matchAll(/'(\w+)': '(\w+)'/g)].map((match) => match[1]);
    const out = Buffer.alloc(clickCsvLineBytesMax);
    const line = out.toString('utf8', 0, writeClickCsvLine(out, 0, sampleClickEvent(5, { userAgent: 'no quotes, but a comma' }), 2, 9));
    // One comma inside the quoted texts, the rest separate the declared fields.
    expect(line.split(',').length - 1).toBe(declared.length);
    expect(declared.slice(0, 3)).toEqual(['event_time_ms', 'ingest_time_ms', 'texts']);
    expect(sql).toContain(`[${deviceClasses.map((device) => `'${device}'`).join(', ')}][device + 1]`);
    expect(sql).toContain(`(flags & ${clickFlagBits.bot}) <> 0 AS bot`);
    expect(sql).toContain(`(flags & ${clickFlagBits.head}) <> 0 AS head`);
    expect(sql).toContain(`(flags & ${clickFlagBits.import}) <> 0 THEN 'import'`);
  });

  it('keeps the texts in one quoted field, quotes doubled, with their lengths in characters', () => {
    const out = Buffer.alloc(clickCsvLineBytesMax);
    const event = sampleClickEvent(3, {
      linkId: 'L', userId: 'U', accountId: 'A', slug: 's', id: 'a"b', browser: 'B', os: '', userAgent: 'x,\n"y"🎉', referrer: 'é',
      ip: '1.2.3.4', country: 'DE', device: 'mobile', bot: true, head: false, source: 'import',
    });
    const line = out.toString('utf8', 0, writeClickCsvLine(out, 0, event, 7, 42));
    const code = 1 + 3 * 26 + 4;
    expect(line).toBe(`${event.eventTimeMs},${event.ingestTimeMs},"LUAsa""bBx,\n""y""🎉é",1,1,1,1,3,1,0,7,1,1.2.3.4,${code},1,9,7,42\n`);
  });

  it('keeps the longest possible click within the bound', () => {
    const quotes = (bytes: number) => '"'.repeat(bytes);
    const event = sampleClickEvent(1, {
      id: quotes(limits.eventIdBytesMax), linkId: quotes(limits.entityIdBytesMax), userId: quotes(limits.entityIdBytesMax), accountId: quotes(limits.entityIdBytesMax),
      slug: quotes(limits.slugBytesMax), userAgent: quotes(limits.userAgentBytesMax), referrer: quotes(limits.referrerBytesMax), browser: quotes(limits.classBytesMax),
      os: quotes(limits.classBytesMax), ip: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', eventTimeMs: 2 ** 48 - 1, ingestTimeMs: 2 ** 48 - 1,
    });
    const out = Buffer.alloc(clickCsvLineBytesMax + 1);
    expect(writeClickCsvLine(out, 0, event, limits.partitionsMax, Number.MAX_SAFE_INTEGER)).toBeLessThan(clickCsvLineBytesMax);
  });
});
