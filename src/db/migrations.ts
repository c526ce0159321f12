/**
 * Versioned schema. Each migration runs once, inside a transaction, and is recorded in
 * schema_migrations. A database whose version is newer than this crm knows is refused.
 * Plain tables with readable names: any SQLite client can query them.
 */
import { CUSTOMER_SPANS_FILL, CUSTOMER_SPANS_TABLE } from './customer-spans.js';
import { rollupCnyRefresh, ROLLUP_CNY_REFRESH_V3 } from './fx.js';
import { sqlList } from './sql.js';
import { BANK_TXN_TYPES } from '../types.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** After an accounts import moved accounts to another customer: the roll-ups follow. */
export const RELINK_TXN_CUSTOMERS = ['txn_monthly', 'txn_totals'].map((t) => `UPDATE ${t} SET customer_id = a.customer_id FROM accounts a
  WHERE a.account_id = ${t}.account_id AND a.customer_id != ${t}.customer_id`).join(';\n');

/** Sets fx_rates.day_num / end_num from the dates (after every FX import; tiny table). */
export const FX_RELINK = `UPDATE fx_rates SET day_num = x.s, end_num = x.e FROM (
  SELECT currency, date, CAST(julianday(date) - 2440587.5 AS INTEGER) AS s,
    coalesce(CAST(julianday(lead(date) OVER (PARTITION BY currency ORDER BY date)) - 2440587.5 AS INTEGER) - 1, 99999999) AS e
  FROM fx_rates) x
WHERE fx_rates.currency = x.currency AND fx_rates.date = x.date AND (fx_rates.day_num IS NOT x.s OR fx_rates.end_num IS NOT x.e)`;

/**
 * Transactions as imported, the labels spelled out (schema version 5 on). Left joins on the
 * labels' key, so the rows drive. SQLite still visits the joins for a count(*) over the view
 * (9M rows: 1.9 s, against 0.19 s over transaction_rows): count the table.
 */
export const TRANSACTIONS_VIEW = `CREATE VIEW transactions AS
  SELECT t.txn_id, t.account_id, t.posted_at, t.amount, c.label AS currency, ch.label AS channel, ty.label AS txn_type,
    t.fee, t.balance_after, t.seq
  FROM transaction_rows t LEFT JOIN txn_labels c ON c.label_id = t.currency_id
    LEFT JOIN txn_labels ch ON ch.label_id = t.channel_id LEFT JOIN txn_labels ty ON ty.label_id = t.txn_type_id`;

/** SQL: the label ids of txn_labels that name a bank-generated txn_type (BANK_TXN_TYPES). */
export const BANK_TYPE_IDS = `SELECT label_id FROM txn_labels WHERE lower(trim(label)) IN (${sqlList(BANK_TXN_TYPES)})`;

/**
 * A customer's accounts with every column the reports and customer_spans read of them, in
 * customer order: the reports walk customers in order, and account numbers need not follow
 * customers (a core system numbers accounts as they are opened). Read from the table, each
 * account would be a seek to a page of its own: 6.1 against 0.34 s for 1.6M accounts of a
 * million customers with account numbers in random order (docs/architecture.md).
 */
const ACCOUNTS_BY_CUSTOMER = `DROP INDEX accounts_customer;
CREATE INDEX accounts_customer ON accounts (customer_id, currency, product_type, bal_first, bal_last, bal_last_cum, bal_last_balance,
  bal_last_class, bal_last_rm, bal_last_source);`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE rms (
  rm_id       TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  rm_type     TEXT NOT NULL CHECK (rm_type IN ('corporate', 'personal')),
  branch      TEXT,
  base_salary INTEGER NOT NULL DEFAULT 0          -- fen per month
);

CREATE TABLE customers (
  customer_id   TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  customer_type TEXT NOT NULL CHECK (customer_type IN ('personal', 'corporate')),
  rm_id         TEXT REFERENCES rms (rm_id),      -- current RM (latest assignment)
  branch        TEXT,
  opened_on     TEXT
);

