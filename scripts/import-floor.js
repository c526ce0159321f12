#!/usr/bin/env node
// An import's floor in SQLite alone: prints a sqlite3 script that loads FILE as `sqlite3 .import`
// does and then makes, one set-based statement each, the writes crm keeps for it, with no parsing
// in JavaScript, no per-row validation and no rejects. Run it on a copy of a crm database:
//   node scripts/import-floor.js transactions FILE [--all-spans] | /usr/bin/time sqlite3 COPY.db 2>/dev/null
//   node scripts/import-floor.js snapshot FILE | /usr/bin/time sqlite3 COPY.db
// transactions: the rows into transaction_rows, their day sums into txn_daily, txn_monthly and
//   txn_totals; with balance_after (a one-day file), each account's new balance row, the close of
//   its previous row, its span on accounts and its customer's customer_spans row. --all-spans:
//   every customer_spans row rebuilt, as crm does once over two thirds of the customers are touched.
// snapshot: a full snapshot on the nightly append day (one date after every stored row), staged
//   into a table keyed by account_id (what the benchmark's `sqlite3 .import` reference does); the
//   rows that change something, the absent accounts' closures, the new accounts, the balance rows,
//   the previous rows' close, the spans on accounts, the touched customers' customer_spans rows.
// `.timer on` prints each statement's time; the .import is the total less their sum. Needs the
// sqlite3 command 3.33 or later (UPDATE … FROM).
import { openSync, readSync, closeSync } from 'node:fs';
import { CUSTOMER_SPANS_REFRESH } from '../dist/db/customer-spans.js';
import { END_OF_TIME } from '../dist/db/migrations.js';

