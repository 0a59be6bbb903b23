-- Per (user, link) for the digest of local day D, from the daily rollup's zone-links files of D
-- and D-1 (docs/rollups.md: one row per user and link, the user's local day): unique clicks by
-- class and duplicates on D, distinct addresses with a human click on D, and human and flagged
-- clicks on D-1 for the change. Only the users of `digest_users` (digest-users.sql) are read;
-- their links with clicks on D-1 only are kept too, so the day before's total is whole. No ORDER
-- BY: readDigestNumbers orders each user's links itself. {{today}} and {{before}} are read_parquet(...).
WITH today AS (
  SELECT u.user_index, t.link_id, t.human, t.bot, t.suspicious, t.duplicates, t.human_visitors
  FROM {{today}} AS t JOIN digest_users AS u USING (account_id, user_id)
),
before AS (
  SELECT u.user_index, b.link_id, b.human, b.bot + b.suspicious AS flagged
  FROM {{before}} AS b JOIN digest_users AS u USING (account_id, user_id)
)
SELECT user_index,
       link_id,
       coalesce(t.human, 0)::DOUBLE AS human,
       coalesce(t.bot, 0)::DOUBLE AS bot,
       coalesce(t.suspicious, 0)::DOUBLE AS suspicious,
       coalesce(t.duplicates, 0)::DOUBLE AS duplicates,
       coalesce(t.human_visitors, 0)::DOUBLE AS visitors,
       coalesce(b.human, 0)::DOUBLE AS before_human,
       coalesce(b.flagged, 0)::DOUBLE AS before_flagged
FROM today AS t
FULL OUTER JOIN before AS b USING (user_index, link_id)
