-- Per user of `digest_users` (digest-users.sql), the top {{top}} countries, referrer hosts and
-- devices of human clicks on local day D, from the daily rollup's zone-breakdowns file of D
-- (docs/rollups.md: per user, link, dimension and value). Ties are broken by value, so the lists
-- are deterministic. '' is no country / a direct visit. Rows without human clicks are dropped
-- before grouping; the few picked rows are joined to the users after. The dimension comes back as
-- its place in ('country', 'referrer', 'device'). No ORDER BY: readDigestNumbers orders each short
-- list itself. {{breakdowns}} is read_parquet(...).
WITH top AS (
  SELECT user_id, CASE dimension WHEN 'country' THEN 0 WHEN 'referrer' THEN 1 ELSE 2 END AS dimension_index, value, sum(human) AS clicks
  FROM {{breakdowns}}
  WHERE human > 0 AND dimension IN ('country', 'referrer', 'device')
  GROUP BY user_id, dimension_index, value
  QUALIFY row_number() OVER (PARTITION BY user_id, dimension_index ORDER BY clicks DESC, value) <= {{top}}
)
SELECT u.user_index, t.dimension_index::DOUBLE AS dimension, t.value, t.clicks::DOUBLE AS clicks
FROM top AS t JOIN digest_users AS u USING (user_id)
