-- Per customer over the window [${F}, ${T}] (${D} days; ISO '${from}' to '${to}'), metrics.md
-- "Customer value": AUM, deposit and loan ADB with carry-forward, net interest, fee income,
-- channel cost, risk cost, contribution, transactions; the last customer-initiated posting day
-- since '${scan_from}' and dormancy on ${asof_num}. Money in fen (ADB-derived values are
-- fractional). Sums run in exact integer fen-days and are divided once; the products are added
-- in one fixed order (the product types, then loans by class), as crm's SQLite engine adds them.

-- CNY fen-days per customer, by product type and (loans) by loan class on the last day.
CREATE OR REPLACE TEMPORARY VIEW customer_keys AS
SELECT a.customer_id,
  sum(CASE WHEN a.product_type = 'demand_deposit' THEN f.fen_days ELSE 0 END) AS v_demand_deposit,
  sum(CASE WHEN a.product_type = 'time_deposit' THEN f.fen_days ELSE 0 END) AS v_time_deposit,
  sum(CASE WHEN a.product_type = 'wealth' THEN f.fen_days ELSE 0 END) AS v_wealth,
  sum(CASE WHEN a.product_type = 'fund' THEN f.fen_days ELSE 0 END) AS v_fund,
  sum(CASE WHEN a.product_type = 'insurance' THEN f.fen_days ELSE 0 END) AS v_insurance,
  sum(CASE WHEN a.product_type = 'bond' THEN f.fen_days ELSE 0 END) AS v_bond,
  sum(CASE WHEN a.product_type = 'loan' AND c.risk_class = 'normal' THEN f.fen_days ELSE 0 END) AS v_loan_normal,
  sum(CASE WHEN a.product_type = 'loan' AND c.risk_class = 'special_mention' THEN f.fen_days ELSE 0 END) AS v_loan_special_mention,
  sum(CASE WHEN a.product_type = 'loan' AND c.risk_class = 'substandard' THEN f.fen_days ELSE 0 END) AS v_loan_substandard,
  sum(CASE WHEN a.product_type = 'loan' AND c.risk_class = 'doubtful' THEN f.fen_days ELSE 0 END) AS v_loan_doubtful,
  sum(CASE WHEN a.product_type = 'loan' AND c.risk_class = 'loss' THEN f.fen_days ELSE 0 END) AS v_loan_loss,
  sum(CASE WHEN a.product_type = 'credit_card' AND c.risk_class = 'normal' THEN f.fen_days ELSE 0 END) AS v_card_normal,
  sum(CASE WHEN a.product_type = 'credit_card' AND c.risk_class = 'special_mention' THEN f.fen_days ELSE 0 END) AS v_card_special_mention,
  sum(CASE WHEN a.product_type = 'credit_card' AND c.risk_class = 'substandard' THEN f.fen_days ELSE 0 END) AS v_card_substandard,
  sum(CASE WHEN a.product_type = 'credit_card' AND c.risk_class = 'doubtful' THEN f.fen_days ELSE 0 END) AS v_card_doubtful,
  sum(CASE WHEN a.product_type = 'credit_card' AND c.risk_class = 'loss' THEN f.fen_days ELSE 0 END) AS v_card_loss
FROM (SELECT w.account_id, sum(w.balance * (w.hi - w.lo + 1)) AS fen_days FROM window_rows w GROUP BY w.account_id) f
JOIN accounts a ON a.account_id = f.account_id AND a.currency = 'CNY'
LEFT JOIN last_day_class c ON c.account_id = f.account_id
GROUP BY a.customer_id;

