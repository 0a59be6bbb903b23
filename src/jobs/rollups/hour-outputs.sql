-- The three output tables of an hour, each in the total order of its key (so its Parquet file is
-- the same bytes on every run). Groups made only of duplicates are left out of breakdowns and
-- visitors: a duplicate is not a click.
CREATE TABLE hour_slices AS
SELECT link_id, user_id, account_id, slice_start_ms, human, bot, suspicious, duplicates
FROM hour_groups WHERE grouping_set = 'slice'
ORDER BY link_id, slice_start_ms;

CREATE TABLE hour_breakdowns AS
SELECT link_id, slice_start_ms, grouping_set AS dimension, coalesce(country, referrer, device) AS value, human, bot, suspicious
FROM hour_groups WHERE grouping_set IN ('country', 'referrer', 'device') AND human + bot + suspicious > 0
ORDER BY link_id, slice_start_ms, dimension, value;

CREATE TABLE hour_visitors AS
SELECT link_id, slice_start_ms, ip, human + bot + suspicious AS clicks, human AS human_clicks
FROM hour_groups WHERE grouping_set = 'visitor' AND human + bot + suspicious > 0
ORDER BY link_id, slice_start_ms, ip;

DROP TABLE hour_groups;