-- Who owned a customer from when: the RM in effect on day d is the row with the latest
-- effective_from <= d. The first assignment is taken to hold from the start ('0001-01-01').
-- from_num / to_num: the same interval as day numbers (days since 1970-01-01; to_num is the
-- day before the next assignment, END_OF_TIME when none), kept for fast interval joins.
CREATE TABLE customer_rm_history (
  customer_id    TEXT NOT NULL REFERENCES customers (customer_id),
  effective_from TEXT NOT NULL,
  rm_id          TEXT REFERENCES rms (rm_id),
  from_num       INTEGER NOT NULL,
  to_num         INTEGER NOT NULL,
  PRIMARY KEY (customer_id, effective_from)
) WITHOUT ROWID;

CREATE TABLE accounts (
  account_id    TEXT PRIMARY KEY,
  customer_id   TEXT NOT NULL REFERENCES customers (customer_id),
  product_type  TEXT NOT NULL,
  currency      TEXT NOT NULL DEFAULT 'CNY',
  interest_rate REAL,
  opened_on     TEXT,
  status        TEXT
) WITHOUT ROWID;
CREATE INDEX accounts_customer ON accounts (customer_id);

-- Balance history stored by change: a row only where the account's state (balance, RM,
-- loan class, closed) differs from its previous known day. The state on day d is the row
-- with the latest as_of <= d. source: 'S' snapshot, 'P' partial snapshot (kept even when unchanged),
-- 'T' transaction balance_after, 'C' closed
-- (absent from a later full snapshot: balance 0 from that date). day_num..end_num: the days
-- the row holds, as day numbers (days since 1970-01-01; end_num = END_OF_TIME for the last
-- row), so that Σ balance × days over a window is plain arithmetic on one scan.
CREATE TABLE balances (
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  as_of      TEXT NOT NULL,
  balance    INTEGER NOT NULL,                    -- fen, in the account's currency
  rm_id      TEXT,                                -- RM credited by the snapshot, if given
  loan_class TEXT,
  source     TEXT NOT NULL CHECK (source IN ('S', 'P', 'T', 'C')),
  day_num    INTEGER NOT NULL,
  end_num    INTEGER NOT NULL,
  PRIMARY KEY (account_id, as_of)
) WITHOUT ROWID;
CREATE INDEX balances_as_of ON balances (as_of);

-- Dates for which a snapshot was imported. full = 1: accounts absent from it are closed.
CREATE TABLE snapshot_dates (
  as_of     TEXT PRIMARY KEY,
  full      INTEGER NOT NULL,
  import_id INTEGER
);

-- One b-tree keyed by txn_id: re-imports skip known ids. Reports read txn_daily instead.
CREATE TABLE transactions (
  txn_id        TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  posted_at     TEXT NOT NULL,                    -- YYYY-MM-DD or YYYY-MM-DD HH:MM:SS
  amount        INTEGER NOT NULL,                 -- signed fen: + in to the customer, - out
  currency      TEXT NOT NULL DEFAULT 'CNY',
  channel       TEXT,
  txn_type      TEXT,
  fee           INTEGER,                          -- fen, fee income the bank earned
  balance_after INTEGER,                          -- fen
  seq           INTEGER NOT NULL                  -- import_id * 2^32 + line in the imported file
) WITHOUT ROWID;

