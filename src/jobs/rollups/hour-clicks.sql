-- The sealed hour's raw clicks as one relation, with each row's place: the index of its file in the
-- seal's path order and its row number in that file. Every later step names a click by that pair
-- (two integers) instead of by its id, so marks (duplicate, verdict) join back cheaply.
CREATE VIEW hour_clicks AS
SELECT *, file_index::INTEGER AS file_index, file_row_number::INTEGER AS file_row
FROM read_parquet([{{files}}], file_row_number = true, hive_partitioning = false, union_by_name = false)
