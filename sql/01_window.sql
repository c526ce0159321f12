-- The window [${F}, ${T}] (day numbers, days since 1970-01-01; ${D} days) over the balance
-- changes: each stored state's days inside the window, and each account's CNY fen-days and
-- loan class on the window's last day. Read by 02_customer_values.sql and 10_rm_metrics.sql.

-- Each state row overlapping the window, with its first (lo) and last (hi) day inside it.
-- A state holds from day_num to end_num (the day before the account's next change).
CREATE OR REPLACE TEMPORARY VIEW window_rows AS
SELECT b.account_id, b.balance, b.rm_id, b.loan_class, b.source, b.day_num, b.end_num,
  greatest(b.day_num, ${F}) AS lo, least(b.end_num, ${T}) AS hi
FROM balances b
WHERE b.end_num >= ${F} AND b.day_num <= ${T};

-- Loan class of each loan account on the window's last day (unknown or none: normal).
CREATE OR REPLACE TEMPORARY VIEW last_day_class AS
SELECT w.account_id,
  CASE WHEN w.loan_class IN ('special_mention', 'substandard', 'doubtful', 'loss') THEN w.loan_class ELSE 'normal' END AS risk_class
FROM window_rows w
WHERE w.hi = ${T};

-- Foreign currency: each day at the latest rate on or before it, rounded to fen. A rate holds
-- from its day_num to its end_num (the day before the currency's next rate).
CREATE OR REPLACE TEMPORARY VIEW fx_days AS
SELECT w.account_id, w.rm_id, w.lo, w.hi, w.balance, a.currency,
  round(w.balance * r.cny_per_unit) AS cny_balance,
  greatest(w.lo, r.day_num) AS r_lo, least(w.hi, r.end_num) AS r_hi
FROM window_rows w
JOIN accounts a ON a.account_id = w.account_id AND a.currency <> 'CNY'
JOIN fx_rates r ON r.currency = a.currency AND r.day_num <= w.hi AND r.end_num >= w.lo
WHERE w.balance <> 0;
