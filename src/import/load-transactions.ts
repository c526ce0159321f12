/**
 * The transactions loader. Rows are appended, as parsed, to a staging table (TEMP, keyed by the
 * file line); everything else is derived from it set-based at the end of the file, in SQLite's C
 * code rather than per row in JavaScript:
 * - the file's day sums per account, currency and day: one sort of the rows, which also gives the
 *   file's accounts in account order, each looked up once (unknown ones: their rows rejected);
 * - the rows into transaction_rows (known txn_ids skipped, later copies of an id in the file rejected);
 * - txn_daily, txn_monthly and txn_totals from the day sums (`INSERT … SELECT … GROUP BY … ON
 *   CONFLICT DO UPDATE`), foreign-currency days converted to CNY as they are added;
 * - daily balances from balance_after: days after everything stored for the account (the usual
 *   nightly append) set-based; an account with any other day through BalanceStore.set().
 * Memory does not grow with the file's accounts or rows: they are in the TEMP database (a file).
 */
import type { Db } from '../db/connection.js';
import { BalanceStore, dayNum, type BalanceState, type LastRow, type SetResult } from '../db/balances.js';
import { BANK_TYPE_IDS, END_OF_TIME } from '../db/migrations.js';
import { rateOn } from '../db/fx.js';
import { KINDS } from './kinds.js';
import type { Loader, LoaderContext } from './load.js';
import { dupProblem, unknownProblem, type Value } from './rows.js';
import { ownCopy } from '../strings.js';

/** Labels a TxnLabels keeps in memory at most: a free-text txn_type may differ on every row. */
const LABELS_HELD = 100_000;

/**
 * The numbers of the transaction text stored once (txn_labels, schema version 5): currencies,
 * channels and types, a new one added as it comes. Within the file's transaction: a file that
 * fails takes its new labels with it.
 */
class TxnLabels {
  private readonly ids = new Map<string, number>();
  private readonly find: ReturnType<Db['prepare']>;
  private readonly add: ReturnType<Db['prepare']>;

  constructor(db: Db) {
    for (const [label, id] of db.prepare('SELECT label, label_id FROM txn_labels LIMIT ?').raw().all(LABELS_HELD) as [string, number][]) this.ids.set(label, id);
    this.find = db.prepare('SELECT label_id FROM txn_labels WHERE label = ?').pluck();
    this.add = db.prepare('INSERT INTO txn_labels (label) VALUES (?)');
  }

  idOf(label: string): number {
    let id = this.ids.get(label);
    if (id !== undefined) return id;
    id = (this.find.get(label) as number | undefined) ?? Number(this.add.run(label).lastInsertRowid);
    if (this.ids.size < LABELS_HELD) this.ids.set(ownCopy(label), id);
    return id;
  }

  /** The label's number, or -1 when it has none yet (matches no row). */
  existing(label: string): number {
    return this.ids.get(label) ?? (this.find.get(label) as number | undefined) ?? -1;
  }
}

/** Rows staged per INSERT statement: far fewer statement calls than one per row. */
const BATCH = 1000;
/** Values a row binds: the staging table's columns but the line. */
const WIDTH = 9;
const STAGE_COLUMNS = 'txn_id, account_id, posted_at, amount, currency_id, channel_id, txn_type_id, fee, balance_after';

/** SQL: the day number (days since 1970-01-01, as dayNum) of ISO date `d`. */
const dayNumSql = (d: string) => `CAST(julianday(${d}) - 2440587.5 AS INTEGER)`;

/**
 * SQL: the order of a row's balance within its day: posted_at, then the file line (a date alone
 * sorts before any time of that day, as the text compares; the line as 11 digits).
 */
const BALANCE_KEY = `CASE WHEN balance_after IS NOT NULL THEN posted_at || char(1) || (line + 10000000000) END`;

/** The TEMP tables of one file (dropped at its start and end). */
const TEMP_TABLES = ['txn_stage', 'txn_accounts', 'txn_day_add', 'txn_bal_days', 'txn_bal_new'];

