-- Per account, a UTC month's clicks from the daily rollup's utc files of its days
-- (docs/batch-contract.md): every click received (duplicates included), duplicates, bot and
-- suspicious unique clicks, and billable ones (unique, neither bot nor suspicious).
SELECT account_id,
       (coalesce(sum(clicks), 0) + coalesce(sum(duplicates), 0))::DOUBLE AS total,
       coalesce(sum(duplicates), 0)::DOUBLE AS duplicate,
       coalesce(sum(clicks) FILTER (WHERE class = 'bot'), 0)::DOUBLE AS bot,
       coalesce(sum(clicks) FILTER (WHERE class = 'suspicious'), 0)::DOUBLE AS suspicious,
       coalesce(sum(clicks) FILTER (WHERE class = 'human'), 0)::DOUBLE AS billable,
       coalesce(min(clicks), 0)::DOUBLE AS clicks_min,
       coalesce(min(duplicates), 0)::DOUBLE AS duplicates_min
FROM {{days}}
GROUP BY account_id
ORDER BY account_id
