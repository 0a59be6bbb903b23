-- Data checks of an hour's outputs, run before anything is published. Each query returns the rows
-- that break its rule (none: the check passes), as dbt tests do.

-- check: slice keys (link, slice) are unique
SELECT link_id, slice_start_ms, count(*) AS rows FROM hour_slices GROUP BY ALL HAVING count(*) > 1

-- check: a link belongs to one user and account
SELECT link_id, count(DISTINCT (user_id, account_id)) AS owners FROM hour_slices GROUP BY link_id HAVING count(DISTINCT (user_id, account_id)) > 1

-- check: counts are non-negative
SELECT * FROM hour_slices WHERE human < 0 OR bot < 0 OR suspicious < 0 OR duplicates < 0

-- check: slices lie in the hour
SELECT link_id, slice_start_ms FROM hour_slices WHERE slice_start_ms < {{hourStartMs}} OR slice_start_ms >= {{hourEndMs}}

-- check: clicks plus duplicates equal the sealed hour's raw rows
SELECT total, {{sealRows}} AS sealed_rows FROM (SELECT coalesce(sum(human + bot + suspicious + duplicates), 0) AS total FROM hour_slices) WHERE total <> {{sealRows}}

-- check: deduplicated clicks equal the distinct event ids of the hour
SELECT clicks, ids FROM (SELECT coalesce(sum(human + bot + suspicious), 0) AS clicks FROM hour_slices), (SELECT {{sealRows}} - count(*) AS ids FROM duplicate_rows) WHERE clicks <> ids

-- check: suspicious clicks equal the clicks the fraud pass flagged
SELECT suspicious, flagged FROM (SELECT coalesce(sum(suspicious), 0) AS suspicious FROM hour_slices), (SELECT count(*) AS flagged FROM verdicts) WHERE suspicious <> flagged

-- check: breakdown keys (link, slice, dimension, value) are unique
SELECT link_id, slice_start_ms, dimension, value, count(*) AS rows FROM hour_breakdowns GROUP BY ALL HAVING count(*) > 1

-- check: each breakdown dimension adds up to its slice's class counts
SELECT s.link_id, s.slice_start_ms, d.dimension, s.human, s.bot, s.suspicious, b.human AS dimension_human, b.bot AS dimension_bot, b.suspicious AS dimension_suspicious
FROM hour_slices s
CROSS JOIN (VALUES ('country'), ('referrer'), ('device')) d(dimension)
LEFT JOIN (SELECT link_id, slice_start_ms, dimension, sum(human) AS human, sum(bot) AS bot, sum(suspicious) AS suspicious FROM hour_breakdowns GROUP BY ALL) b
  ON b.link_id = s.link_id AND b.slice_start_ms = s.slice_start_ms AND b.dimension = d.dimension
WHERE s.human + s.bot + s.suspicious > 0 AND (b.human IS DISTINCT FROM s.human OR b.bot IS DISTINCT FROM s.bot OR b.suspicious IS DISTINCT FROM s.suspicious)

-- check: visitors add up to their slice's clicks
SELECT s.link_id, s.slice_start_ms, s.human + s.bot + s.suspicious AS clicks, v.clicks AS visitor_clicks
FROM hour_slices s LEFT JOIN (SELECT link_id, slice_start_ms, sum(clicks) AS clicks FROM hour_visitors GROUP BY ALL) v USING (link_id, slice_start_ms)
WHERE coalesce(v.clicks, 0) <> s.human + s.bot + s.suspicious