const [kind, file] = process.argv.slice(2);
const allSpans = process.argv.includes('--all-spans');
if (!file || !['transactions', 'snapshot'].includes(kind)) {
  process.stderr.write('usage: node scripts/import-floor.js transactions|snapshot FILE [--all-spans] | sqlite3 COPY.db\n');
  process.exit(2);
}
/** The file's header line. */
function header(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(4096);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  return buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0];
}
const PRAGMAS = 'PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; PRAGMA temp_store = FILE;';
/** SQL: the day number (days since 1970-01-01, as crm's dayNum) of ISO date `d`. */
const dn = (d) => `CAST(julianday(${d}) - 2440587.5 AS INTEGER)`;
const fen = (c) => `CAST(round(${c} * 100) AS INTEGER)`;
const amount = `CASE direction WHEN 'debit' THEN -abs(${fen('amount')}) WHEN 'credit' THEN abs(${fen('amount')}) ELSE ${fen('amount')} END`;
const label = (c) => `(SELECT label_id FROM txn_labels WHERE label = ${c})`;
// A file without balance_after: the column left out of the stage (so .import finds every row's width).
const hasBalance = () => header(file).split(',').includes('balance_after');
const transactions = (bal = hasBalance() ? 'balance_after' : 'NULL') => `${PRAGMAS}
BEGIN;
CREATE TEMP TABLE s (txn_id TEXT, account_id TEXT, posted_at TEXT, amount REAL, direction TEXT, currency TEXT, channel TEXT, txn_type TEXT, fee REAL${bal === 'NULL' ? '' : ', balance_after REAL'});
.mode csv
.import --skip 1 --schema temp ${file} s
.timer on
INSERT OR IGNORE INTO txn_labels (label) SELECT DISTINCT currency FROM temp.s UNION SELECT DISTINCT channel FROM temp.s UNION SELECT DISTINCT txn_type FROM temp.s;
-- The day sums, then the file's accounts looked up once each (in account order).
CREATE TEMP TABLE g AS SELECT account_id, substr(posted_at, 1, 10) AS day, currency, count(*) AS n,
  count(CASE WHEN channel = 'counter' THEN 1 END) AS n_counter, count(CASE WHEN channel = 'self_service' THEN 1 END) AS n_self_service,
  count(CASE WHEN channel = 'e_banking' THEN 1 END) AS n_e_banking, coalesce(sum(${fen('fee')}), 0) AS fee, sum(abs(${fen('amount')})) AS abs_amount,
  max(CASE WHEN ${bal} IS NOT NULL THEN posted_at || char(1) || (rowid + 10000000000) END) AS last_key, posted_at, rowid AS line, ${fen(bal)} AS balance
  FROM temp.s GROUP BY account_id, day, currency;
CREATE TEMP TABLE d AS SELECT g.*, a.customer_id FROM temp.g JOIN accounts a ON a.account_id = g.account_id;
INSERT INTO transaction_rows SELECT txn_id, account_id, posted_at, ${amount}, ${label('currency')}, ${label('channel')}, ${label('txn_type')},
  ${fen('fee')}, ${fen(bal)}, rowid FROM temp.s
  WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = s.account_id) ON CONFLICT (txn_id) DO NOTHING;
INSERT INTO txn_daily (account_id, day, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, n_bank, abs_bank, last_at, last_seq, last_balance)
  SELECT account_id, day, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, 0, 0, posted_at, line, balance FROM temp.d WHERE true
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
INSERT INTO txn_monthly (customer_id, account_id, month, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, first_day, last_day, last_cust_day)
  SELECT customer_id, account_id, substr(day, 1, 7), currency, sum(n), sum(n_counter), sum(n_self_service), sum(n_e_banking), sum(fee), sum(abs_amount), min(day), max(day), max(day)
  FROM temp.d GROUP BY account_id, currency, substr(day, 1, 7) ORDER BY 1, 2, 3, 4
  ON CONFLICT DO UPDATE SET n = n + excluded.n, fee = fee + excluded.fee, abs_amount = abs_amount + excluded.abs_amount, last_day = excluded.last_day;
INSERT INTO txn_totals (customer_id, account_id, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, first_day, last_day, last_cust_day)
  SELECT customer_id, account_id, currency, sum(n), sum(n_counter), sum(n_self_service), sum(n_e_banking), sum(fee), sum(abs_amount), min(day), max(day), max(day)
  FROM temp.d GROUP BY account_id, currency ORDER BY 1, 2, 3
  ON CONFLICT DO UPDATE SET n = n + excluded.n, fee = fee + excluded.fee, abs_amount = abs_amount + excluded.abs_amount, last_day = excluded.last_day;
-- One day's file: each account's day balance is its new row when it changed.
CREATE TEMP TABLE b AS SELECT d.account_id, d.customer_id, d.day, ${dn('d.day')} AS day_num, d.balance,
    a.bal_last_rm AS rm_id, a.bal_last_class AS loan_class, date(a.bal_last * 86400, 'unixepoch') AS close_as_of,
    coalesce(a.bal_last_cum + a.bal_last_balance * (${dn('d.day')} - a.bal_last), 0) AS cum
  FROM temp.d JOIN accounts a ON a.account_id = d.account_id
  WHERE d.last_key IS NOT NULL AND (a.bal_last IS NULL OR d.balance != a.bal_last_balance);
INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num, cum)
  SELECT account_id, day, balance, rm_id, loan_class, 'T', day_num, ${END_OF_TIME}, cum FROM temp.b WHERE true;
UPDATE balances SET end_num = b.day_num - 1 FROM temp.b b WHERE b.close_as_of IS NOT NULL AND balances.account_id = b.account_id AND balances.as_of = b.close_as_of;
UPDATE accounts SET bal_first = coalesce(bal_first, b.day_num), bal_last = b.day_num, bal_last_balance = b.balance, bal_last_cum = b.cum, bal_last_source = 'T'
  FROM temp.b b WHERE accounts.account_id = b.account_id;
CREATE TEMP TABLE IF NOT EXISTS spans_touched (customer_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO temp.spans_touched SELECT customer_id FROM temp.b;
${CUSTOMER_SPANS_REFRESH(allSpans).join(';\n')};
COMMIT;
`;

