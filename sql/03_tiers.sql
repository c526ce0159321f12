-- Tier of each customer of customer_values (metrics.md "Tiers"), by the ladders in tier_ladder:
-- one row per customer type and tier, rank 0 = the lowest tier, with the ladder's measure
-- (aum_adb, deposit_adb or contribution) and method, and per tier min_fen (thresholds: the
-- inclusive lower bound in fen; NULL for the lowest) or share (quantiles; NULL for the lowest).
--   thresholds: the highest tier whose min_fen <= the measure.
--   quantiles: customers sorted by the measure high to low, ties by customer_id; walking the
--   tiers from the highest down, each takes ceil(share × n) customers (share × n rounded to 6
--   decimals first), clipped to those left; the lowest tier takes the rest.

CREATE OR REPLACE TEMPORARY VIEW measured_customers AS
SELECT v.*, l.method,
  CASE l.measure WHEN 'aum_adb' THEN v.aum_adb WHEN 'deposit_adb' THEN v.deposit_adb ELSE v.contribution END AS measure
FROM customer_values v
JOIN (SELECT DISTINCT customer_type, measure, method FROM tier_ladder) l ON l.customer_type = v.customer_type;

CREATE OR REPLACE TEMPORARY VIEW ranked_customers AS
SELECT m.*,
  row_number() OVER (PARTITION BY m.customer_type ORDER BY m.measure DESC, m.customer_id) AS pos,
  count(*) OVER (PARTITION BY m.customer_type) AS n
FROM measured_customers m;

-- Quantile tiers: the last position (from the top) each tier reaches.
CREATE OR REPLACE TEMPORARY VIEW quantile_bounds AS
SELECT q.customer_type, q.tier_rank, least(q.cum, q.n) AS upto
FROM (
  SELECT l.customer_type, l.tier_rank, t.n,
    sum(ceil(round(l.share * t.n * 1000000) / 1000000)) OVER (PARTITION BY l.customer_type ORDER BY l.tier_rank DESC
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
  FROM tier_ladder l
  JOIN (SELECT customer_type, count(*) AS n FROM customer_values GROUP BY customer_type) t ON t.customer_type = l.customer_type
  WHERE l.method = 'quantiles' AND l.share IS NOT NULL
) q;

CREATE OR REPLACE TEMPORARY VIEW customer_tier_rank AS
SELECT x.customer_id, max(x.tier_rank) AS tier_rank
FROM (
  SELECT r.customer_id, l.tier_rank FROM ranked_customers r
  JOIN tier_ladder l ON l.customer_type = r.customer_type AND l.method = 'thresholds' AND (l.min_fen IS NULL OR r.measure >= l.min_fen)
  UNION ALL
  SELECT r.customer_id, q.tier_rank FROM ranked_customers r
  JOIN quantile_bounds q ON q.customer_type = r.customer_type AND r.pos <= q.upto
  UNION ALL
  SELECT customer_id, 0 AS tier_rank FROM ranked_customers
) x
GROUP BY x.customer_id;

CREATE OR REPLACE TEMPORARY VIEW customer_tiers AS
SELECT r.*, l.code AS tier, l.tier_rank
FROM ranked_customers r
JOIN customer_tier_rank k ON k.customer_id = r.customer_id
JOIN tier_ladder l ON l.customer_type = r.customer_type AND l.tier_rank = k.tier_rank;
