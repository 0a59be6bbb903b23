-- Exact distinct visitor addresses per link over the whole hour, for the store.
SELECT link_id, count(DISTINCT ip)::DOUBLE AS visitors FROM hour_visitors GROUP BY link_id ORDER BY link_id
