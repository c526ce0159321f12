/**
 * Versioned schema. Each migration runs once, inside a transaction, and is recorded in
 * schema_migrations. A database whose version is newer than this crm knows is refused.
 * Plain tables with readable names: any SQLite client can query them.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

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
];

/** end_num / to_num of an interval with no end yet. */
export const END_OF_TIME = 99999999;

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