const TEMP_SCHEMA = `
CREATE TEMP TABLE txn_stage (line INTEGER PRIMARY KEY, ${STAGE_COLUMNS});
-- The file's accounts: customer and currency (customer NULL: not in accounts).
CREATE TEMP TABLE txn_accounts (account_id TEXT PRIMARY KEY, customer_id TEXT, currency TEXT) WITHOUT ROWID;
-- What the file adds per account, currency, month and day (in this order: months and totals group
-- in key order; currency '' for rows without one until they take their account's). last_key: the
-- day's last balance in BALANCE_KEY order.
CREATE TEMP TABLE txn_day_add (
  account_id TEXT NOT NULL, currency TEXT NOT NULL, month TEXT NOT NULL, day TEXT NOT NULL,
  n INTEGER, n_counter INTEGER, n_self_service INTEGER, n_e_banking INTEGER, fee INTEGER, abs_amount INTEGER,
  n_bank INTEGER, abs_bank INTEGER,
  last_key TEXT, last_at TEXT, last_line INTEGER, last_balance INTEGER, fee_cny INTEGER, abs_cny INTEGER, abs_bank_cny INTEGER,
  PRIMARY KEY (account_id, currency, month, day)) WITHOUT ROWID;
-- Per account and day with a balance: the day's last one (over its currencies).
CREATE TEMP TABLE txn_bal_days (account_id TEXT NOT NULL, day TEXT NOT NULL, day_num INTEGER NOT NULL, balance INTEGER NOT NULL,
  PRIMARY KEY (account_id, day)) WITHOUT ROWID;
-- The balance rows the append path writes. close_as_of: on an account's first new row, the day of
-- its last stored row (which then ends the day before); first_num: on its last new row (the new
-- span), its first new day.
CREATE TEMP TABLE txn_bal_new (account_id TEXT NOT NULL, as_of TEXT NOT NULL, balance INTEGER, rm_id TEXT, loan_class TEXT,
  day_num INTEGER, end_num INTEGER, cum INTEGER, close_as_of TEXT, first_num INTEGER, PRIMARY KEY (account_id, as_of)) WITHOUT ROWID;
`;

const col = (name: string) => KINDS.transactions.columns.findIndex((c) => c.name === name);
const N = (v: Value) => v as number;

/**
 * The transactions loader: rows staged as they come, everything else derived set-based at the end
 * of the file (see the steps in finish()).
 * Long: one closure holds the file's prepared statements, labels and staging state that row(),
 * finish() and their steps share; its steps are the named inner functions.
 */
