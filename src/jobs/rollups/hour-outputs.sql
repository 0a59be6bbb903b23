-- The three outputs of an hour as views over `hour_groups`: the data checks and the publication
-- read them, and each COPY sorts its rows once, in the total order of its key, so its Parquet file
-- is the same bytes on every run. Groups made only of duplicates are left out of breakdowns and
-- visitors: a duplicate is not a click.
CREATE VIEW hour_slices AS
SELECT link_id, user_id, account_id, slice_start_ms, human, bot, suspicious, duplicates
FROM hour_groups WHERE grouping_set = 'slice';

CREATE VIEW hour_breakdowns AS
SELECT link_id, slice_start_ms, grouping_set AS dimension, coalesce(country, referrer, device) AS value, human, bot, suspicious
FROM hour_groups WHERE grouping_set IN ('country', 'referrer', 'device') AND human + bot + suspicious > 0;

CREATE VIEW hour_visitors AS
SELECT link_id, slice_start_ms, ip, human + bot + suspicious AS clicks, human AS human_clicks
FROM hour_groups WHERE grouping_set = 'visitor' AND human + bot + suspicious > 0;