const snapshot = () => `${PRAGMAS}
BEGIN;
CREATE TEMP TABLE s (as_of TEXT, account_id TEXT PRIMARY KEY, customer_id TEXT, product_type TEXT, currency TEXT, balance REAL, rm_id TEXT,
  loan_class TEXT, interest_rate REAL, opened_on TEXT, status TEXT);
.mode csv
.import --skip 1 --schema temp ${file} s
.timer on
-- The rows that change something: a new account, other attributes or another state. An unknown
-- customer or RM can only come with such a row, so only they are checked.
CREATE TEMP TABLE w AS SELECT s.account_id, s.as_of, ${dn('s.as_of')} AS day_num, s.customer_id, s.product_type, s.currency,
    ${fen('s.balance')} AS balance, nullif(s.rm_id, '') AS rm_id, nullif(s.loan_class, '') AS loan_class, s.interest_rate,
    nullif(s.opened_on, '') AS opened_on, nullif(s.status, '') AS status, a.account_id IS NOT NULL AS known, a.customer_id AS old_customer,
    (a.customer_id IS NOT s.customer_id OR a.product_type IS NOT s.product_type OR a.currency IS NOT s.currency
      OR a.interest_rate IS NOT s.interest_rate OR a.opened_on IS NOT nullif(s.opened_on, '') OR a.status IS NOT nullif(s.status, '')) AS attrs_changed,
    (a.bal_last IS NULL OR a.bal_last_source = 'C' OR a.bal_last_balance != ${fen('s.balance')} OR a.bal_last_rm IS NOT nullif(s.rm_id, '')
      OR a.bal_last_class IS NOT nullif(s.loan_class, '')) AS state_changed,
    a.bal_last AS last_num, a.bal_last_balance AS last_balance, a.bal_last_cum AS last_cum
  FROM temp.s LEFT JOIN accounts a ON a.account_id = s.account_id WHERE attrs_changed OR state_changed;
CREATE TEMP TABLE bad AS SELECT account_id FROM temp.w WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = w.customer_id)
  OR (rm_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rms r WHERE r.rm_id = w.rm_id));
-- The open accounts the file does not list: closed that day.
INSERT INTO temp.w (account_id, as_of, day_num, customer_id, balance, known, attrs_changed, state_changed, last_num, last_balance, last_cum)
  SELECT a.account_id, (SELECT max(as_of) FROM temp.s), (SELECT ${dn('max(as_of)')} FROM temp.s), a.customer_id, 0, 1, 0, 1, a.bal_last, a.bal_last_balance, a.bal_last_cum
  FROM accounts a WHERE a.bal_last IS NOT NULL AND a.bal_last_source != 'C' AND NOT EXISTS (SELECT 1 FROM temp.s WHERE s.account_id = a.account_id);
INSERT INTO accounts (account_id, customer_id, product_type, currency, interest_rate, opened_on, status)
  SELECT account_id, customer_id, product_type, currency, interest_rate, opened_on, status FROM temp.w WHERE NOT known;
UPDATE accounts SET customer_id = w.customer_id, product_type = w.product_type, currency = w.currency, interest_rate = w.interest_rate,
  opened_on = w.opened_on, status = w.status FROM temp.w w WHERE w.known AND w.attrs_changed AND accounts.account_id = w.account_id;
INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num, cum)
  SELECT account_id, as_of, balance, rm_id, loan_class, CASE WHEN product_type IS NULL THEN 'C' ELSE 'S' END, day_num, ${END_OF_TIME},
    coalesce(last_cum + last_balance * (day_num - last_num), 0) FROM temp.w WHERE state_changed;
UPDATE balances SET end_num = w.day_num - 1 FROM temp.w w WHERE w.state_changed AND w.last_num IS NOT NULL
  AND balances.account_id = w.account_id AND balances.as_of = date(w.last_num * 86400, 'unixepoch');
UPDATE accounts SET bal_first = coalesce(bal_first, w.day_num), bal_last = w.day_num, bal_last_balance = w.balance,
  bal_last_cum = coalesce(w.last_cum + w.last_balance * (w.day_num - w.last_num), 0), bal_last_rm = w.rm_id, bal_last_class = w.loan_class,
  bal_last_source = CASE WHEN w.product_type IS NULL THEN 'C' ELSE 'S' END FROM temp.w w WHERE w.state_changed AND accounts.account_id = w.account_id;
INSERT OR REPLACE INTO snapshot_dates (as_of, full) SELECT max(as_of), 1 FROM temp.s;
CREATE TEMP TABLE IF NOT EXISTS spans_touched (customer_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO temp.spans_touched SELECT customer_id FROM temp.w UNION SELECT old_customer FROM temp.w WHERE old_customer IS NOT NULL;
${CUSTOMER_SPANS_REFRESH(false).join(';\n')};
COMMIT;
`;

process.stdout.write(kind === 'transactions' ? transactions() : snapshot());