-- Transactions summed per account, day and currency, maintained at import so that reports
-- never scan every transaction. last_*: the day's last transaction carrying balance_after
-- (latest posted_at, then the later row: seq = import_id * 2^32 + line).
CREATE TABLE txn_daily (
  account_id     TEXT NOT NULL,
  day            TEXT NOT NULL,
  currency       TEXT NOT NULL,
  n              INTEGER NOT NULL,
  n_counter      INTEGER NOT NULL,
  n_self_service INTEGER NOT NULL,
  n_e_banking    INTEGER NOT NULL,
  fee            INTEGER NOT NULL,                -- fen
  abs_amount     INTEGER NOT NULL,                -- fen, Σ |amount|
  last_at        TEXT,
  last_seq       INTEGER,
  last_balance   INTEGER,
  PRIMARY KEY (account_id, day, currency)
) WITHOUT ROWID;
CREATE INDEX txn_daily_day ON txn_daily (day);

CREATE TABLE targets (
  period TEXT NOT NULL,
  rm_id  TEXT NOT NULL REFERENCES rms (rm_id),
  kpi    TEXT NOT NULL,
  target REAL NOT NULL CHECK (target > 0),
  PRIMARY KEY (period, rm_id, kpi)
) WITHOUT ROWID;

CREATE TABLE fx_rates (
  currency     TEXT NOT NULL,
  date         TEXT NOT NULL,
  cny_per_unit REAL NOT NULL CHECK (cny_per_unit > 0),
  PRIMARY KEY (currency, date)
) WITHOUT ROWID;

CREATE TABLE import_log (
  import_id     INTEGER PRIMARY KEY,
  file          TEXT NOT NULL,
  size          INTEGER,
  sha256        TEXT,
  kind          TEXT,
  encoding      TEXT,
  delimiter     TEXT,
  rows_read     INTEGER NOT NULL DEFAULT 0,
  rows_loaded   INTEGER NOT NULL DEFAULT 0,
  rows_updated  INTEGER NOT NULL DEFAULT 0,
  rows_skipped  INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL,                    -- ok | rejects | failed | started
  message       TEXT,
  started_at    TEXT NOT NULL,
  finished_at   TEXT
);
`,
  },
  {
    version: 2,
    name: 'balance prefix sums, account and customer spans, transaction roll-ups, rate intervals',
    sql: `
