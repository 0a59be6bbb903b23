// Proves a spool line has the raw schema's columns in the order and with the types the SQL reads
// them, quotes every text (so commas, quotes and line breaks stay inside their field), and stays
// within its bound for the longest click there can be.
import { describe, expect, it } from 'vitest';
import { limits } from '../core/index.js';
import { sampleClickEvent } from '../events/index.js';
import { clickCsvLineBytesMax, rawColumns, writeClickCsvLine } from './click-csv.js';
import { loadSql } from './sql-files.js';

describe('click CSV lines', () => {
  it('follows the column list of raw-from-csv.sql', () => {
    const sql = loadSql(import.meta.url, 'raw-from-csv.sql');
    const declared = [...sql.matchAll(/'(\w+)': '(\w+)'/g)].map((match) => [match[1], match[2]]);
    expect(declared).toEqual(rawColumns.map(([name, type]) => [name, type]));
  });

  it('quotes every text and doubles quotes inside it', () => {
    const out = Buffer.alloc(clickCsvLineBytesMax);
    const event = sampleClickEvent(3, { id: 'a"b', userAgent: 'x,\n"y"', referrer: '', country: 'DE', device: 'mobile', bot: true, head: false, source: 'import' });
    const line = out.toString('utf8', 0, writeClickCsvLine(out, 0, event, 7, 42));
    expect(line).toBe(
      `${event.eventTimeMs},${event.ingestTimeMs},"a""b","${event.linkId}","${event.slug}","${event.userId}","${event.accountId}","${event.ip}",` +
        `"x,\n""y""","","DE","mobile","${event.browser}","${event.os}",true,false,"import",7,42\n`,
    );
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
