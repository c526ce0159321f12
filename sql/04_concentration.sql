-- Pareto and Gini per customer type, of the ladder's measure and of AUM ADB (metrics.md):
-- Pareto = the share of the total held by the top ceil(20% × n) customers; Gini
-- G = 2 Σᵢ i·x₍ᵢ₎ ÷ (n Σ x) − (n + 1) ÷ n, x ascending, i from 1. Both NULL when a value is
-- negative or the total is 0 (undefined_reason says which).
CREATE OR REPLACE TEMPORARY VIEW concentration AS
SELECT customer_type, measure_name, n, total, top_n, top_total,
  CASE WHEN negatives > 0 OR total = 0 THEN NULL ELSE top_total / total END AS pareto,
  CASE WHEN negatives > 0 OR total = 0 THEN NULL ELSE (2 * weighted) / (n * total) - (n + 1) / n END AS gini,
  CASE WHEN negatives > 0 THEN 'negative_values' WHEN total = 0 THEN 'zero_total' END AS undefined_reason
FROM (
  SELECT customer_type, measure_name, max(n) AS n, sum(x) AS total, max(top_n) AS top_n,
    sum(CASE WHEN i > n - top_n THEN x ELSE 0 END) AS top_total, sum(i * x) AS weighted,
    sum(CASE WHEN x < 0 THEN 1 ELSE 0 END) AS negatives
  FROM (
    SELECT customer_type, measure_name, x,
      row_number() OVER (PARTITION BY customer_type, measure_name ORDER BY x) AS i,
      count(*) OVER (PARTITION BY customer_type, measure_name) AS n,
      ceil(round(0.2 * count(*) OVER (PARTITION BY customer_type, measure_name) * 1000000) / 1000000) AS top_n
    FROM (
      SELECT customer_type, 'measure' AS measure_name, measure AS x FROM ranked_customers
      UNION ALL
      SELECT customer_type, 'aum_adb' AS measure_name, aum_adb AS x FROM ranked_customers
    ) m
  ) s
  GROUP BY customer_type, measure_name
) g;

-- Per customer type and tier: the sums of the tier summary (crm segment; the share and average
-- columns divide these by the type's total row).
CREATE OR REPLACE TEMPORARY VIEW tier_summary AS
SELECT l.customer_type, l.tier_rank, l.code AS tier,
  count(t.customer_id) AS customers,
  coalesce(sum(t.aum_adb), 0) AS aum_adb, coalesce(sum(t.deposit_adb), 0) AS deposit_adb, coalesce(sum(t.loan_adb), 0) AS loan_adb,
  coalesce(sum(t.contribution), 0) AS contribution, coalesce(sum(t.fee_income), 0) AS fee_income,
  coalesce(sum(t.txn_counter), 0) AS txn_counter, coalesce(sum(t.txn_self_service), 0) AS txn_self_service,
  coalesce(sum(t.txn_e_banking), 0) AS txn_e_banking, coalesce(sum(t.dormant), 0) AS dormant
FROM tier_ladder l
LEFT JOIN customer_tiers t ON t.customer_type = l.customer_type AND t.tier = l.code
GROUP BY l.customer_type, l.tier_rank, l.code;