-- cum: Σ balance × days of the account's earlier rows (fen-days in the account's currency,
-- from its first row to day_num - 1). The sum over any window [F, T] is then C(T) - C(F - 1),
-- with C(x) = cum + balance × (x - day_num + 1) of the row holding x: two lookups per
-- account instead of a scan of every change in the window.
ALTER TABLE balances ADD COLUMN cum INTEGER NOT NULL DEFAULT 0;
UPDATE balances SET cum = x.c FROM (
  SELECT account_id, as_of, coalesce(sum(balance * (end_num - day_num + 1)) OVER (
    PARTITION BY account_id ORDER BY as_of ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS c
  FROM balances) x
WHERE balances.account_id = x.account_id AND balances.as_of = x.as_of AND x.c != 0;

-- Per account, the first and the last stored balance row (a copy of the last row's state and
-- prefix sum): a window that starts on or before the first row and ends on or after the last
-- one needs no lookup in balances at all. Maintained with every balance write (db/balances.ts).
ALTER TABLE accounts ADD COLUMN bal_first INTEGER;           -- day_num of the first row
ALTER TABLE accounts ADD COLUMN bal_last INTEGER;            -- day_num of the last row
ALTER TABLE accounts ADD COLUMN bal_last_balance INTEGER;
ALTER TABLE accounts ADD COLUMN bal_last_cum INTEGER;
ALTER TABLE accounts ADD COLUMN bal_last_rm TEXT;
ALTER TABLE accounts ADD COLUMN bal_last_class TEXT;
ALTER TABLE accounts ADD COLUMN bal_last_source TEXT;
UPDATE accounts SET bal_first = f.first, bal_last = l.day_num, bal_last_balance = l.balance, bal_last_cum = l.cum,
  bal_last_rm = l.rm_id, bal_last_class = l.loan_class, bal_last_source = l.source
FROM (SELECT account_id, min(day_num) AS first, max(as_of) AS last_as_of FROM balances GROUP BY account_id) f
  JOIN balances l ON l.account_id = f.account_id AND l.as_of = f.last_as_of
WHERE accounts.account_id = f.account_id;

-- Per customer, its CNY accounts' spans summed by product and last loan class (db/customer-spans.ts).
${CUSTOMER_SPANS_TABLE};
${CUSTOMER_SPANS_FILL};

-- The balance rows that name an RM: the accounts whose credit can change within a window.
CREATE INDEX balances_rm_rows ON balances (account_id, day_num, end_num) WHERE rm_id IS NOT NULL;

-- Each rate holds from its date (day_num) to the day before the currency's next rate (end_num),
-- as day numbers: foreign balances join the few rate intervals they overlap by primary key range.
-- txn_daily rolled up per account, calendar month (YYYY-MM) and currency, maintained at import:
-- a window's whole months are read from here, only its partial months from txn_daily. Keyed by
-- the account's customer first, so that per-customer sums need no join and no sort (an account
-- moved to another customer is re-keyed by the accounts import).
CREATE TABLE txn_monthly (
  customer_id    TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  month          TEXT NOT NULL,
  currency       TEXT NOT NULL,
  n              INTEGER NOT NULL,
  n_counter      INTEGER NOT NULL,
  n_self_service INTEGER NOT NULL,
  n_e_banking    INTEGER NOT NULL,
  fee            INTEGER NOT NULL,                -- fen, in the currency
  abs_amount     INTEGER NOT NULL,                -- fen, Σ |amount|
  first_day      TEXT NOT NULL,
  last_day       TEXT NOT NULL,
  PRIMARY KEY (customer_id, account_id, month, currency)
) WITHOUT ROWID;
INSERT INTO txn_monthly
  SELECT a.customer_id, d.account_id, substr(d.day, 1, 7), d.currency, sum(d.n), sum(d.n_counter), sum(d.n_self_service), sum(d.n_e_banking),
    sum(d.fee), sum(d.abs_amount), min(d.day), max(d.day)
  FROM txn_daily d JOIN accounts a ON a.account_id = d.account_id GROUP BY d.account_id, substr(d.day, 1, 7), d.currency;

-- The same sums over all time, per account and currency: a window that holds every posting day
-- in the data (the usual "whole period" report) reads one row per account.
CREATE TABLE txn_totals (
  customer_id    TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  currency       TEXT NOT NULL,
  n              INTEGER NOT NULL,
  n_counter      INTEGER NOT NULL,
  n_self_service INTEGER NOT NULL,
  n_e_banking    INTEGER NOT NULL,
  fee            INTEGER NOT NULL,
  abs_amount     INTEGER NOT NULL,
  first_day      TEXT NOT NULL,
  last_day       TEXT NOT NULL,
  PRIMARY KEY (customer_id, account_id, currency)
) WITHOUT ROWID;
INSERT INTO txn_totals
  SELECT customer_id, account_id, currency, sum(n), sum(n_counter), sum(n_self_service), sum(n_e_banking), sum(fee), sum(abs_amount), min(first_day), max(last_day)
  FROM txn_monthly GROUP BY customer_id, account_id, currency;

ALTER TABLE fx_rates ADD COLUMN day_num INTEGER;
ALTER TABLE fx_rates ADD COLUMN end_num INTEGER;
${FX_RELINK};
`,
  },
  {
    version: 3,
    name: 'foreign-currency transaction roll-ups converted to CNY',
    sql: `
-- A foreign-currency roll-up row's fee and Σ|amount| in CNY fen, its days converted one by one at
-- the rate on or before each (kept by the importer, recomputed by every FX import): a report
-- reads them instead of converting every posting day of every foreign account. NULL for CNY rows
-- and where a day has no rate (the report then converts day by day and says which rate is missing).
ALTER TABLE txn_monthly ADD COLUMN fee_cny INTEGER;
ALTER TABLE txn_monthly ADD COLUMN abs_cny INTEGER;
ALTER TABLE txn_totals ADD COLUMN fee_cny INTEGER;
ALTER TABLE txn_totals ADD COLUMN abs_cny INTEGER;
${ROLLUP_CNY_REFRESH_V3};
`,
  },
  {
    version: 4,
    name: 'index of foreign-currency accounts',
    sql: `
-- The few accounts not in CNY, found without a scan of every account (reports walk them for
-- their exchange rates; the FX check lists their currencies).
CREATE INDEX accounts_foreign ON accounts (currency, account_id) WHERE currency != 'CNY';
`,
  },
  {
    version: 5,
    name: 'transaction text stored once',
    sql: `
-- The text that repeats from transaction to transaction (currency, channel, type) is stored once,
-- in txn_labels, and each row holds its number: a 1M-row import binds and stores three numbers a
-- row instead of three strings (~0.3 s of ~2.8 s). The view "transactions" spells them out, with
-- the columns and order the table had.
CREATE TABLE txn_labels (
  label_id INTEGER PRIMARY KEY,
  label    TEXT NOT NULL UNIQUE
);
INSERT INTO txn_labels (label)
  SELECT currency FROM transactions UNION SELECT channel FROM transactions WHERE channel IS NOT NULL
  UNION SELECT txn_type FROM transactions WHERE txn_type IS NOT NULL;
CREATE TABLE transaction_rows (
  txn_id        TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  posted_at     TEXT NOT NULL,                    -- YYYY-MM-DD or YYYY-MM-DD HH:MM:SS
  amount        INTEGER NOT NULL,                 -- signed fen: + in to the customer, - out
  currency_id   INTEGER NOT NULL,                 -- txn_labels
  channel_id    INTEGER,                          -- txn_labels
  txn_type_id   INTEGER,                          -- txn_labels
  fee           INTEGER,                          -- fen, fee income the bank earned
  balance_after INTEGER,                          -- fen
  seq           INTEGER NOT NULL                  -- import_id * 2^32 + line in the imported file
) WITHOUT ROWID;
INSERT INTO transaction_rows
  SELECT t.txn_id, t.account_id, t.posted_at, t.amount, c.label_id, ch.label_id, ty.label_id, t.fee, t.balance_after, t.seq
  FROM transactions t JOIN txn_labels c ON c.label = t.currency
    LEFT JOIN txn_labels ch ON ch.label = t.channel LEFT JOIN txn_labels ty ON ty.label = t.txn_type
  ORDER BY t.txn_id;
DROP TABLE transactions;
${TRANSACTIONS_VIEW};
`,
  },
  {
    version: 6,
    name: 'customer RM observations, effective date of each import',
    sql: `
-- Every customers file's assignments, by the file's effective date (one row per customer and
-- date; the later import of two files of the same date wins). customer_rm_history is rebuilt
-- from these for each customer a file touches: the earliest observation holds from the start,
-- each later one from its date, consecutive equal RMs collapse. So the history depends on the
-- set of dated files imported, not on the order they came in (docs/import.md).
CREATE TABLE customer_rm_observations (
  customer_id    TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  rm_id          TEXT,
  PRIMARY KEY (customer_id, effective_date)
) WITHOUT ROWID;
INSERT INTO customer_rm_observations SELECT customer_id, effective_from, rm_id FROM customer_rm_history;
-- The effective date a customers import used (NULL for other kinds): a re-import of the same
-- bytes without a date of its own takes the same date again.
ALTER TABLE import_log ADD COLUMN effective_date TEXT;
`,
  },
  {
    version: 7,
    name: 'bank-generated postings in the transaction roll-ups',
    sql: `
-- Bank-generated postings (txn_type in BANK_TXN_TYPES: interest, fees, charges) are not customer
-- activity: RFM, dormancy and the watch signals read n - n_bank, abs_amount - abs_bank and
-- last_cust_day. n_bank / abs_bank: their count and Σ|amount| (fen, in the row's currency).
ALTER TABLE txn_daily ADD COLUMN n_bank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE txn_daily ADD COLUMN abs_bank INTEGER NOT NULL DEFAULT 0;
-- abs_bank_cny: abs_bank in CNY fen for foreign rows, as fee_cny and abs_cny (schema version 3).
-- last_cust_day: the last day with a customer-initiated transaction (n > n_bank); NULL when none.
ALTER TABLE txn_monthly ADD COLUMN n_bank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE txn_monthly ADD COLUMN abs_bank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE txn_monthly ADD COLUMN abs_bank_cny INTEGER;
ALTER TABLE txn_monthly ADD COLUMN last_cust_day TEXT;
ALTER TABLE txn_totals ADD COLUMN n_bank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE txn_totals ADD COLUMN abs_bank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE txn_totals ADD COLUMN abs_bank_cny INTEGER;
ALTER TABLE txn_totals ADD COLUMN last_cust_day TEXT;
UPDATE txn_daily SET n_bank = x.n, abs_bank = x.a FROM (
  SELECT t.account_id, substr(t.posted_at, 1, 10) AS day, c.label AS currency, count(*) AS n, sum(abs(t.amount)) AS a
  FROM transaction_rows t JOIN txn_labels c ON c.label_id = t.currency_id
  WHERE t.txn_type_id IN (${BANK_TYPE_IDS}) GROUP BY 1, 2, 3) x
WHERE txn_daily.account_id = x.account_id AND txn_daily.day = x.day AND txn_daily.currency = x.currency;
UPDATE txn_monthly SET (n_bank, abs_bank, last_cust_day) = (SELECT sum(d.n_bank), sum(d.abs_bank), max(CASE WHEN d.n > d.n_bank THEN d.day END)
  FROM txn_daily d WHERE d.account_id = txn_monthly.account_id AND d.day >= txn_monthly.first_day AND d.day <= txn_monthly.last_day AND d.currency = txn_monthly.currency);
UPDATE txn_totals SET (n_bank, abs_bank, last_cust_day) = (SELECT sum(m.n_bank), sum(m.abs_bank), max(m.last_cust_day)
  FROM txn_monthly m WHERE m.customer_id = txn_totals.customer_id AND m.account_id = txn_totals.account_id AND m.currency = txn_totals.currency);
${rollupCnyRefresh({ abs_bank_cny: 'abs_bank' })};
`,
  },
  {
    version: 8,
    name: 'closed pay periods, deferred pay, clawbacks, adjustments; event counts',
    sql: `
-- One row per close of a period (docs/pay.md). A reopen keeps the row and fills reopened_*; at
-- most one close of a period is in force (reopened_at IS NULL). The plan is kept as text with its
-- SHA-256, the pricing file's text (recomputations use the same), and the imports the figures
-- rest on (import_log ids, a JSON list).
CREATE TABLE pay_closes (
  close_id      INTEGER PRIMARY KEY,
  period        TEXT NOT NULL,
  period_from   TEXT NOT NULL,
  period_to     TEXT NOT NULL,
  plan_file     TEXT NOT NULL,
  plan_text     TEXT NOT NULL,
  plan_sha256   TEXT NOT NULL,
  pricing_file  TEXT,                             -- NULL: the default pricing of metrics.md
  pricing_text  TEXT,
  import_ids    TEXT NOT NULL,
  data_from     TEXT NOT NULL,
  data_to       TEXT NOT NULL,
  closed_by     TEXT NOT NULL,
  closed_at     TEXT NOT NULL,
  reopened_by   TEXT,
  reopened_at   TEXT,
  reopen_reason TEXT
);
CREATE UNIQUE INDEX pay_closes_in_force ON pay_closes (period) WHERE reopened_at IS NULL;

-- Each RM's frozen figures of a close: KPI values (JSON, money in fen), the period's own
-- statement lines as rm-report computes them, and the lines paid in the close (those plus
-- adjustments, deferral, releases, clawbacks). Amounts in fen; paid = the sum of the lines.
CREATE TABLE pay_statements (
  close_id        INTEGER NOT NULL REFERENCES pay_closes (close_id),
  rm_id           TEXT NOT NULL,
  name            TEXT NOT NULL,
  rm_type         TEXT NOT NULL,
  branch          TEXT,
  kpis            TEXT NOT NULL,
  computed_lines  TEXT NOT NULL,
  lines           TEXT NOT NULL,
  base_fen        INTEGER NOT NULL,
  variable_fen    INTEGER NOT NULL,
  adjustments_fen INTEGER NOT NULL,
  deferred_fen    INTEGER NOT NULL,
  released_fen    INTEGER NOT NULL,
  clawed_back_fen INTEGER NOT NULL,
  paid_fen        INTEGER NOT NULL,
  PRIMARY KEY (close_id, rm_id)
) WITHOUT ROWID;

-- What a close recorded beyond the period's own pay. kind: adjustment (a prior period's line that
-- moved, paid here; item = line kind:metric), deferral (one yearly part of deferred pay, due on
-- release_on), release (a deferral part paid here; tranche_id), clawback (taken from a deferral
-- part, tranche_id; item = the loan's account id). origin_*: the period the amount comes from.
CREATE TABLE pay_entries (
  entry_id        INTEGER PRIMARY KEY,
  close_id        INTEGER NOT NULL REFERENCES pay_closes (close_id),
  rm_id           TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('adjustment', 'deferral', 'release', 'clawback')),
  origin_close_id INTEGER NOT NULL REFERENCES pay_closes (close_id),
  origin_period   TEXT NOT NULL,
  item            TEXT,
  tranche_id      INTEGER REFERENCES pay_entries (entry_id),
  part            INTEGER,
  parts           INTEGER,
  release_on      TEXT,
  amount_fen      INTEGER NOT NULL,
  detail          TEXT
);
CREATE INDEX pay_entries_close ON pay_entries (close_id);
CREATE INDEX pay_entries_tranche ON pay_entries (tranche_id) WHERE tranche_id IS NOT NULL;

-- The loans credited to each RM on the closed period's last day (as the loan_balance KPI credits
-- them), CNY fen: a later close claws back when one turns into a plan's clawback class.
CREATE TABLE pay_loans (
  close_id    INTEGER NOT NULL REFERENCES pay_closes (close_id),
  account_id  TEXT NOT NULL,
  rm_id       TEXT NOT NULL,
  loan_class  TEXT,
  balance_fen INTEGER NOT NULL,
  PRIMARY KEY (close_id, account_id)
) WITHOUT ROWID;

-- Event counts per RM and day (import kind events), for a plan's events: amounts.
CREATE TABLE events (
  rm_id     TEXT NOT NULL REFERENCES rms (rm_id),
  day       TEXT NOT NULL,
  event     TEXT NOT NULL,
  count     INTEGER NOT NULL CHECK (count >= 0),
  import_id INTEGER,
  PRIMARY KEY (rm_id, day, event)
) WITHOUT ROWID;
`,
  },
  {
    version: 9,
    name: 'loan rows in a class other than normal indexed',
    sql: `
-- The balance rows of a loan in a class other than normal: a few among millions. crm watch's
-- loan downgrades read these alone instead of every balance row of its window.
CREATE INDEX balances_downgraded ON balances (as_of) WHERE loan_class IS NOT NULL AND loan_class != 'normal';
`,
  },
  {
    version: 10,
    name: 'accounts by customer with their spans',
    sql: `
${ACCOUNTS_BY_CUSTOMER}
`,
  },
];

/** end_num / to_num of an interval with no end yet. */
export const END_OF_TIME = 99999999;

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
