// Proves SQL templates are filled completely and exactly, and string literals are quoted safely.
import { describe, expect, it } from 'vitest';
import { loadSql, renderSql, sqlString } from './sql-files.js';

describe('SQL files', () => {
  it('fills every placeholder and refuses missing or unused parameters', () => {
    expect(renderSql('SELECT {{a}} FROM {{b}} WHERE x = {{a}}', { a: 1, b: sqlString("it's") })).toBe("SELECT 1 FROM 'it''s' WHERE x = 1");
    expect(() => renderSql('SELECT {{a}}', {})).toThrow(/\{\{a\}\} is not given/);
    expect(() => renderSql('SELECT 1', { a: 1 })).toThrow(/a is not used/);
  });

  it('loads the raw file query beside its module, with its one placeholder', () => {
    const sql = loadSql(import.meta.url, 'raw-from-csv.sql');
    expect(sql).toContain('ORDER BY event_time_ms, id, log_partition, log_offset');
    expect([...sql.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1])).toEqual(['csv']);
  });
});