export function transactionsLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const [iId, iAcc, iAt, iAmt, iDir, iCur, iCh, iType, iFee, iBal] =
    ['txn_id', 'account_id', 'posted_at', 'amount', 'direction', 'currency', 'channel', 'txn_type', 'fee', 'balance_after'].map(col);
  const labels = new TxnLabels(db);
  const seqBase = ctx.importId * 2 ** 32;
  const store = new BalanceStore(db);
  // Days after this are new to txn_daily: no stored day after them waits for its balance.
  const lastTxnDay = store.lastTxnDay();
  dropTemp(db);
  db.exec(TEMP_SCHEMA);
  // A batch of consecutive lines (the usual case) binds @first, not each row's line.
  const insertSql = (k: number, consecutive: boolean) => `INSERT INTO temp.txn_stage (${STAGE_COLUMNS}, line)
    VALUES ${Array.from({ length: k }, (_, j) => `(?, ?, ?, ?, ?, ?, ?, ?, ?, ${consecutive ? `@first + ${j}` : '?'})`).join(', ')}`;
  const insConsecutive = db.prepare(insertSql(BATCH, true));
  const insBatch = db.prepare(insertSql(BATCH, false));
  const insOne = db.prepare(insertSql(1, false));
  const pendingVals: Value[] = [];
  const pendingLines: number[] = [];
  let staged = 0;
  let noCurrency = false;

  function insertPending(): void {
    const k = pendingLines.length;
    if (k === 0) return;
    // Spread, not an array: better-sqlite3 reads an array element by element through the generic
    // property lookup, arguments directly. @first as a BigInt: bound as an integer.
    if (k < BATCH) for (let i = 0; i < k; i++) insOne.run(...pendingVals.slice(i * WIDTH, i * WIDTH + WIDTH), pendingLines[i]);
    else if (pendingLines[k - 1] - pendingLines[0] === k - 1) insConsecutive.run({ first: BigInt(pendingLines[0]) }, ...pendingVals);
    else insBatch.run(...withLines());
    staged += k;
    pendingVals.length = 0;
    pendingLines.length = 0;
  }

  /** The pending rows with their lines (a batch whose lines are not consecutive). */
  function withLines(): Value[] {
    const vals: Value[] = [];
    for (let i = 0; i < pendingLines.length; i++) {
      for (let j = i * WIDTH; j < (i + 1) * WIDTH; j++) vals.push(pendingVals[j]);
      vals.push(pendingLines[i]);
    }
    return vals;
  }

  return {
    row(r, line) {
      let amount = N(r[iAmt]);
      const dir = r[iDir];
      if (dir !== null) amount = dir === 'debit' ? -Math.abs(amount) : Math.abs(amount);
      const currency = r[iCur] as string | null;
      const channel = r[iCh] as string | null;
      const type = r[iType] as string | null;
      // No currency: the account's, set in SQL (the account is looked up once, at the end).
      if (currency === null) noCurrency = true;
      pendingVals.push(r[iId], r[iAcc], r[iAt], amount, currency === null ? null : labels.idOf(currency),
        channel === null ? null : labels.idOf(channel), type === null ? null : labels.idOf(type), r[iFee], r[iBal]);
      pendingLines.push(line);
      if (pendingLines.length === BATCH) insertPending();
      return undefined;
    },
    finish() {
      insertPending();
      const notes: string[] = [];
      // One sort of the rows (the day sums) also gives the file's accounts, in account order.
      sumDays();
      const left = staged - rejectUnknownAccounts();
      const filled = noCurrency && setAccountCurrencies();
      const loaded = left - storeRows(left);
      for (let i = 0; i < loaded; i++) ctx.report('loaded', 0, undefined);
      if (loaded > 0) {
        // Rows that left the stage, or took their account's currency, after the day sums.
        if (loaded < left || filled) {
          db.exec('DELETE FROM temp.txn_day_add');
          sumDays();
        }
        addDaySums();
        addRollups();
        const { recorded, kept } = recordBalances(db, store, lastTxnDay);
        if (kept) notes.push(`${kept} account-day(s) keep their snapshot balance over balance_after`);
        if (recorded) notes.push(`${recorded} daily balance(s) recorded from balance_after`);
      }
      dropTemp(db);
      return { updated: 0, notes };
    },
  };

  /**
   * The file's accounts (txn_accounts), from the day sums in account order: accounts is read page
   * after page (in file order, as DISTINCT over the rows gives them: 5.2 s against 0.9 s of CPU for
   * 400k accounts). Rows naming an account not in accounts are rejected and leave the stage and the
   * day sums; returns how many.
   */
  function rejectUnknownAccounts(): number {
    db.exec(`INSERT INTO temp.txn_accounts SELECT s.account_id, a.customer_id, a.currency
      FROM (SELECT DISTINCT account_id FROM temp.txn_day_add) s LEFT JOIN accounts a ON a.account_id = s.account_id`);
    if (db.prepare('SELECT 1 FROM temp.txn_accounts WHERE customer_id IS NULL LIMIT 1').get() === undefined) return 0;
    const UNKNOWN = 'account_id IN (SELECT account_id FROM temp.txn_accounts WHERE customer_id IS NULL)';
    // Row by row, not all at once: a file can name millions of unknown accounts.
    let n = 0;
    for (const [line, acc] of db.prepare(`SELECT line, account_id FROM temp.txn_stage WHERE ${UNKNOWN} ORDER BY line`).raw().iterate() as IterableIterator<[number, string]>) {
      ctx.report(unknownProblem('account_id', acc, 'accounts'), line, undefined);
      n++;
    }
    db.exec(`DELETE FROM temp.txn_stage WHERE ${UNKNOWN}; DELETE FROM temp.txn_day_add WHERE ${UNKNOWN}; DELETE FROM temp.txn_accounts WHERE customer_id IS NULL`);
    return n;
  }

  /** Rows that name no currency take their account's; returns whether there were any. */
  function setAccountCurrencies(): boolean {
    db.exec(`INSERT INTO txn_labels (label) SELECT DISTINCT currency FROM temp.txn_accounts x
      WHERE NOT EXISTS (SELECT 1 FROM txn_labels l WHERE l.label = x.currency)`);
    return db.prepare(`UPDATE temp.txn_stage SET currency_id = (SELECT l.label_id FROM temp.txn_accounts x JOIN txn_labels l ON l.label = x.currency
      WHERE x.account_id = txn_stage.account_id) WHERE currency_id IS NULL`).run().changes > 0;
  }

  /**
   * The staged rows into transaction_rows, in file order; an id already stored is skipped (an
   * earlier import's) or rejected (an earlier line of this file's). Such rows leave the stage;
   * returns how many.
   */
  function storeRows(remaining: number): number {
    const inserted = db.prepare(`INSERT INTO transaction_rows (txn_id, account_id, posted_at, amount, currency_id, channel_id, txn_type_id, fee, balance_after, seq)
      SELECT ${STAGE_COLUMNS}, ? + line FROM temp.txn_stage WHERE true ON CONFLICT (txn_id) DO NOTHING`).run(seqBase).changes;
    if (inserted === remaining) return 0;
    // The staged rows whose id transaction_rows holds from another line (this file's or an earlier import's).
    const OTHERS = 'FROM temp.txn_stage s JOIN transaction_rows t ON t.txn_id = s.txn_id WHERE t.seq != ? + s.line';
    for (const [line, id, seq] of db.prepare(`SELECT s.line, s.txn_id, t.seq ${OTHERS}`).raw().iterate(seqBase) as IterableIterator<[number, string, number]>) {
      ctx.report(Math.floor(seq / 2 ** 32) === ctx.importId ? dupProblem('txn_id', id) : 'skipped', line, undefined);
    }
    // In one statement: a re-sent file can skip millions of rows.
    return db.prepare(`DELETE FROM temp.txn_stage WHERE line IN (SELECT s.line ${OTHERS})`).run(seqBase).changes;
  }

  /**
   * The staged rows' sums per account, currency and day (txn_day_add). A row without a currency
   * counts under '' until setAccountCurrencies() has given it its account's.
   */
  function sumDays(): void {
    const label = (l: string) => labels.existing(l);
    // The bank-generated types' numbers as a literal list (a handful): cheaper per row than a subquery.
    const bank = db.prepare(BANK_TYPE_IDS).pluck().all() as number[];
    const isBank = bank.length ? `txn_type_id IN (${bank.join(', ')})` : '0';
    db.prepare(`INSERT INTO temp.txn_day_add (account_id, currency, month, day, n, n_counter, n_self_service, n_e_banking, fee, abs_amount,
        n_bank, abs_bank, last_key, last_at, last_line, last_balance)
      SELECT account_id, coalesce((SELECT label FROM txn_labels WHERE label_id = currency_id), ''), substr(day, 1, 7), day, n, n_counter, n_self_service, n_e_banking, fee, abs_amount,
        n_bank, abs_bank,
        last_key, CASE WHEN last_key IS NOT NULL THEN posted_at END, CASE WHEN last_key IS NOT NULL THEN line END, CASE WHEN last_key IS NOT NULL THEN balance_after END
      FROM (SELECT account_id, substr(posted_at, 1, 10) AS day, currency_id, count(*) AS n, count(CASE WHEN channel_id = :counter THEN 1 END) AS n_counter,
          count(CASE WHEN channel_id = :self THEN 1 END) AS n_self_service, count(CASE WHEN channel_id = :e THEN 1 END) AS n_e_banking,
          coalesce(sum(fee), 0) AS fee, sum(abs(amount)) AS abs_amount,
          -- Bank-generated postings (interest, fees, charges: schema version 7) are not customer activity.
          count(CASE WHEN ${isBank} THEN 1 END) AS n_bank, coalesce(sum(CASE WHEN ${isBank} THEN abs(amount) END), 0) AS abs_bank,
          max(${BALANCE_KEY}) AS last_key, posted_at, line, balance_after
        FROM temp.txn_stage GROUP BY account_id, day, currency_id)`)
      .run({ counter: label('counter'), self: label('self_service'), e: label('e_banking') });
  }

  /** The file's day sums added to txn_daily. */
  function addDaySums(): void {
    db.prepare(`INSERT INTO txn_daily (account_id, day, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, n_bank, abs_bank, last_at, last_seq, last_balance)
      SELECT account_id, day, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, n_bank, abs_bank, last_at, ? + last_line, last_balance
      FROM temp.txn_day_add WHERE true
      ON CONFLICT (account_id, day, currency) DO UPDATE SET
        n = n + excluded.n, n_counter = n_counter + excluded.n_counter, n_self_service = n_self_service + excluded.n_self_service,
        n_e_banking = n_e_banking + excluded.n_e_banking, fee = fee + excluded.fee, abs_amount = abs_amount + excluded.abs_amount,
        n_bank = n_bank + excluded.n_bank, abs_bank = abs_bank + excluded.abs_bank,
        last_at = CASE WHEN ${NEWER} THEN excluded.last_at ELSE last_at END,
        last_seq = CASE WHEN ${NEWER} THEN excluded.last_seq ELSE last_seq END,
        last_balance = CASE WHEN ${NEWER} THEN excluded.last_balance ELSE last_balance END`).run(seqBase);
    // A foreign-currency day converts as a whole (round(day's fee × rate)): what this file adds is
    // the rounded new sum minus the rounded old one (a day can span files).
    const rate = rateOn('x.currency', 'x.day');
    db.exec(`UPDATE temp.txn_day_add AS x SET
        fee_cny = round(d.fee * ${rate}) - round((d.fee - x.fee) * ${rate}),
        abs_cny = round(d.abs_amount * ${rate}) - round((d.abs_amount - x.abs_amount) * ${rate}),
        abs_bank_cny = round(d.abs_bank * ${rate}) - round((d.abs_bank - x.abs_bank) * ${rate})
      FROM txn_daily d WHERE x.currency != 'CNY' AND d.account_id = x.account_id AND d.day = x.day AND d.currency = x.currency`);
  }

  /**
   * txn_monthly and txn_totals from the file's day sums, each keyed by the account's customer
   * (from txn_accounts: one lookup per account). A new roll-up column is one more entry in
   * ROLLUP_SUMS over a new column of txn_day_add (its sum per day in sumDays()).
   */
  function addRollups(): void {
    for (const [table, keys, group] of [['txn_monthly', ['month', 'currency'], 'account_id, currency, month'], ['txn_totals', ['currency'], 'account_id, currency']] as const) {
      const cols = ['customer_id', 'account_id', ...keys, ...ROLLUP_SUMS.map(([c]) => c), 'first_day', 'last_day', 'last_cust_day'];
      const add = ROLLUP_SUMS.map(([c]) => `${c} = ${c} + excluded.${c}`).join(', ');
      db.exec(`INSERT INTO ${table} (${cols.join(', ')})
        SELECT x.customer_id, g.* FROM (SELECT account_id, ${keys.join(', ')}, ${ROLLUP_SUMS.map(([, expr]) => expr).join(', ')}, min(day), max(day),
            max(CASE WHEN n > n_bank THEN day END)
          FROM temp.txn_day_add GROUP BY ${group}) g JOIN temp.txn_accounts x ON x.account_id = g.account_id WHERE true
        ON CONFLICT (customer_id, account_id, ${keys.join(', ')}) DO UPDATE SET ${add},
          first_day = min(first_day, excluded.first_day), last_day = max(last_day, excluded.last_day),
          last_cust_day = CASE WHEN last_cust_day IS NULL OR excluded.last_cust_day > last_cust_day THEN excluded.last_cust_day ELSE last_cust_day END`);
    }
  }
}

