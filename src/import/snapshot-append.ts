/**
 * An account snapshot on the nightly append day: one date, later than every stored balance row,
 * every transaction-derived day and every full snapshot (BalanceStore.appendContext). Rows are
 * staged as they come (a TEMP table keyed by the file line) and compared with `accounts` a chunk
 * at a time while the parse thread reads on; only the rows that change something are kept
 * (acc_work). At the end of the file the new accounts, changed attributes, new balance rows, the
 * closed previous rows, the spans on accounts and the accounts absent from a full snapshot are
 * written set-based, in SQLite's C code, not per row in JavaScript.
 *
 * A file whose first date is not an append day is loaded row by row (the loader `byRow` makes);
 * so is one that turns out to carry a second date: its staged rows are handed to that loader in
 * file order, then the rest of the file.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.js';
import { BalanceStore, dayNum } from '../db/balances.js';
import { END_OF_TIME, RELINK_TXN_CUSTOMERS } from '../db/migrations.js';
import { isLoan } from '../types.js';
import { StringSet } from '../strings.js';
import { KINDS } from './kinds.js';
import type { Loader, LoaderContext } from './load.js';
import { dupProblem, NEGATIVE_LOAN, unknownProblem, type Value } from './rows.js';

const COLUMNS = ['as_of', 'account_id', 'customer_id', 'product_type', 'currency', 'balance', 'rm_id', 'loan_class', 'interest_rate', 'opened_on', 'status'] as const;
const col = (name: string) => KINDS.accounts.columns.findIndex((c) => c.name === name);
const [iAsOf, iAcc, iCust, iProd, iCur, iBal, iRm, iClass, iRate, iOpen, iStatus] = COLUMNS.map(col);

/** Staged columns after the line, in the order row() binds them. */
const STAGE_COLUMNS = 'account_id, customer_id, product_type, currency, balance, rm_id, loan_class, interest_rate, opened_on, status';
const WIDTH = 11;
/** Rows per staging INSERT. */
const BATCH = 1000;
/** Rows compared with accounts at a time, while the parse thread reads on. */
const CHUNK = 100 * BATCH;

const TEMP_TABLES = ['acc_stage', 'acc_work'];

const TEMP_SCHEMA = `
CREATE TEMP TABLE acc_stage (line INTEGER PRIMARY KEY, account_id TEXT NOT NULL, customer_id TEXT NOT NULL, product_type TEXT NOT NULL,
  currency TEXT NOT NULL, balance INTEGER NOT NULL, rm_id TEXT, loan_class TEXT, interest_rate REAL, opened_on TEXT, status TEXT);
-- The rows that change something (or are rejected), and the accounts a full snapshot closes
-- (line NULL). known: in accounts before; last_*: the account's last stored row (NULL: none);
-- state_changed: the day's state differs from that row (a balance row for the day: WRITES_ROW);
-- problem: 1 unknown customer, 2 unknown RM.
CREATE TEMP TABLE acc_work (account_id TEXT PRIMARY KEY, line INTEGER, customer_id TEXT, product_type TEXT, currency TEXT,
  balance INTEGER, rm_id TEXT, loan_class TEXT, interest_rate REAL, opened_on TEXT, status TEXT, source TEXT,
  known INTEGER, old_customer TEXT, attrs_changed INTEGER, state_changed INTEGER,
  last_num INTEGER, last_balance INTEGER, last_cum INTEGER, last_source TEXT, problem INTEGER) WITHOUT ROWID;
`;

/**
 * The accounts loader for snapshots (full or partial): staged and set-based when the file's first
 * date is an append day, else (or from a second date on) `byRow()`'s loader.
 * Long: one closure holds the staging state that row(), the chunk comparison and finish() share;
 * the steps are the named inner functions.
 */
