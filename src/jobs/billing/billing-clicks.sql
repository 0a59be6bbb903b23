-- Per account, a UTC month's clicks from the daily rollup's utc-links files of its days
-- (docs/rollups.md: one row per link and UTC day with unique human, bot and suspicious clicks and
-- duplicates): every click received (duplicates included), duplicates, bot and suspicious unique
-- clicks, and billable ones (unique, neither bot nor suspicious). The minimums feed the checks.
SELECT account_id,
       (sum(human) + sum(bot) + sum(suspicious) + sum(duplicates))::DOUBLE AS total,
       sum(duplicates)::DOUBLE AS duplicate,
       sum(bot)::DOUBLE AS bot,
       sum(suspicious)::DOUBLE AS suspicious,
       sum(human)::DOUBLE AS billable,
       least(min(human), min(bot), min(suspicious))::DOUBLE AS clicks_min,
       min(duplicates)::DOUBLE AS duplicates_min
FROM {{days}}
GROUP BY account_id
ORDER BY account_id
