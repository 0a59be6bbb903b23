-- The rows of one raw lake file, read from an archiver spool and put in a total order, so that the
-- same clicks always make the same file, byte for byte. The spool (click-csv.ts writes it) keeps a
-- click's nine texts as one field, in the record's order, with each one's length in characters:
-- the archiver then copies a record's text bytes in one piece instead of field by field. The
-- small fields come as the record's codes: the country as 1 + first letter x 26 + second letter (0
-- for none), the device as its index in `deviceClasses`, bot / HEAD / import as flag bits 1, 2, 8.
-- Types are the lake's raw schema (docs/lake.md).
SELECT
  event_time_ms,
  ingest_time_ms,
  substr(texts, id_at, id_chars) AS id,
  substr(texts, 1, link_id_chars) AS link_id,
  substr(texts, slug_at, slug_chars) AS slug,
  substr(texts, user_id_at, user_id_chars) AS user_id,
  substr(texts, account_id_at, account_id_chars) AS account_id,
  ip,
  substr(texts, user_agent_at, user_agent_chars) AS user_agent,
  substr(texts, referrer_at, referrer_chars) AS referrer,
  CASE WHEN country = 0 THEN '' ELSE chr(65 + (country - 1) // 26) || chr(65 + (country - 1) % 26) END AS country,
  ['desktop', 'mobile', 'tablet', 'tv', 'console', 'wearable', 'embedded', 'bot', 'unknown'][device + 1] AS device,
  substr(texts, browser_at, browser_chars) AS browser,
  substr(texts, os_at, os_chars) AS os,
  (flags & 1) <> 0 AS bot,
  (flags & 2) <> 0 AS head,
  CASE WHEN (flags & 8) <> 0 THEN 'import' ELSE 'redirect' END AS source,
  log_partition,
  log_offset
FROM (
  SELECT
    *,
    1 + link_id_chars AS user_id_at,
    1 + link_id_chars + user_id_chars AS account_id_at,
    1 + link_id_chars + user_id_chars + account_id_chars AS slug_at,
    1 + link_id_chars + user_id_chars + account_id_chars + slug_chars AS id_at,
    1 + link_id_chars + user_id_chars + account_id_chars + slug_chars + id_chars AS browser_at,
    1 + link_id_chars + user_id_chars + account_id_chars + slug_chars + id_chars + browser_chars AS os_at,
    1 + link_id_chars + user_id_chars + account_id_chars + slug_chars + id_chars + browser_chars + os_chars AS user_agent_at,
    1 + link_id_chars + user_id_chars + account_id_chars + slug_chars + id_chars + browser_chars + os_chars + user_agent_chars AS referrer_at
  FROM read_csv(
    {{csv}},
    auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', new_line = '\n',
    allow_quoted_nulls = false, strict_mode = true,
    columns = {
      'event_time_ms': 'BIGINT', 'ingest_time_ms': 'BIGINT', 'texts': 'VARCHAR',
      'link_id_chars': 'INTEGER', 'user_id_chars': 'INTEGER', 'account_id_chars': 'INTEGER',
      'slug_chars': 'INTEGER', 'id_chars': 'INTEGER', 'browser_chars': 'INTEGER', 'os_chars': 'INTEGER',
      'user_agent_chars': 'INTEGER', 'referrer_chars': 'INTEGER', 'ip': 'VARCHAR', 'country': 'INTEGER',
      'device': 'INTEGER', 'flags': 'INTEGER', 'log_partition': 'INTEGER', 'log_offset': 'BIGINT'
    }
  )
)
ORDER BY event_time_ms, id, log_partition, log_offset
