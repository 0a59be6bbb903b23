-- Every copy of a click after the first, by event id (client retries that ingest's dedupe window
-- missed). The first copy is the lowest (log partition, offset): the one the stream counted. Ids
-- are grouped by their 64-bit hash first, so only the few rows whose hash repeats are compared by
-- id; a hash collision between two different ids only makes both candidates, never a duplicate.
CREATE TABLE duplicate_rows AS
SELECT file_index, file_row
FROM (
  SELECT file_index, file_row, row_number() OVER (PARTITION BY id ORDER BY log_partition, log_offset, file_index, file_row) AS copy
  FROM hour_clicks
  WHERE hash(id) IN (SELECT hash(id) FROM hour_clicks GROUP BY hash(id) HAVING count(*) > 1)
)
WHERE copy > 1