/**
 * The roll-up columns summed from txn_day_add (column, SQL over a group of day rows). fee_cny and
 * abs_cny: NULL for CNY, and where any day has no rate.
 */
const ROLLUP_SUMS: [string, string][] = [
  ['n', 'sum(n)'], ['n_counter', 'sum(n_counter)'], ['n_self_service', 'sum(n_self_service)'], ['n_e_banking', 'sum(n_e_banking)'],
  ['fee', 'sum(fee)'], ['abs_amount', 'sum(abs_amount)'], ['n_bank', 'sum(n_bank)'], ['abs_bank', 'sum(abs_bank)'],
  ['abs_bank_cny', 'CASE WHEN count(abs_bank_cny) = count(*) THEN sum(abs_bank_cny) END'],
  ['fee_cny', 'CASE WHEN count(fee_cny) = count(*) THEN sum(fee_cny) END'], ['abs_cny', 'CASE WHEN count(abs_cny) = count(*) THEN sum(abs_cny) END'],
];

/** In the txn_daily upsert: the incoming day's last balance is later than the stored one. */
const NEWER = `excluded.last_at IS NOT NULL AND (last_at IS NULL OR excluded.last_at > last_at OR (excluded.last_at = last_at AND excluded.last_seq > last_seq))`;

function dropTemp(db: Db): void {
  for (const t of TEMP_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}

/**
 * Daily balances from the file's balance_after. A day's balance is that of its last transaction;
 * a full snapshot's date keeps the snapshot. Per account, days after every stored transaction
 * day (of earlier imports), every full snapshot date and the account's last row are appended
 * set-based; an account with any other day goes through BalanceStore.set() (as a snapshot's
 * row on a day also keeps it). Returns the rows recorded and the account-days kept.
 */
function recordBalances(db: Db, store: BalanceStore, lastTxnDay: string | null): { recorded: number; kept: number } {
  db.exec(`INSERT INTO temp.txn_bal_days SELECT account_id, day, ${dayNumSql('day')}, last_balance
    FROM (SELECT account_id, day, max(last_key), last_balance FROM temp.txn_day_add WHERE last_key IS NOT NULL GROUP BY account_id, day)`);
  let kept = db.prepare('DELETE FROM temp.txn_bal_days WHERE day IN (SELECT as_of FROM snapshot_dates WHERE full = 1)').run().changes;
  const maxFull = (db.prepare('SELECT max(as_of) FROM snapshot_dates WHERE full = 1').pluck().get() as string | null) ?? '';
  const t0 = lastTxnDay === null ? -(2 ** 31) : dayNum(lastTxnDay);
  // Accounts with a day that is not an append.
  const slow = db.prepare(`SELECT DISTINCT b.account_id FROM temp.txn_bal_days b JOIN accounts a ON a.account_id = b.account_id
    WHERE NOT (b.day_num > :t0 AND b.day > :maxFull AND (a.bal_last IS NULL OR b.day_num > a.bal_last))`).pluck().all({ t0, maxFull }) as string[];
  let recorded = 0;
  if (slow.length) {
    const days = db.prepare('SELECT day, balance FROM temp.txn_bal_days WHERE account_id = ? ORDER BY day').raw();
    const drop = db.prepare('DELETE FROM temp.txn_bal_days WHERE account_id = ?');
    const one = accountBalances(db, store, t0);
    for (const acc of slow) {
      const r = one(acc, days.all(acc) as [string, number][]);
      recorded += r.recorded;
      kept += r.kept;
      drop.run(acc);
    }
  }
  recorded += appendBalances(db, store);
  store.flush();
  return { recorded, kept };
}

/**
 * The append path, set-based: per account, its days in order; a day whose balance is that of the
 * day before (or, first, of the account's last row, not a closure) writes nothing. Each new row's
 * end_num is the day before the next one's, cum the prefix sum from the account's last row; the
 * last row is closed the day before the first new one, the span on accounts moves on. Returns the
 * rows written.
 */
function appendBalances(db: Db, store: BalanceStore): number {
  const oldAsOf = `CASE WHEN a.bal_last IS NOT NULL THEN date(a.bal_last * 86400, 'unixepoch') END`;
  // An account with one day in the file (a nightly file's accounts): its row, if the balance
  // changed, without the window functions below (on 930k accounts: 4.6 s of CPU). A file with no
  // account of several days (one day's file) skips them and the check per account.
  const multi = db.prepare('SELECT 1 FROM temp.txn_bal_days GROUP BY account_id HAVING count(*) > 1 LIMIT 1').get() !== undefined;
  const otherDay = 'EXISTS (SELECT 1 FROM temp.txn_bal_days c WHERE c.account_id = b.account_id AND c.day != b.day)';
  let n = db.prepare(`INSERT INTO temp.txn_bal_new
    SELECT b.account_id, b.day, b.balance, a.bal_last_rm, a.bal_last_class, b.day_num, ${END_OF_TIME},
      coalesce(a.bal_last_cum + a.bal_last_balance * (b.day_num - a.bal_last), 0), ${oldAsOf}, b.day_num
    FROM temp.txn_bal_days b JOIN accounts a ON a.account_id = b.account_id
    WHERE ${multi ? `NOT ${otherDay} AND` : ''} (a.bal_last IS NULL OR a.bal_last_source = 'C' OR b.balance != a.bal_last_balance)`).run().changes;
  if (multi) {
    n += db.prepare(`INSERT INTO temp.txn_bal_new
      SELECT account_id, day, balance, rm, cls, day_num, coalesce(nxt - 1, ${END_OF_TIME}),
        coalesce(last_cum + last_balance * (first_value(day_num) OVER w - last_num), 0)
          + coalesce(sum(balance * (nxt - day_num)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
        CASE WHEN row_number() OVER w = 1 THEN old_as_of END,
        CASE WHEN nxt IS NULL THEN first_value(day_num) OVER w END
      FROM (SELECT *, lead(day_num) OVER (PARTITION BY account_id ORDER BY day) AS nxt FROM (
        SELECT b.account_id, b.day, b.day_num, b.balance, a.bal_last_rm AS rm, a.bal_last_class AS cls, ${oldAsOf} AS old_as_of,
          a.bal_last AS last_num, a.bal_last_balance AS last_balance, a.bal_last_cum AS last_cum, a.bal_last_source AS last_source,
          lag(b.balance) OVER (PARTITION BY b.account_id ORDER BY b.day) AS before
        FROM temp.txn_bal_days b JOIN accounts a ON a.account_id = b.account_id WHERE ${otherDay})
        WHERE CASE WHEN before IS NULL THEN last_num IS NULL OR last_source = 'C' OR balance != last_balance ELSE balance != before END)
      WINDOW w AS (PARTITION BY account_id ORDER BY day)`).run().changes;
  }
  if (n === 0) return 0;
  db.exec(`INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num, cum)
    SELECT account_id, as_of, balance, rm_id, loan_class, 'T', day_num, end_num, cum FROM temp.txn_bal_new WHERE true`);
  db.exec(`UPDATE balances SET end_num = n.day_num - 1 FROM temp.txn_bal_new n
    WHERE n.close_as_of IS NOT NULL AND balances.account_id = n.account_id AND balances.as_of = n.close_as_of`);
  db.exec(`UPDATE accounts SET bal_first = coalesce(bal_first, n.first_num), bal_last = n.day_num, bal_last_balance = n.balance,
      bal_last_cum = n.cum, bal_last_rm = n.rm_id, bal_last_class = n.loan_class, bal_last_source = 'T'
    FROM temp.txn_bal_new n WHERE n.first_num IS NOT NULL AND accounts.account_id = n.account_id`);
  // Their customers from the file's accounts (a TEMP table), not one lookup in accounts each.
  store.touchCustomersFrom('SELECT customer_id FROM temp.txn_accounts WHERE account_id IN (SELECT account_id FROM temp.txn_bal_new WHERE first_num IS NOT NULL)');
  return n;
}

/**
 * One account's days with a balance (ascending, full snapshot dates left out) where some day is
 * not an append: days after every stored transaction day `t0`, every full snapshot date and the
 * account's last row are appended; the others go through set(), with the day's balance as stored
 * (the latest of all imports), unless a snapshot row holds the day.
 */
function accountBalances(db: Db, store: BalanceStore, t0: number) {
  const dayBalances = db.prepare(`SELECT day, last_balance FROM txn_daily WHERE account_id = ? AND day BETWEEN ? AND ? AND last_at IS NOT NULL
    ORDER BY day, last_at, last_seq`).raw();
  const snapRow = db.prepare("SELECT 1 FROM balances WHERE account_id = ? AND as_of = ? AND source IN ('S', 'P')").pluck();
  return (acc: string, days: [string, number][]): { recorded: number; kept: number } => {
    let recorded = 0;
    let kept = 0;
    const runDays: string[] = [];
    const runStates: BalanceState[] = [];
    let last: LastRow | null | undefined;
    let balanceOn: Map<string, number> | null = null;
    for (const [day, balance] of days) {
      const dn = dayNum(day);
      if (dn > t0 && store.nextFullAfter(day) === null) {
        if (last === undefined) last = store.lastRow(acc);
        if (last === null || dn > last.day_num) {
          runDays.push(day);
          runStates.push({ balance, rm_id: last?.rm_id ?? null, loan_class: last?.loan_class ?? null, source: 'T' });
          continue;
        }
      }
      if (snapRow.get(acc, day)) {
        kept++;
        continue;
      }
      if (balanceOn === null) {
        balanceOn = new Map();
        for (const [d, b] of dayBalances.all(acc, day, days[days.length - 1][0]) as [string, number][]) balanceOn.set(d, b);
      }
      const old = store.stateOn(acc, day);
      const res = store.set(acc, day, { balance: balanceOn.get(day)!, rm_id: old?.rm_id ?? null, loan_class: old?.loan_class ?? null, source: 'T' });
      if (res !== 'same') recorded++;
      last = undefined;
    }
    if (runDays.length) {
      const results: SetResult[] = [];
      store.appendRun(acc, last ?? null, runDays, runStates, results);
      for (const r of results) if (r !== 'same') recorded++;
    }
    return { recorded, kept };
  };
}