CREATE OR REPLACE TEMPORARY VIEW customer_cny AS
SELECT customer_id,
  v_demand_deposit + v_time_deposit + v_wealth + v_fund + v_insurance + v_bond AS aum_fd,
  v_demand_deposit + v_time_deposit AS deposit_fd,
  v_loan_normal + v_loan_special_mention + v_loan_substandard + v_loan_doubtful + v_loan_loss
    + v_card_normal + v_card_special_mention + v_card_substandard + v_card_doubtful + v_card_loss AS loan_fd,
  v_demand_deposit * ${sp_demand_deposit} + v_time_deposit * ${sp_time_deposit} + v_wealth * ${sp_wealth} + v_fund * ${sp_fund}
    + v_insurance * ${sp_insurance} + v_bond * ${sp_bond}
    + v_loan_normal * ${sp_loan} + v_loan_special_mention * ${sp_loan} + v_loan_substandard * ${sp_loan} + v_loan_doubtful * ${sp_loan} + v_loan_loss * ${sp_loan}
    + v_card_normal * ${sp_credit_card} + v_card_special_mention * ${sp_credit_card} + v_card_substandard * ${sp_credit_card}
    + v_card_doubtful * ${sp_credit_card} + v_card_loss * ${sp_credit_card} AS spread_fd,
  v_loan_normal * ${rk_normal} + v_loan_special_mention * ${rk_special_mention} + v_loan_substandard * ${rk_substandard}
    + v_loan_doubtful * ${rk_doubtful} + v_loan_loss * ${rk_loss}
    + v_card_normal * ${rk_normal} + v_card_special_mention * ${rk_special_mention} + v_card_substandard * ${rk_substandard}
    + v_card_doubtful * ${rk_doubtful} + v_card_loss * ${rk_loss} AS risk_fd
FROM customer_keys;

-- Foreign-currency accounts, converted day by day, per customer.
CREATE OR REPLACE TEMPORARY VIEW customer_fx AS
SELECT a.customer_id,
  sum(CASE WHEN a.product_type IN ('demand_deposit', 'time_deposit', 'wealth', 'fund', 'insurance', 'bond') THEN x.fen_days ELSE 0 END) AS aum_fd,
  sum(CASE WHEN a.product_type IN ('demand_deposit', 'time_deposit') THEN x.fen_days ELSE 0 END) AS deposit_fd,
  sum(CASE WHEN a.product_type IN ('loan', 'credit_card') THEN x.fen_days ELSE 0 END) AS loan_fd,
  sum(x.fen_days * CASE a.product_type WHEN 'demand_deposit' THEN ${sp_demand_deposit} WHEN 'time_deposit' THEN ${sp_time_deposit}
    WHEN 'wealth' THEN ${sp_wealth} WHEN 'fund' THEN ${sp_fund} WHEN 'insurance' THEN ${sp_insurance} WHEN 'bond' THEN ${sp_bond}
    WHEN 'loan' THEN ${sp_loan} WHEN 'credit_card' THEN ${sp_credit_card} ELSE 0 END) AS spread_fd,
  sum(CASE WHEN a.product_type IN ('loan', 'credit_card') THEN x.fen_days * CASE coalesce(c.risk_class, 'normal')
    WHEN 'special_mention' THEN ${rk_special_mention} WHEN 'substandard' THEN ${rk_substandard} WHEN 'doubtful' THEN ${rk_doubtful}
    WHEN 'loss' THEN ${rk_loss} ELSE ${rk_normal} END ELSE 0 END) AS risk_fd,
  sum(CASE WHEN x.fen_days <> 0 THEN 1 ELSE 0 END) AS nonzero
FROM (SELECT account_id, sum(cny_balance * (r_hi - r_lo + 1)) AS fen_days FROM fx_days GROUP BY account_id) x
JOIN accounts a ON a.account_id = x.account_id
LEFT JOIN last_day_class c ON c.account_id = x.account_id
GROUP BY a.customer_id;

-- Transactions per customer: the window's sums, and the last customer-initiated posting day
-- (bank-generated postings left out) since '${scan_from}'. Foreign fees at the day's rate.
CREATE OR REPLACE TEMPORARY VIEW customer_txns AS
SELECT a.customer_id,
  sum(CASE WHEN d.day >= '${from}' THEN d.n ELSE 0 END) AS txn_count,
  sum(CASE WHEN d.day >= '${from}' THEN d.n_counter ELSE 0 END) AS txn_counter,
  sum(CASE WHEN d.day >= '${from}' THEN d.n_self_service ELSE 0 END) AS txn_self_service,
  sum(CASE WHEN d.day >= '${from}' THEN d.n_e_banking ELSE 0 END) AS txn_e_banking,
  sum(CASE WHEN d.day < '${from}' THEN 0 WHEN d.currency = 'CNY' THEN d.fee ELSE round(d.fee * r.cny_per_unit) END) AS fee_income,
  max(CASE WHEN d.n > d.n_bank THEN d.day_num END) AS last_num,
  max(CASE WHEN d.n > d.n_bank THEN d.day END) AS last_txn_day
