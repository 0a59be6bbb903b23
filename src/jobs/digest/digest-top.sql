-- Per user of `digest_users` (digest-users.sql), the top {{top}} countries, referrer hosts and
-- devices of human clicks on local day D, from the daily rollup's zone-breakdowns file of D
-- (docs/rollups.md: per user, link, dimension and value). Ties are broken by value, so the lists
-- are deterministic. '' is no country / a direct visit. Users are joined first, so that rows are
-- grouped by the user's number rather than by an id string; the dimension comes back as its place
-- in ('country', 'referrer', 'device'). No ORDER BY: readDigestNumbers orders each short list
-- itself. {{breakdowns}} is read_parquet(...).
SELECT u.user_index,
       (CASE b.dimension WHEN 'country' THEN 0 WHEN 'referrer' THEN 1 ELSE 2 END)::DOUBLE AS dimension,
       b.value,
       sum(b.human)::DOUBLE AS clicks
FROM {{breakdowns}} AS b JOIN digest_users AS u USING (user_id)
WHERE b.dimension IN ('country', 'referrer', 'device')
GROUP BY u.user_index, b.dimension, b.value
HAVING sum(b.human) > 0
QUALIFY row_number() OVER (PARTITION BY u.user_index, b.dimension ORDER BY sum(b.human) DESC, b.value) <= {{top}}
