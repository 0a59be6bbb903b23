-- The hourly outputs a day reads (50 hours: from 10:00 UTC the day before, where UTC+14 starts the
-- day, to 12:00 UTC the day after, where UTC-12 ends it), and the hours of the UTC day alone.
CREATE VIEW day_slices AS SELECT * FROM read_parquet([{{slices}}]);
CREATE VIEW day_breakdowns AS SELECT * FROM read_parquet([{{breakdowns}}]);
CREATE VIEW day_visitors AS SELECT * FROM read_parquet([{{visitors}}]);
CREATE VIEW utc_day_hour_slices AS SELECT * FROM read_parquet([{{utcSlices}}]);
