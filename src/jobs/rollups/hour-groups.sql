-- One pass over the hour's clicks, every group the hourly outputs need: per link and 15-minute
-- slice its class counts and duplicates, and its clicks per country, referrer host, device and
-- visitor address. A click's class: suspicious (the fraud pass flagged it) wins over bot (the
-- detector's flag), else human. Duplicates count only in the slice's `duplicates`.
CREATE TABLE hour_groups AS
WITH classified AS (
  SELECT
    c.link_id,
    c.user_id,
    c.account_id,
    c.event_time_ms - c.event_time_ms % 900000 AS slice_start_ms,
    d.file_index IS NOT NULL AS duplicate,
    CASE WHEN v.code IS NOT NULL THEN 2 WHEN c.bot THEN 1 ELSE 0 END AS class,
    c.ip,
    c.country,
    CASE
      WHEN c.referrer = '' THEN ''
      WHEN regexp_matches(c.referrer, '^[A-Za-z][A-Za-z0-9+.-]*://') THEN lower(regexp_extract(c.referrer, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)', 1))
      ELSE lower(split_part(split_part(split_part(c.referrer, '/', 1), '?', 1), '#', 1))
    END AS referrer,
    c.device
  FROM hour_clicks c
  LEFT JOIN duplicate_rows d USING (file_index, file_row)
  LEFT JOIN verdicts v USING (file_index, file_row)
)
SELECT
  CASE
    WHEN GROUPING(user_id) = 0 THEN 'slice'
    WHEN GROUPING(country) = 0 THEN 'country'
    WHEN GROUPING(referrer) = 0 THEN 'referrer'
    WHEN GROUPING(device) = 0 THEN 'device'
    ELSE 'visitor'
  END AS grouping_set,
  link_id, user_id, account_id, slice_start_ms, country, referrer, device, ip,
  count(*) FILTER (WHERE NOT duplicate AND class = 0) AS human,
  count(*) FILTER (WHERE NOT duplicate AND class = 1) AS bot,
  count(*) FILTER (WHERE NOT duplicate AND class = 2) AS suspicious,
  count(*) FILTER (WHERE duplicate) AS duplicates
FROM classified
GROUP BY GROUPING SETS (
  (link_id, user_id, account_id, slice_start_ms),
  (link_id, slice_start_ms, country),
  (link_id, slice_start_ms, referrer),
  (link_id, slice_start_ms, device),
  (link_id, slice_start_ms, ip)
)