export function snapshotLoader(ctx: LoaderContext, byRow: () => Loader): Loader {
  const { db } = ctx;
  const source = ctx.snapshotMode === 'partial' ? 'P' : 'S';
  let store: BalanceStore | null = null;
  /** The file's date while staging; null once rows go to the row-by-row loader. */
  let date: string | null = null;
  let rowLoader: Loader | null = null;
  // Accounts staged (a duplicate is a later row of an account the file listed before).
  const listed = new StringSet();
  const pending: Value[] = [];
  let insBatch: Statement<unknown[]> | null = null;
  let insOne: Statement<unknown[]> | null = null;
  let staged = 0;
  let compared = 0;
  let firstLine = 0;
  let lastLine = 0;
  // The file's rows in account order so far: chunks are then compared while the parse thread
  // reads on, each a run of accounts. Out of order, a chunk's accounts lie all over the table:
  // every row is compared at the end, in one pass in account order.
  let lastAccount = '';
  let inAccountOrder = true;

  /** The first row decides: staged when its date is an append day. */
  function start(asOf: string): void {
    store = new BalanceStore(db);
    if (store.appendContext(asOf) === null) {
      rowLoader = byRow();
      return;
    }
    date = asOf;
    dropTemp(db);
    db.exec(TEMP_SCHEMA);
    const values = (k: number) => Array.from({ length: k }, () => `(${Array(WIDTH).fill('?').join(', ')})`).join(', ');
    insBatch = db.prepare(`INSERT INTO temp.acc_stage (line, ${STAGE_COLUMNS}) VALUES ${values(BATCH)}`);
    insOne = db.prepare(`INSERT INTO temp.acc_stage (line, ${STAGE_COLUMNS}) VALUES ${values(1)}`);
    // A date imported again keeps the import that first brought it (a re-run changes no table).
    db.prepare('INSERT INTO snapshot_dates (as_of, full, import_id) VALUES (?, 0, ?) ON CONFLICT DO NOTHING').run(asOf, ctx.importId);
  }

  function insertPending(): void {
    const k = pending.length / WIDTH;
    if (k === 0) return;
    // Spread, not an array: better-sqlite3 reads arguments directly (see load-transactions.ts).
    if (k === BATCH) insBatch!.run(...pending);
    else for (let i = 0; i < k; i++) insOne!.run(...pending.slice(i * WIDTH, i * WIDTH + WIDTH));
    staged += k;
    pending.length = 0;
  }

  /** The staged rows not yet compared with accounts: those that change something into acc_work. */
  function compareStaged(): void {
    if (staged === compared) return;
    db.prepare(inAccountOrder ? COMPARE_IN_FILE_ORDER : COMPARE_IN_ACCOUNT_ORDER).run({ from: firstLine, to: lastLine, source });
    compared = staged;
    firstLine = lastLine + 1;
  }

  /** From a second date on, row by row: the staged rows first, in file order. */
  function toRowByRow(): void {
    insertPending();
    rowLoader = byRow();
    const read = db.prepare(`SELECT line, ${STAGE_COLUMNS} FROM temp.acc_stage WHERE line > ? ORDER BY line LIMIT 10000`).raw();
    const rec: Value[] = new Array(KINDS.accounts.columns.length).fill(null);
    for (let after = 0; ;) {
      const rows = read.all(after) as Value[][];
      if (rows.length === 0) break;
      for (const r of rows) {
        rec[iAsOf] = date;
        [rec[iAcc], rec[iCust], rec[iProd], rec[iCur], rec[iBal], rec[iRm], rec[iClass], rec[iRate], rec[iOpen], rec[iStatus]] = r.slice(1);
        ctx.report(rowLoader.row(rec, r[0] as number, undefined)!, r[0] as number, undefined);
      }
      after = rows[rows.length - 1][0] as number;
    }
    dropTemp(db);
    date = null;
  }

  return {
    row(r, line, raw) {
      const asOf = r[iAsOf] as string;
      if (rowLoader === null && date === null) start(asOf);
      else if (date !== null && asOf !== date) toRowByRow();
      if (rowLoader !== null) return rowLoader.row(r, line, raw);
      const product = r[iProd] as string;
      const loan = isLoan(product);
      const balance = r[iBal] as number;
      if (loan && balance < 0) return NEGATIVE_LOAN;
      const acc = r[iAcc] as string;
      if (!listed.add(acc)) return dupProblem('account_id', `${acc}" on "${asOf}`);
      pending.push(line, acc, r[iCust], product, (r[iCur] as string | null) ?? 'CNY', balance, r[iRm], loan ? r[iClass] : null, r[iRate], r[iOpen], r[iStatus]);
      lastLine = line;
      if (acc <= lastAccount) inAccountOrder = false;
      lastAccount = acc;
      if (firstLine === 0) firstLine = line;
      if (pending.length === BATCH * WIDTH) {
        insertPending();
        if (inAccountOrder && staged - compared >= CHUNK) compareStaged();
      }
      return undefined;
    },
    finish() {
      if (rowLoader !== null) return rowLoader.finish();
      if (date === null) return { updated: 0, notes: [] };
      insertPending();
      compareStaged();
      const out = writeDay(date);
      dropTemp(db);
      return out;
    },
  };

  /**
   * Everything the day changes, from acc_work: rejects, closures, new accounts, attributes,
   * balance rows, spans, the customers' summaries. Returns the closures as updates, with a note.
   */
  function writeDay(d: string): { updated: number; notes: string[] } {
    const dn = dayNum(d);
    const notes: string[] = [];
    const rejected = rejectProblems();
    let closed = 0;
    if (ctx.snapshotMode === 'full') {
      db.prepare('UPDATE snapshot_dates SET full = 1 WHERE as_of = ?').run(d);
      closed = closeAbsent();
      if (closed) notes.push(`${closed} account(s) absent from the ${d} snapshot closed (balance 0 from ${d})`);
    }
    const counts = db.prepare(`SELECT count(*) FILTER (WHERE NOT known), count(*) FILTER (WHERE known AND (attrs_changed OR state_changed))
      FROM temp.acc_work WHERE line IS NOT NULL`).raw().get() as [number, number];
    for (let i = 0; i < counts[0]; i++) ctx.report('loaded', 0, undefined);
    for (let i = 0; i < counts[1]; i++) ctx.report('updated', 0, undefined);
    for (let i = staged - rejected - counts[0] - counts[1]; i > 0; i--) ctx.report('skipped', 0, undefined);
    const p = { d, dn };
    // New accounts with their span (the day's row is their first).
    db.prepare(`INSERT INTO accounts (account_id, customer_id, product_type, currency, interest_rate, opened_on, status,
        bal_first, bal_last, bal_last_balance, bal_last_rm, bal_last_class, bal_last_source, bal_last_cum)
      SELECT account_id, customer_id, product_type, currency, interest_rate, opened_on, status, :dn, :dn, balance, rm_id, loan_class, source, 0
      FROM temp.acc_work WHERE NOT known`).run(p);
    db.exec(`UPDATE accounts SET customer_id = w.customer_id, product_type = w.product_type, currency = w.currency,
        interest_rate = w.interest_rate, opened_on = w.opened_on, status = w.status
      FROM temp.acc_work w WHERE w.known AND w.attrs_changed AND accounts.account_id = w.account_id`);
    const moved = db.prepare('SELECT 1 FROM temp.acc_work WHERE known AND attrs_changed AND old_customer != customer_id LIMIT 1').get() !== undefined;
    // The day's rows; the previous last row now ends the day before; the span moves on.
    db.prepare(`INSERT INTO balances (account_id, as_of, balance, rm_id, loan_class, source, day_num, end_num, cum)
      SELECT account_id, :d, balance, rm_id, loan_class, source, :dn, ${END_OF_TIME}, ${CUM} FROM temp.acc_work w WHERE ${WRITES_ROW}`).run(p);
    db.prepare(`UPDATE balances SET end_num = :dn - 1 FROM temp.acc_work w
      WHERE ${WRITES_ROW} AND w.last_num IS NOT NULL AND balances.account_id = w.account_id AND balances.as_of = date(w.last_num * 86400, 'unixepoch')`).run(p);
    db.prepare(`UPDATE accounts SET bal_first = coalesce(bal_first, :dn), bal_last = :dn, bal_last_balance = w.balance, bal_last_cum = ${CUM},
        bal_last_rm = w.rm_id, bal_last_class = w.loan_class, bal_last_source = w.source
      FROM temp.acc_work w WHERE w.known AND ${WRITES_ROW} AND accounts.account_id = w.account_id`).run(p);
    // Accounts that moved to another customer take their transaction roll-ups with them.
    if (moved) db.exec(RELINK_TXN_CUSTOMERS);
    store!.touchCustomersFrom('SELECT customer_id FROM temp.acc_work UNION ALL SELECT old_customer FROM temp.acc_work WHERE attrs_changed AND old_customer != customer_id');
    store!.flush();
    return { updated: closed, notes };
  }

  /**
   * Rows naming an unknown customer or RM: reported in file order, then out of acc_work, but for
   * those whose account a full snapshot now closes (a rejected row lists nothing): each becomes
   * that closure in place. Kept in SQL, not in JavaScript: a night whose RMs failed to load
   * rejects most of its rows. Returns how many rows.
   */
  function rejectProblems(): number {
    let n = 0;
    const problems = db.prepare('SELECT line, customer_id, rm_id, problem FROM temp.acc_work WHERE problem IS NOT NULL ORDER BY line').raw();
    for (const [line, cust, rm, problem] of problems.iterate() as IterableIterator<[number, string, string, number]>) {
      ctx.report(problem === 1 ? unknownProblem('customer_id', cust, 'customers') : unknownProblem('rm_id', rm, 'rms'), line, undefined);
      n++;
    }
    if (n === 0) return 0;
    if (ctx.snapshotMode === 'full') {
      db.exec(`UPDATE temp.acc_work SET ${CLOSURE}, problem = NULL
        WHERE problem IS NOT NULL AND known AND last_num IS NOT NULL AND last_source != 'C'`);
    }
    db.exec('DELETE FROM temp.acc_work WHERE problem IS NOT NULL');
    return n;
  }

  /**
   * A full snapshot closes the accounts open before it that it does not list: each gets a closed
   * row on the day. Returns how many (with those rejectProblems() closed).
   */
  function closeAbsent(): number {
    // SQLite asks for each open account whether the file listed it (a function call per account:
    // no row handed to JavaScript).
    db.function('crm_unlisted', { deterministic: true }, (acc) => (listed.has(acc as string) ? 0 : 1));
    try {
      db.prepare(`INSERT INTO temp.acc_work (account_id, old_customer, known, last_num, last_balance, last_cum, last_source)
        SELECT account_id, customer_id, 1, bal_last, bal_last_balance, bal_last_cum, bal_last_source
        FROM accounts WHERE bal_last_source != 'C' AND crm_unlisted(account_id)`).run();
    } finally {
      db.function('crm_unlisted', () => 0);
    }
    return db.prepare(`UPDATE temp.acc_work SET ${CLOSURE} WHERE line IS NULL`).run().changes;
  }
}

