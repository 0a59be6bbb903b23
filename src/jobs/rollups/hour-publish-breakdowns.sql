-- Per link and dimension, clicks per value over the hour, for the store: the {{valuesMax}} values
-- with the most clicks, the rest summed as `(other)` (no country, device or host is spelt so).
WITH per_hour AS (
  SELECT link_id, dimension, value, sum(human) AS human, sum(bot) AS bot, sum(suspicious) AS suspicious
  FROM hour_breakdowns GROUP BY ALL
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY link_id, dimension ORDER BY human + bot + suspicious DESC, value) AS rank FROM per_hour
)
SELECT link_id, dimension, CASE WHEN rank <= {{valuesMax}} THEN value ELSE '(other)' END AS value,
  sum(human)::DOUBLE AS human, sum(bot)::DOUBLE AS bot, sum(suspicious)::DOUBLE AS suspicious
FROM ranked GROUP BY ALL ORDER BY link_id, dimension, value
