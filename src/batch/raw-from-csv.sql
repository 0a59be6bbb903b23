-- The rows of one raw lake file, read from the archiver's CSV spool (written by click-csv.ts in
-- exactly this column order and dialect) and put in a total order, so that the same clicks always
-- make the same file, byte for byte. Types are the lake's raw schema (docs/lake.md).
SELECT
  event_time_ms, ingest_time_ms, id, link_id, slug, user_id, account_id, ip, user_agent, referrer,
  country, device, browser, os, bot, head, source, log_partition, log_offset
FROM read_csv(
  {{csv}},
  auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', new_line = '\n',
  allow_quoted_nulls = false, strict_mode = true,
  columns = {
    'event_time_ms': 'BIGINT', 'ingest_time_ms': 'BIGINT', 'id': 'VARCHAR', 'link_id': 'VARCHAR',
    'slug': 'VARCHAR', 'user_id': 'VARCHAR', 'account_id': 'VARCHAR', 'ip': 'VARCHAR',
    'user_agent': 'VARCHAR', 'referrer': 'VARCHAR', 'country': 'VARCHAR', 'device': 'VARCHAR',
    'browser': 'VARCHAR', 'os': 'VARCHAR', 'bot': 'BOOLEAN', 'head': 'BOOLEAN', 'source': 'VARCHAR',
    'log_partition': 'INTEGER', 'log_offset': 'BIGINT'
  }
)
ORDER BY event_time_ms, id, log_partition, log_offset