/**
 * SQL SET list: an acc_work row becomes its account's closure on the day (no line: no row of the
 * file; balance 0 from the day, the attributes as they are).
 */
const CLOSURE = `line = NULL, customer_id = old_customer, balance = 0, rm_id = NULL, loan_class = NULL, source = 'C',
  attrs_changed = 0, state_changed = 1`;

/** SQL over acc_work w: the row writes a balance row for the day (a partial snapshot keeps its row even when the state is the same). */
const WRITES_ROW = "(w.state_changed OR w.source = 'P')";

/** SQL over acc_work w: the prefix sum of the day's row (that of the account's last row carried to the day). */
const CUM = 'coalesce(w.last_cum + w.last_balance * (:dn - w.last_num), 0)';

/** SQL: the staged row s's state differs from its account a's last row (sameState, a new state being no closure). */
const STATE_CHANGED = `(a.bal_last IS NULL OR a.bal_last_source = 'C' OR a.bal_last_balance IS NOT s.balance OR a.bal_last_rm IS NOT s.rm_id
  OR a.bal_last_class IS NOT s.loan_class)`;

/**
 * The staged lines :from..:to against accounts: the rows that are new, change the account's
 * attributes or state, or name an unknown customer (of a new account, or one the account moves
 * to) or RM, into acc_work. :source is the day's row source ('S' or 'P'). The lines in file
 * order (COMPARE_IN_FILE_ORDER) or sorted by account first (COMPARE_IN_ACCOUNT_ORDER: the seeks
 * in accounts then go one way through the table).
 */
