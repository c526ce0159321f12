-- The rm-report KPIs per RM over the window [${F}, ${T}] (${D} days; '${from}' to '${to}'),
-- metrics.md "Relationship-manager credit", from rm_balance_credit (10_rm_credit.sql over this
-- window) and rm_previous_credit (the same over the previous ${PD} days: deposit ADB growth;
-- empty when the data does not cover them). present: 1 when the RM has credit in the window.
--   ADB: credited fen-days ÷ days; net interest: fen-days × spread ÷ 365; risk cost: ADB × the
--   loan class's rate × days ÷ 365; fees and transaction counts: the RM of the account on the
--   posting day; loans and NPL: balances on the last day, the RM of the account that day;
--   customers: the customer's RM on the last day, new ones opened within the window.
-- Each ADB is a sum of per-product terms in one fixed order (the product types, then loans by
-- class), as crm's SQLite engine adds them.

CREATE OR REPLACE TEMPORARY VIEW rm_txn_credit AS
SELECT rm_id, CASE WHEN rm_id IS NULL THEN customer_branch END AS branch,
  sum(n) AS txn_count, sum(fee) AS fee_income,
  sum(n_counter) * ${cost_counter} + sum(n_self_service) * ${cost_self_service} + sum(n_e_banking) * ${cost_e_banking} AS channel_cost
FROM (
  SELECT coalesce(b.rm_id, h.rm_id) AS rm_id, c.customer_branch, d.n, d.n_counter, d.n_self_service, d.n_e_banking,
    CASE WHEN d.currency = 'CNY' THEN d.fee ELSE round(d.fee * r.cny_per_unit) END AS fee
  FROM txn_daily d
  JOIN accounts a ON a.account_id = d.account_id
  JOIN customers c ON c.customer_id = a.customer_id
  LEFT JOIN balances b ON b.account_id = d.account_id AND b.day_num <= d.day_num AND b.end_num >= d.day_num
  LEFT JOIN customer_rm_history h ON h.customer_id = a.customer_id AND h.from_num <= d.day_num AND h.to_num >= d.day_num
  LEFT JOIN fx_rates r ON d.currency <> 'CNY' AND r.currency = d.currency AND r.day_num <= d.day_num AND r.end_num >= d.day_num
  WHERE d.day >= '${from}' AND d.day <= '${to}'
) t
GROUP BY 1, 2;

-- Loans (and credit cards) open on the last day, in CNY fen, per RM credited that day.
CREATE OR REPLACE TEMPORARY VIEW rm_loans AS
SELECT rm_id, CASE WHEN rm_id IS NULL THEN customer_branch END AS branch,
  sum(balance_fen) AS loan_balance,
  sum(CASE WHEN loan_class IN ('substandard', 'doubtful', 'loss') THEN balance_fen ELSE 0 END) AS npl_balance
FROM (
  SELECT coalesce(w.rm_id, h.rm_id) AS rm_id, c.customer_branch, w.loan_class,
    CASE WHEN a.currency = 'CNY' THEN w.balance ELSE round(w.balance * r.cny_per_unit) END AS balance_fen
  FROM window_rows w
  JOIN accounts a ON a.account_id = w.account_id AND a.product_type IN ('loan', 'credit_card')
  JOIN customers c ON c.customer_id = a.customer_id
  LEFT JOIN customer_rm_history h ON h.customer_id = a.customer_id AND h.from_num <= ${T} AND h.to_num >= ${T}
  LEFT JOIN fx_rates r ON a.currency <> 'CNY' AND r.currency = a.currency AND r.day_num <= ${T} AND r.end_num >= ${T}
  WHERE w.hi = ${T} AND w.source <> 'C'
) l
GROUP BY 1, 2;

CREATE OR REPLACE TEMPORARY VIEW rm_customers AS
SELECT h.rm_id, CASE WHEN h.rm_id IS NULL THEN c.customer_branch END AS branch, count(*) AS customers,
  sum(CASE WHEN c.opened_on >= '${from}' AND c.opened_on <= '${to}' THEN 1 ELSE 0 END) AS new_customers
FROM customers c
LEFT JOIN customer_rm_history h ON h.customer_id = c.customer_id AND h.from_num <= ${T} AND h.to_num >= ${T}
WHERE c.opened_on IS NULL OR c.opened_on <= '${to}'
GROUP BY 1, 2;

