-- A day's outputs. `utc_links`: per link, the UTC day (billing sums these per account and month).
-- `zone_links` and `zone_breakdowns`: per user, the day in the user's time zone (`user_days` gives
-- each user's local midnight to midnight in UTC ms), which is exactly a set of 15-minute slices:
-- every zone's midnight falls on a quarter hour of UTC. Visitors are exact distinct addresses over
-- the local day; `human_visitors` made at least one human click.
CREATE TABLE utc_links AS
SELECT link_id, user_id, account_id,
  sum(human)::BIGINT AS human, sum(bot)::BIGINT AS bot, sum(suspicious)::BIGINT AS suspicious, sum(duplicates)::BIGINT AS duplicates
FROM day_slices
WHERE slice_start_ms >= {{dayStartMs}} AND slice_start_ms < {{dayEndMs}}
GROUP BY ALL
ORDER BY link_id;

CREATE TABLE zone_slices AS
SELECT s.*, u.time_zone
FROM day_slices s JOIN user_days u ON s.user_id = u.user_id AND s.account_id = u.account_id
WHERE s.slice_start_ms >= u.day_start_ms AND s.slice_start_ms < u.day_end_ms;

CREATE TABLE zone_links AS
WITH visitors AS (
  SELECT v.link_id, count(DISTINCT v.ip) AS visitors, count(DISTINCT v.ip) FILTER (WHERE v.human_clicks > 0) AS human_visitors
  FROM day_visitors v JOIN (SELECT DISTINCT link_id, slice_start_ms FROM zone_slices) z USING (link_id, slice_start_ms)
  GROUP BY v.link_id
)
SELECT s.user_id, s.account_id, s.time_zone, '{{day}}' AS day, s.link_id,
  sum(s.human)::BIGINT AS human, sum(s.bot)::BIGINT AS bot, sum(s.suspicious)::BIGINT AS suspicious, sum(s.duplicates)::BIGINT AS duplicates,
  coalesce(any_value(v.visitors), 0)::BIGINT AS visitors, coalesce(any_value(v.human_visitors), 0)::BIGINT AS human_visitors
FROM zone_slices s LEFT JOIN visitors v USING (link_id)
GROUP BY s.user_id, s.account_id, s.time_zone, s.link_id
ORDER BY s.user_id, s.link_id;

CREATE TABLE zone_breakdowns AS
SELECT z.user_id, '{{day}}' AS day, b.link_id, b.dimension, b.value,
  sum(b.human)::BIGINT AS human, sum(b.bot)::BIGINT AS bot, sum(b.suspicious)::BIGINT AS suspicious
FROM day_breakdowns b JOIN (SELECT DISTINCT user_id, link_id, slice_start_ms FROM zone_slices) z USING (link_id, slice_start_ms)
GROUP BY ALL
ORDER BY z.user_id, b.link_id, b.dimension, b.value;
