-- Per (user, link) for the digest of local day D: unique clicks by class on D, unique visitors
-- (distinct IPs) of human clicks on D, and human and flagged clicks on D-1 for the change.
-- Only users with clicks on D are kept (no clicks, no digest); their links with clicks on D-1
-- only are kept too, so the day before's total is whole. Read from the daily rollup's zone files
-- (docs/batch-contract.md); {{today}}, {{todayVisitors}} and {{before}} are read_parquet(...).
WITH today AS (
  SELECT account_id, user_id, link_id,
         coalesce(sum(clicks) FILTER (WHERE class = 'human'), 0) AS human,
         coalesce(sum(clicks) FILTER (WHERE class = 'bot'), 0) AS bot,
         coalesce(sum(clicks) FILTER (WHERE class = 'suspicious'), 0) AS suspicious,
         coalesce(sum(duplicates), 0) AS duplicates
  FROM {{today}}
  GROUP BY account_id, user_id, link_id
),
users AS (SELECT DISTINCT account_id, user_id FROM today),
visitors AS (
  SELECT user_id, link_id, sum(visitors) FILTER (WHERE class = 'human') AS human_visitors
  FROM {{todayVisitors}}
  GROUP BY user_id, link_id
),
before AS (
  SELECT b.account_id, b.user_id, b.link_id,
         coalesce(sum(b.clicks) FILTER (WHERE b.class = 'human'), 0) AS human,
         coalesce(sum(b.clicks) FILTER (WHERE b.class <> 'human'), 0) AS flagged
  FROM {{before}} AS b SEMI JOIN users USING (account_id, user_id)
  GROUP BY b.account_id, b.user_id, b.link_id
)
SELECT coalesce(t.account_id, b.account_id) AS account_id,
       coalesce(t.user_id, b.user_id) AS user_id,
       coalesce(t.link_id, b.link_id) AS link_id,
       coalesce(t.human, 0)::DOUBLE AS human,
       coalesce(t.bot, 0)::DOUBLE AS bot,
       coalesce(t.suspicious, 0)::DOUBLE AS suspicious,
       coalesce(t.duplicates, 0)::DOUBLE AS duplicates,
       coalesce(v.human_visitors, 0)::DOUBLE AS visitors,
       coalesce(b.human, 0)::DOUBLE AS before_human,
       coalesce(b.flagged, 0)::DOUBLE AS before_flagged
FROM today AS t
FULL OUTER JOIN before AS b ON b.account_id = t.account_id AND b.user_id = t.user_id AND b.link_id = t.link_id
LEFT JOIN visitors AS v ON v.user_id = coalesce(t.user_id, b.user_id) AND v.link_id = coalesce(t.link_id, b.link_id)
ORDER BY user_id, link_id