FROM txn_daily d
JOIN accounts a ON a.account_id = d.account_id
LEFT JOIN fx_rates r ON d.currency <> 'CNY' AND r.currency = d.currency AND r.day_num <= d.day_num AND r.end_num >= d.day_num
WHERE d.day >= '${scan_from}' AND d.day <= '${to}'
GROUP BY a.customer_id;

-- Every customer that held a balance or made a transaction in the window, with its RM on the
-- window's last day.
CREATE OR REPLACE TEMPORARY VIEW customer_values AS
SELECT c.customer_id, c.name, c.customer_type, c.customer_branch, h.rm_id,
  v.aum_adb, v.deposit_adb, v.loan_adb, v.net_interest, v.fee_income, v.channel_cost, v.risk_cost,
  v.net_interest + v.fee_income - v.channel_cost - v.risk_cost AS contribution,
  v.txn_count, v.txn_counter, v.txn_self_service, v.txn_e_banking, v.last_txn_day,
  CASE WHEN (v.last_num IS NULL OR ${asof_num} - v.last_num >= 365) AND v.aum_adb < ${dormant_floor_fen} THEN 1 ELSE 0 END AS dormant
FROM (
  SELECT coalesce(b.customer_id, t.customer_id) AS customer_id,
    coalesce(b.aum_fd, 0) / ${D} AS aum_adb,
    coalesce(b.deposit_fd, 0) / ${D} AS deposit_adb,
    coalesce(b.loan_fd, 0) / ${D} AS loan_adb,
    coalesce(b.spread_fd, 0) / 365 AS net_interest,
    (coalesce(b.risk_fd, 0) / ${D}) * (${D} / 365) AS risk_cost,
    coalesce(t.fee_income, 0) AS fee_income,
    coalesce(t.txn_counter * ${cost_counter} + t.txn_self_service * ${cost_self_service} + t.txn_e_banking * ${cost_e_banking}, 0) AS channel_cost,
    coalesce(t.txn_count, 0) AS txn_count, coalesce(t.txn_counter, 0) AS txn_counter,
    coalesce(t.txn_self_service, 0) AS txn_self_service, coalesce(t.txn_e_banking, 0) AS txn_e_banking,
    t.last_txn_day, t.last_num
  FROM (
    SELECT coalesce(c.customer_id, x.customer_id) AS customer_id,
      CASE WHEN x.customer_id IS NULL THEN c.aum_fd WHEN c.customer_id IS NULL THEN x.aum_fd ELSE c.aum_fd + x.aum_fd END AS aum_fd,
      CASE WHEN x.customer_id IS NULL THEN c.deposit_fd WHEN c.customer_id IS NULL THEN x.deposit_fd ELSE c.deposit_fd + x.deposit_fd END AS deposit_fd,
      CASE WHEN x.customer_id IS NULL THEN c.loan_fd WHEN c.customer_id IS NULL THEN x.loan_fd ELSE c.loan_fd + x.loan_fd END AS loan_fd,
      CASE WHEN x.customer_id IS NULL THEN c.spread_fd WHEN c.customer_id IS NULL THEN x.spread_fd ELSE c.spread_fd + x.spread_fd END AS spread_fd,
      CASE WHEN x.customer_id IS NULL THEN c.risk_fd WHEN c.customer_id IS NULL THEN x.risk_fd ELSE c.risk_fd + x.risk_fd END AS risk_fd
    FROM (SELECT * FROM customer_cny WHERE aum_fd <> 0 OR loan_fd <> 0) c
    FULL OUTER JOIN (SELECT * FROM customer_fx WHERE nonzero > 0) x ON x.customer_id = c.customer_id
  ) b
  FULL OUTER JOIN customer_txns t ON t.customer_id = b.customer_id
  WHERE b.customer_id IS NOT NULL OR t.txn_count > 0
) v
JOIN customers c ON c.customer_id = v.customer_id
LEFT JOIN customer_rm_history h ON h.customer_id = c.customer_id AND h.from_num <= ${T} AND h.to_num >= ${T};
