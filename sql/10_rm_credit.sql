-- RM credit of balances over the window of 01_window.sql (metrics.md "Relationship-manager
-- credit"): each day of an account's balance goes to the RM its state names, else to the
-- customer's RM in effect that day (customer_rm_history: from_num..to_num); a reassignment splits
-- by days. Credit no RM owns has rm_id NULL and the customer's branch. Fen-days per RM, branch,
-- product type and (loans) loan class on the window's last day; foreign currency day by day.

CREATE OR REPLACE TEMPORARY VIEW credit_pieces AS
SELECT w.account_id, a.customer_id, a.product_type, a.currency, w.balance, c.customer_branch,
  CASE WHEN w.rm_id IS NOT NULL THEN w.rm_id ELSE h.rm_id END AS rm_id,
  CASE WHEN w.rm_id IS NULL AND h.customer_id IS NOT NULL THEN greatest(w.lo, h.from_num) ELSE w.lo END AS lo,
  CASE WHEN w.rm_id IS NULL AND h.customer_id IS NOT NULL THEN least(w.hi, h.to_num) ELSE w.hi END AS hi
FROM window_rows w
JOIN accounts a ON a.account_id = w.account_id
JOIN customers c ON c.customer_id = a.customer_id
LEFT JOIN customer_rm_history h ON w.rm_id IS NULL AND h.customer_id = a.customer_id AND h.from_num <= w.hi AND h.to_num >= w.lo;

CREATE OR REPLACE TEMPORARY VIEW credit_fen_days AS
SELECT p.rm_id, CASE WHEN p.rm_id IS NULL THEN p.customer_branch END AS branch, p.product_type,
  CASE WHEN p.product_type IN ('loan', 'credit_card') THEN coalesce(k.risk_class, 'normal') END AS loan_class,
  sum(p.fen_days) AS fen_days
FROM (
  SELECT account_id, rm_id, customer_branch, product_type, balance * (hi - lo + 1) AS fen_days FROM credit_pieces WHERE currency = 'CNY'
  UNION ALL
  SELECT p.account_id, p.rm_id, p.customer_branch, p.product_type,
    round(p.balance * r.cny_per_unit) * (least(p.hi, r.end_num) - greatest(p.lo, r.day_num) + 1) AS fen_days
  FROM credit_pieces p JOIN fx_rates r ON r.currency = p.currency AND r.day_num <= p.hi AND r.end_num >= p.lo
  WHERE p.currency <> 'CNY' AND p.balance <> 0
) p
LEFT JOIN last_day_class k ON k.account_id = p.account_id
GROUP BY 1, 2, 3, 4
HAVING sum(p.fen_days) <> 0;

-- One row per RM (and per branch for the unassigned credit), the fen-days by key.
CREATE OR REPLACE TEMPORARY VIEW rm_balance_credit AS
SELECT rm_id, branch,
  sum(CASE WHEN product_type = 'demand_deposit' THEN fen_days ELSE 0 END) AS v_demand_deposit,
  sum(CASE WHEN product_type = 'time_deposit' THEN fen_days ELSE 0 END) AS v_time_deposit,
  sum(CASE WHEN product_type = 'wealth' THEN fen_days ELSE 0 END) AS v_wealth,
  sum(CASE WHEN product_type = 'fund' THEN fen_days ELSE 0 END) AS v_fund,
  sum(CASE WHEN product_type = 'insurance' THEN fen_days ELSE 0 END) AS v_insurance,
  sum(CASE WHEN product_type = 'bond' THEN fen_days ELSE 0 END) AS v_bond,
  sum(CASE WHEN product_type = 'loan' AND loan_class = 'normal' THEN fen_days ELSE 0 END) AS v_loan_normal,
  sum(CASE WHEN product_type = 'loan' AND loan_class = 'special_mention' THEN fen_days ELSE 0 END) AS v_loan_special_mention,
  sum(CASE WHEN product_type = 'loan' AND loan_class = 'substandard' THEN fen_days ELSE 0 END) AS v_loan_substandard,
  sum(CASE WHEN product_type = 'loan' AND loan_class = 'doubtful' THEN fen_days ELSE 0 END) AS v_loan_doubtful,
  sum(CASE WHEN product_type = 'loan' AND loan_class = 'loss' THEN fen_days ELSE 0 END) AS v_loan_loss,
  sum(CASE WHEN product_type = 'credit_card' AND loan_class = 'normal' THEN fen_days ELSE 0 END) AS v_card_normal,
  sum(CASE WHEN product_type = 'credit_card' AND loan_class = 'special_mention' THEN fen_days ELSE 0 END) AS v_card_special_mention,
  sum(CASE WHEN product_type = 'credit_card' AND loan_class = 'substandard' THEN fen_days ELSE 0 END) AS v_card_substandard,
  sum(CASE WHEN product_type = 'credit_card' AND loan_class = 'doubtful' THEN fen_days ELSE 0 END) AS v_card_doubtful,
  sum(CASE WHEN product_type = 'credit_card' AND loan_class = 'loss' THEN fen_days ELSE 0 END) AS v_card_loss
FROM credit_fen_days
GROUP BY rm_id, branch;
