-- Data checks of a day's outputs, run before anything is published; each returns offending rows.

-- check: UTC link keys are unique
SELECT link_id, count(*) AS rows FROM utc_links GROUP BY link_id HAVING count(*) > 1

-- check: zone link keys (user, link) are unique
SELECT user_id, link_id, count(*) AS rows FROM zone_links GROUP BY ALL HAVING count(*) > 1

-- check: zone breakdown keys are unique
SELECT user_id, link_id, dimension, value, count(*) AS rows FROM zone_breakdowns GROUP BY ALL HAVING count(*) > 1

-- check: counts are non-negative
SELECT 'utc' AS output, link_id FROM utc_links WHERE human < 0 OR bot < 0 OR suspicious < 0 OR duplicates < 0
UNION ALL SELECT 'zone', link_id FROM zone_links WHERE human < 0 OR bot < 0 OR suspicious < 0 OR duplicates < 0 OR visitors < 0 OR human_visitors > visitors

-- check: the UTC day equals the sum of its 24 hourly rollups
SELECT day_total, hours_total FROM
  (SELECT coalesce(sum(human + bot + suspicious), 0) AS day_total, coalesce(sum(duplicates), 0) AS day_duplicates FROM utc_links),
  (SELECT coalesce(sum(human + bot + suspicious), 0) AS hours_total, coalesce(sum(duplicates), 0) AS hours_duplicates FROM utc_day_hour_slices)
WHERE day_total <> hours_total OR day_duplicates <> hours_duplicates

-- check: each user's zone day equals the sum of the user's slices from local midnight to midnight
SELECT u.user_id, u.time_zone, coalesce(z.clicks, 0) AS zone_clicks, coalesce(s.clicks, 0) AS slice_clicks
FROM user_days u
LEFT JOIN (SELECT user_id, sum(human + bot + suspicious + duplicates) AS clicks FROM zone_links GROUP BY user_id) z USING (user_id)
LEFT JOIN (
  SELECT d.user_id, sum(s.human + s.bot + s.suspicious + s.duplicates) AS clicks
  FROM user_days d JOIN day_slices s ON s.user_id = d.user_id AND s.slice_start_ms >= d.day_start_ms AND s.slice_start_ms < d.day_end_ms
  GROUP BY d.user_id
) s USING (user_id)
WHERE coalesce(z.clicks, 0) <> coalesce(s.clicks, 0)

-- check: each zone link's breakdown dimensions add up to its counts
SELECT l.user_id, l.link_id, d.dimension, l.human + l.bot + l.suspicious AS clicks, b.clicks AS dimension_clicks
FROM zone_links l CROSS JOIN (VALUES ('country'), ('referrer'), ('device')) d(dimension)
LEFT JOIN (SELECT user_id, link_id, dimension, sum(human + bot + suspicious) AS clicks FROM zone_breakdowns GROUP BY ALL) b
  ON b.user_id = l.user_id AND b.link_id = l.link_id AND b.dimension = d.dimension
WHERE l.human + l.bot + l.suspicious > 0 AND b.clicks IS DISTINCT FROM l.human + l.bot + l.suspicious

-- check: visitors are at most the clicks, and at least one when there were clicks
SELECT user_id, link_id, visitors, human + bot + suspicious AS clicks FROM zone_links
WHERE visitors > human + bot + suspicious OR (visitors = 0 AND human + bot + suspicious > 0)