CREATE OR REPLACE TEMPORARY VIEW rm_balance_metrics AS
SELECT rm_id, branch,
  v_demand_deposit / ${D} + v_time_deposit / ${D} AS deposit_adb,
  v_demand_deposit / ${D} + v_time_deposit / ${D} + v_wealth / ${D} + v_fund / ${D} + v_insurance / ${D} + v_bond / ${D} AS aum_adb,
  v_loan_normal / ${D} + v_loan_special_mention / ${D} + v_loan_substandard / ${D} + v_loan_doubtful / ${D} + v_loan_loss / ${D}
    + v_card_normal / ${D} + v_card_special_mention / ${D} + v_card_substandard / ${D} + v_card_doubtful / ${D} + v_card_loss / ${D} AS loan_adb,
  v_demand_deposit * ${sp_demand_deposit} / 365 + v_time_deposit * ${sp_time_deposit} / 365 + v_wealth * ${sp_wealth} / 365
    + v_fund * ${sp_fund} / 365 + v_insurance * ${sp_insurance} / 365 + v_bond * ${sp_bond} / 365
    + v_loan_normal * ${sp_loan} / 365 + v_loan_special_mention * ${sp_loan} / 365 + v_loan_substandard * ${sp_loan} / 365
    + v_loan_doubtful * ${sp_loan} / 365 + v_loan_loss * ${sp_loan} / 365
    + v_card_normal * ${sp_credit_card} / 365 + v_card_special_mention * ${sp_credit_card} / 365 + v_card_substandard * ${sp_credit_card} / 365
    + v_card_doubtful * ${sp_credit_card} / 365 + v_card_loss * ${sp_credit_card} / 365 AS net_interest,
  v_loan_normal / ${D} * ${rk_normal} * (${D} / 365) + v_loan_special_mention / ${D} * ${rk_special_mention} * (${D} / 365)
    + v_loan_substandard / ${D} * ${rk_substandard} * (${D} / 365) + v_loan_doubtful / ${D} * ${rk_doubtful} * (${D} / 365)
    + v_loan_loss / ${D} * ${rk_loss} * (${D} / 365)
    + v_card_normal / ${D} * ${rk_normal} * (${D} / 365) + v_card_special_mention / ${D} * ${rk_special_mention} * (${D} / 365)
    + v_card_substandard / ${D} * ${rk_substandard} * (${D} / 365) + v_card_doubtful / ${D} * ${rk_doubtful} * (${D} / 365)
    + v_card_loss / ${D} * ${rk_loss} * (${D} / 365) AS risk_cost
FROM rm_balance_credit;

CREATE OR REPLACE TEMPORARY VIEW rm_metrics AS
SELECT rm_id, branch,
  sum(customers) AS customers, sum(new_customers) AS new_customers,
  sum(deposit_adb) AS deposit_adb, sum(aum_adb) AS aum_adb, sum(loan_adb) AS loan_adb,
  sum(loan_balance) AS loan_balance, sum(npl_balance) AS npl_balance, sum(fee_income) AS fee_income, sum(txn_count) AS txn_count,
  sum(net_interest) + sum(fee_income) - sum(channel_cost) - sum(risk_cost) AS contribution,
  sum(previous_deposit_adb) AS previous_deposit_adb, max(present) AS present
FROM (
  SELECT rm_id, branch, 0 AS customers, 0 AS new_customers, deposit_adb, aum_adb, loan_adb, 0 AS loan_balance, 0 AS npl_balance,
    0 AS fee_income, 0 AS txn_count, net_interest, 0 AS channel_cost, risk_cost, 0 AS previous_deposit_adb, 1 AS present FROM rm_balance_metrics
  UNION ALL
  SELECT rm_id, branch, 0, 0, 0, 0, 0, 0, 0, fee_income, txn_count, 0, channel_cost, 0, 0, 1 FROM rm_txn_credit
  UNION ALL
  SELECT rm_id, branch, 0, 0, 0, 0, 0, loan_balance, npl_balance, 0, 0, 0, 0, 0, 0, 1 FROM rm_loans
  UNION ALL
  SELECT rm_id, branch, customers, new_customers, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 FROM rm_customers
  UNION ALL
  SELECT rm_id, branch, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, v_demand_deposit / ${PD} + v_time_deposit / ${PD}, 0 FROM rm_previous_credit
) x
GROUP BY rm_id, branch;
