-- The users a digest of local day D goes to: those with a unique click (any class) on D in the
-- daily rollup's zone-links file of D (no clicks, no digest), numbered in user id order. The
-- other two queries name a user by this number, so no user id string crosses into JS per row.
-- {{today}} is read_parquet(...).
CREATE TABLE digest_users AS
SELECT (row_number() OVER (ORDER BY user_id, account_id) - 1)::DOUBLE AS user_index, account_id, user_id
FROM {{today}}
GROUP BY account_id, user_id
HAVING sum(human + bot + suspicious) > 0
