-- Per user, the top {{top}} countries, referrer hosts and devices of human clicks on local day D
-- (ties broken by value, so the lists are deterministic). '' is no country / a direct visit.
WITH human AS (
  SELECT user_id, country, referrer_host, device, clicks FROM {{today}} WHERE class = 'human'
),
dimensions AS (
  SELECT user_id, 'country' AS dimension, country AS value, sum(clicks) AS clicks FROM human GROUP BY user_id, country
  UNION ALL
  SELECT user_id, 'referrer' AS dimension, referrer_host AS value, sum(clicks) AS clicks FROM human GROUP BY user_id, referrer_host
  UNION ALL
  SELECT user_id, 'device' AS dimension, device AS value, sum(clicks) AS clicks FROM human GROUP BY user_id, device
)
SELECT user_id, dimension, value, clicks::DOUBLE AS clicks
FROM dimensions
WHERE clicks > 0
QUALIFY row_number() OVER (PARTITION BY user_id, dimension ORDER BY clicks DESC, value) <= {{top}}
ORDER BY user_id, dimension, clicks DESC, value