const compareChunk = (staged: string) => `INSERT INTO temp.acc_work
  SELECT * FROM (SELECT s.account_id, s.line, s.customer_id, s.product_type, s.currency, s.balance, s.rm_id, s.loan_class, s.interest_rate, s.opened_on, s.status,
      :source AS source, a.account_id IS NOT NULL AS known, a.customer_id AS old_customer,
      a.account_id IS NOT NULL AND (a.customer_id IS NOT s.customer_id OR a.product_type IS NOT s.product_type OR a.currency IS NOT s.currency
        OR a.interest_rate IS NOT s.interest_rate OR a.opened_on IS NOT s.opened_on OR a.status IS NOT s.status) AS attrs_changed,
      ${STATE_CHANGED} AS state_changed, a.bal_last, a.bal_last_balance, a.bal_last_cum, a.bal_last_source,
      CASE WHEN a.customer_id IS NOT s.customer_id AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id) THEN 1
        WHEN s.rm_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rms r WHERE r.rm_id = s.rm_id) THEN 2 END AS problem
    FROM ${staged} s LEFT JOIN accounts a ON a.account_id = s.account_id)
  WHERE NOT known OR attrs_changed OR state_changed OR source = 'P' OR problem IS NOT NULL`;

const COMPARE_IN_FILE_ORDER = compareChunk('(SELECT * FROM temp.acc_stage WHERE line BETWEEN :from AND :to)');
const COMPARE_IN_ACCOUNT_ORDER = compareChunk('(SELECT * FROM temp.acc_stage WHERE line BETWEEN :from AND :to ORDER BY account_id)');

function dropTemp(db: Db): void {
  for (const t of TEMP_TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}
