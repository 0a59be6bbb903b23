-- What the fraud rule needs of each deduplicated click, in the order it must see them: by (event
-- time, id), so each log partition's clicks (one rule each, as in the stream) are in that order and
-- the partitions' rules, on separate threads, all have work from the start. IPv4 keys are computed here
-- (the address as a 32-bit number, as `ipKey` does); IPv6 keys come from hour-ipv6.sql (NULL here).
SELECT
  file_index,
  file_row,
  event_time_ms::DOUBLE AS event_time_ms,
  CASE WHEN contains(ip, ':') THEN NULL ELSE list_reduce(string_split(ip, '.')::BIGINT[], (a, b) -> a * 256 + b)::DOUBLE END AS ipv4_key
FROM hour_clicks
ANTI JOIN duplicate_rows USING (file_index, file_row)
ORDER BY event_time_ms, id
