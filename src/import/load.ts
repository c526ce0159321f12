/**
 * Loaders: one per file kind, writing typed rows into the database inside the caller's
 * transaction. Each returns what happened to a row: loaded (new), updated (changed),
 * skipped (already present, unchanged), or a problem to reject.
 */
import type { Db } from '../db/connection.js';
import { BalanceStore, CLOSED, dayNum, firstRowSpan, LAST_ROW_LIST, lastRowAt, SPAN_COLUMNS, type BalanceState, type LastRow, type SetResult } from '../db/balances.js';
import { BANK_TYPE_IDS, END_OF_TIME, FX_RELINK, RELINK_TXN_CUSTOMERS } from '../db/migrations.js';
import { RateCache, ROLLUP_CNY_REFRESH, roundLikeSql } from '../db/fx.js';
import { isBankGenerated, isLoan } from '../types.js';
import { FROM_THE_START } from './effective-date.js';
import { KINDS, type Kind } from './kinds.js';
import { eventsLoader } from './load-events.js';
import type { RowProblem, Value } from './rows.js';
import { Column, Interner, ownCopy, StringIndex, StringSet } from '../strings.js';

export type RowOutcome = 'loaded' | 'updated' | 'skipped' | RowProblem;

export interface LoaderContext {
  db: Db;
  importId: number;
  /** Date a customer reassignment takes effect. */
  effectiveDate: string;
  /** accounts: 'full' closes absent accounts, 'partial' does not, 'none' registers accounts only. */
  snapshotMode: 'full' | 'partial' | 'none';
  /** Outcome of a row whose row() call returned undefined (loaders that write in batches). */
  report(outcome: RowOutcome, line: number, raw: string | undefined): void;
}

export interface Loader {
  /**
   * `rec` is only valid during the call: keep values, not the array.
   * `line`: the record's line in the file (orders rows of equal posting time). Returns the
   * outcome, or undefined when it will be given later through ctx.report (batched writes).
   * `raw`: the record's text, undefined when the parse thread did not send it (see worker.ts).
   * `codes`: per column, the number the parse thread gave the value (the same value, the same
   * number, within a file), or -1; absent when the file was parsed on this thread.
   */
  row(rec: Value[], line: number, raw: string | undefined, codes?: Int32Array): RowOutcome | undefined;
  /** Work after the last row (closures, balances from transactions); returns rows updated. */
  finish(): { updated: number; notes: string[]; reassigned?: number };
}

const col = (k: Kind, name: string) => KINDS[k].columns.findIndex((c) => c.name === name);

const S = (v: Value) => v as string;
const N = (v: Value) => v as number;

function dupProblem(column: string, key: string): RowProblem {
  return { column, reason: `duplicate ${column} "${key}" in this file` };
}

export function makeLoader(kind: Kind, ctx: LoaderContext): Loader {
  switch (kind) {
    case 'rms': return rmsLoader(ctx);
    case 'customers': return customersLoader(ctx);
    case 'accounts': return accountsLoader(ctx);
    case 'transactions': return transactionsLoader(ctx);
    case 'targets': return targetsLoader(ctx);
    case 'fx_rates': return fxLoader(ctx);
    case 'events': return eventsLoader(ctx);
  }
}

const noFinish = () => ({ updated: 0, notes: [] as string[] });

/** Insert or update by key (the key columns first); compares the stored row to report loaded / updated / skipped. */
function upsertLoader(ctx: LoaderContext, table: string, keyCols: string[], cols: string[], pick: (r: Value[]) => Value[], before?: (r: Value[]) => RowProblem | undefined, finish: Loader['finish'] = noFinish): Loader {
  const where = keyCols.map((k) => `${k} = ?`).join(' AND ');
  const get = ctx.db.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE ${where}`).raw();
  // An INSERT or an UPDATE, as the lookup tells (an upsert into a table other tables refer to is
  // compiled as a multi-row write: statement journal and a search of the referring rows).
  const ins = ctx.db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const valueCols = cols.slice(keyCols.length);
  const upd = valueCols.length ? ctx.db.prepare(`UPDATE ${table} SET ${valueCols.map((c) => `${c} = ?`).join(', ')} WHERE ${where}`) : undefined;
  // Keys of the file so far (as bytes: a million customers' ids would take ~65 MB as a Set).
  const seen = new StringSet();
  return {
    row(r) {
      const problem = before?.(r);
      if (problem) return problem;
      const vals = pick(r);
      const key = vals.slice(0, keyCols.length);
      if (!seen.add(key.join('\u0001'))) return dupProblem(keyCols.join('+'), key.join(', '));
      const old = get.get(...key) as Value[] | undefined;
      if (old && old.every((x, i) => x === vals[i])) return 'skipped';
      if (!old) ins.run(...vals);
      else upd!.run(...vals.slice(keyCols.length), ...key);
      return old ? 'updated' : 'loaded';
    },
    finish,
  };
}

function rmsLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('rms', n);
  return upsertLoader(ctx, 'rms', ['rm_id'], ['rm_id', 'name', 'rm_type', 'branch', 'base_salary'],
    (r) => [r[c('rm_id')], r[c('name')], r[c('rm_type')], r[c('branch')], r[c('base_salary')] ?? 0]);
}

/**
 * Whether an id is in a table (a query by key), remembered until ID_MEMO ids have been asked and
 * then forgotten at once: SQLite is asked once per distinct id of rms and dates, and once per
 * customer of a snapshot whose accounts of a customer come close together. Not every id: a
 * snapshot of 800k customers' accounts would hold all 800k (~55 MB).
 */
function idExists(db: Db, sql: string): (id: string) => boolean {
  const q = db.prepare(sql).pluck();
  const known = new Map<string, boolean>();
  return (id) => {
    let yes = known.get(id);
    if (yes === undefined) {
      if (known.size === ID_MEMO) known.clear();
      known.set(id, (yes = q.get(id) !== undefined));
    }
    return yes;
  };
}

const ID_MEMO = 1 << 16;

const rmExists = (db: Db) => idExists(db, 'SELECT 1 FROM rms WHERE rm_id = ?');

/**
 * Customers: the attributes of the latest-dated file that lists a customer (a file dated earlier
 * than one already imported does not override them), and the file's RM assignments as dated
 * observations (customer_rm_observations) from which the customer's history is rebuilt: the
 * earliest observation holds from the start, each later one from its date, equal neighbours
 * collapse. Both depend on the set of dated files imported, not on the order of the imports.
 */
function customersLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const e = ctx.effectiveDate;
  const [iId, iName, iType, iRm, iBranch, iOpened] = ['customer_id', 'name', 'customer_type', 'rm_id', 'branch', 'opened_on'].map((n) => col('customers', n));
  const hasRm = rmExists(db);
  const get = db.prepare('SELECT name, customer_type, branch, opened_on FROM customers WHERE customer_id = ?').raw();
  const ins = db.prepare('INSERT INTO customers (customer_id, name, customer_type, branch, opened_on) VALUES (?, ?, ?, ?, ?)');
  const upd = db.prepare('UPDATE customers SET name = ?, customer_type = ?, branch = ?, opened_on = ? WHERE customer_id = ?');
  const latestObs = db.prepare('SELECT effective_date, rm_id FROM customer_rm_observations WHERE customer_id = ? ORDER BY effective_date DESC LIMIT 1').raw();
  const observe = db.prepare(`INSERT INTO customer_rm_observations (customer_id, effective_date, rm_id) VALUES (?, ?, ?)
    ON CONFLICT DO UPDATE SET rm_id = excluded.rm_id WHERE rm_id IS NOT excluded.rm_id`);
  const rebuild = rmHistoryRebuilder(db);
  const seen = new StringSet();
  let reassigned = 0;
  return {
    row(r) {
      const rm = r[iRm] as string | null;
      if (rm !== null && !hasRm(rm)) return { column: 'rm_id', reason: `unknown rm_id "${rm}" (not in rms)` };
      const id = S(r[iId]);
      if (!seen.add(id)) return dupProblem('customer_id', id);
      const attrs: Value[] = [r[iName], r[iType], r[iBranch], r[iOpened]];
      const old = get.get(id) as Value[] | undefined;
      const latest = old ? (latestObs.get(id) as [string, string | null] | undefined) : undefined;
      let out: RowOutcome = 'loaded';
      if (!old) ins.run(id, ...attrs);
      else {
        const changed = old.some((x, i) => x !== attrs[i]);
        // Same date as the latest file: the later import wins (a corrected file of that day).
        const newest = latest === undefined || e >= latest[0];
        if (changed && newest) upd.run(...attrs, id);
        out = changed && newest ? 'updated' : 'skipped';
      }
      // The nightly case, a date after every observation with the RM of the latest one, changes no
      // interval (equal neighbours collapse): stored, but nothing to rebuild.
      if (latest && latest[0] === e && latest[1] === rm) return out;
      const stored = observe.run(id, e, rm).changes > 0;
      if (stored && !(latest && latest[0] < e && latest[1] === rm) && rebuild(id)) {
        if (old) reassigned++;
        if (out === 'skipped') out = 'updated';
      }
      return out;
    },
    finish: () => ({ updated: 0, notes: [], reassigned }),
  };
}

/**
 * Rebuilds one customer's customer_rm_history (and customers.rm_id) from its observations;
 * writes only when the history differs. Returns whether it did.
 */
function rmHistoryRebuilder(db: Db): (customer: string) => boolean {
  const obs = db.prepare('SELECT effective_date, rm_id FROM customer_rm_observations WHERE customer_id = ? ORDER BY effective_date').raw();
  const hist = db.prepare('SELECT effective_from, rm_id, from_num, to_num FROM customer_rm_history WHERE customer_id = ? ORDER BY effective_from').raw();
  const del = db.prepare('DELETE FROM customer_rm_history WHERE customer_id = ?');
  const put = db.prepare('INSERT INTO customer_rm_history (customer_id, effective_from, rm_id, from_num, to_num) VALUES (?, ?, ?, ?, ?)');
  const current = db.prepare('UPDATE customers SET rm_id = ? WHERE customer_id = ? AND rm_id IS NOT ?');
  return (customer) => {
    const runs: [string, string | null][] = [];
    for (const [date, rm] of obs.all(customer) as [string, string | null][]) {
      if (runs.length === 0) runs.push([FROM_THE_START, rm]);
      else if (runs[runs.length - 1][1] !== rm) runs.push([date, rm]);
    }
    const rows = runs.map(([from, rm], i) => [from, rm, dayNum(from), i + 1 < runs.length ? dayNum(runs[i + 1][0]) - 1 : END_OF_TIME]);
    const old = hist.all(customer) as unknown[][];
    if (old.length === rows.length && old.every((o, i) => o.every((x, j) => x === rows[i][j]))) return false;
    del.run(customer);
    for (const row of rows) put.run(customer, ...row);
    current.run(runs.length ? runs[runs.length - 1][1] : null, customer, runs.length ? runs[runs.length - 1][1] : null);
    return true;
  };
}

function accountsLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const c = (n: string) => col('accounts', n);
  const [iAsOf, iAcc, iCust, iProd, iCur, iBal, iRm, iClass, iRate, iOpen, iStatus] =
    ['as_of', 'account_id', 'customer_id', 'product_type', 'currency', 'balance', 'rm_id', 'loan_class', 'interest_rate', 'opened_on', 'status'].map(c);
  const custExists = idExists(db, 'SELECT 1 FROM customers WHERE customer_id = ?');
  const hasRm = rmExists(db);
  // The attributes, then the balance span (what the nightly append path needs): one lookup per
  // row, read as an array (better-sqlite3 builds a 12-key object per row more slowly).
  const accGet = db.prepare(`SELECT customer_id, product_type, currency, interest_rate, opened_on, status, ${LAST_ROW_LIST} FROM accounts WHERE account_id = ?`).raw();
  // Whether a snapshot dated after d lists the account: a full one on whose date the account is
  // open (a full snapshot closes what it does not list), or a partial one (its rows are kept).
  const listedAfter = db.prepare(`SELECT 1 FROM snapshot_dates s WHERE s.as_of > :d AND (
      (s.full = 1 AND (SELECT b.source FROM balances b WHERE b.account_id = :a AND b.as_of <= s.as_of ORDER BY b.as_of DESC LIMIT 1) != 'C')
      OR EXISTS (SELECT 1 FROM balances b WHERE b.account_id = :a AND b.as_of = s.as_of AND b.source = 'P'))
    LIMIT 1`).pluck();
  // A plain INSERT for a new account and an UPDATE for a known one, not one upsert: SQLite
  // runs an upsert into a parent table (balances refer to accounts) as a multi-row write, with
  // a statement journal and a search of the child rows (~1 s on a 400k-account snapshot).
  const accInsert = db.prepare(`INSERT INTO accounts (customer_id, product_type, currency, interest_rate, opened_on, status, account_id, ${SPAN_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const noSpan = SPAN_COLUMNS.split(',').map(() => null);
  const accUpdate = db.prepare('UPDATE accounts SET customer_id = ?, product_type = ?, currency = ?, interest_rate = ?, opened_on = ?, status = ? WHERE account_id = ?');
  // A date imported again keeps the import that first brought it (a re-run changes no table).
  const snapPut = db.prepare('INSERT INTO snapshot_dates (as_of, full, import_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const store = new BalanceStore(db);
  // Accounts listed so far, per as_of date ('' for a register): duplicates, and which accounts a
  // full snapshot lists (as bytes: a million accounts' ids would take ~65 MB as a Set).
  const seen = new Map<string, StringSet>();
  const dates = new Set<string>();
  const append = new Map<string, ReturnType<BalanceStore['appendContext']>>();
  const register = ctx.snapshotMode === 'none';
  let customerMoved = false;
  return {
    row(r) {
      const acc = S(r[iAcc]);
      const asOf = register ? null : S(r[iAsOf]);
      let listed = seen.get(asOf ?? '');
      if (!listed) seen.set(asOf ?? '', (listed = new StringSet()));
      if (listed.has(acc)) return dupProblem('account_id', register ? acc : `${acc}" on "${asOf}`);
      const cust = S(r[iCust]);
      const got = accGet.get(acc) as Value[] | undefined;
      // A known account's customer exists (customers are never deleted): asked only on a change.
      if (got?.[0] !== cust && !custExists(cust)) return { column: 'customer_id', reason: `unknown customer_id "${cust}" (not in customers)` };
      const rm = r[iRm] as string | null;
      if (rm !== null && !hasRm(rm)) return { column: 'rm_id', reason: `unknown rm_id "${rm}" (not in rms)` };
      const product = S(r[iProd]);
      if (!register && isLoan(product) && N(r[iBal]) < 0) return { column: 'balance', reason: 'a loan balance is the outstanding principal and must not be negative' };
      listed.add(acc);
      const attrs: Value[] = [cust, product, (r[iCur] as string | null) ?? 'CNY', r[iRate], r[iOpen], r[iStatus]];
      const old = got?.slice(0, 6);
      const attrsChanged = !old || old.some((x, i) => x !== attrs[i]);
      if (asOf !== null && !dates.has(asOf)) {
        dates.add(asOf);
        append.set(asOf, store.appendContext(asOf));
        snapPut.run(asOf, 0, ctx.importId);
      }
      const fast = asOf === null ? null : append.get(asOf);
      const state: BalanceState = { balance: N(r[iBal]), rm_id: rm, loan_class: isLoan(product) ? (r[iClass] as string | null) : null, source: ctx.snapshotMode === 'partial' ? 'P' : 'S' };
      // A new account on a day that appends: its balance span (this first row) goes in with it,
      // not in an UPDATE of the row just inserted.
      const span = !old && fast ? firstRowSpan(asOf!, state) : null;
      // The attributes are those of the latest-dated snapshot listing the account: an older one
      // imported late does not overwrite them (whatever the import order, the same attributes).
      const applied = attrsChanged && (!old || asOf === null || fast !== null || !listedAfter.get({ d: asOf, a: acc }));
      if (applied) {
        if (old) accUpdate.run(...attrs, acc);
        else accInsert.run(...attrs, acc, ...(span ?? noSpan));
        if (old) {
          if (old[0] !== cust) customerMoved = true;
          store.touchAccount(acc, old[0] as string);
        }
      }
      if (register) return !old ? 'loaded' : applied ? 'updated' : 'skipped';
      const res = fast ? fast(acc, state, got ? lastRowAt(got, 6) : null, span !== null) : store.set(acc, asOf!, state);
      if (!old) return 'loaded';
      return res === 'same' && !applied ? 'skipped' : 'updated';
    },
    finish() {
      const out = closeAbsent();
      // Accounts that moved to another customer take their transaction roll-ups with them.
      if (customerMoved) db.exec(RELINK_TXN_CUSTOMERS);
      store.flush();
      return out;
    },
  };

  /** A full snapshot closes the accounts open before it that it does not list. */
  function closeAbsent(): { updated: number; notes: string[] } {
    const notes: string[] = [];
    let updated = 0;
    if (ctx.snapshotMode !== 'full' || dates.size === 0) return { updated, notes };
    if (dates.size > 1) {
      notes.push(`rows carry ${dates.size} as_of dates: treated as a partial snapshot (no account closed)`);
      return { updated, notes };
    }
    const d = [...dates][0];
    db.prepare('UPDATE snapshot_dates SET full = 1 WHERE as_of = ?').run(d);
    store.resetCache();
    const inFile = seen.get(d) ?? new StringSet();
    for (const acc of store.openAccountsOn(d, (a) => !inFile.has(a))) {
      store.set(acc, d, CLOSED);
      updated++;
    }
    if (updated) notes.push(`${updated} account(s) absent from the ${d} snapshot closed (balance 0 from ${d})`);
    return { updated, notes };
  }
}

/**
 * Transaction counts by channel, fees and Σ|amount| (fen, in the transaction's currency); of them
 * the bank-generated postings' count and Σ|amount| (schema version 7), and the last day with a
 * customer-initiated one.
 */
interface Sums {
  n: number;
  counter: number;
  self: number;
  e: number;
  fee: number;
  abs: number;
  nBank: number;
  absBank: number;
  /** Foreign currency: fee, abs and absBank in CNY fen, day by day (null: a day has no rate). Unused for CNY. */
  feeCny: number | null;
  absCny: number | null;
  absBankCny: number | null;
  lastCust: string | null;
}

/** Adds `from`, posted from day `first` to day `last`, into a roll-up. */
function addDays(to: MonthAgg, from: Sums, first: string, last: string): void {
  to.n += from.n; to.counter += from.counter; to.self += from.self; to.e += from.e; to.fee += from.fee; to.abs += from.abs;
  to.nBank += from.nBank; to.absBank += from.absBank;
  to.feeCny = to.feeCny === null || from.feeCny === null ? null : to.feeCny + from.feeCny;
  to.absCny = to.absCny === null || from.absCny === null ? null : to.absCny + from.absCny;
  to.absBankCny = to.absBankCny === null || from.absBankCny === null ? null : to.absBankCny + from.absBankCny;
  if (from.lastCust !== null && (to.lastCust === null || from.lastCust > to.lastCust)) to.lastCust = from.lastCust;
  if (first < to.first) to.first = first;
  if (last > to.last) to.last = last;
}

function emptyMonth(month: string, currency: string, day: string): MonthAgg {
  return { month, currency, n: 0, counter: 0, self: 0, e: 0, fee: 0, abs: 0, nBank: 0, absBank: 0, feeCny: 0, absCny: 0, absBankCny: 0, lastCust: null, first: day, last: day };
}

/** Per account, day and currency: what one file adds to txn_daily. */
interface DayAgg extends Sums {
  day: string;
  currency: string;
  lastAt: string | null;
  /** The file line of the day's last balance (its seq less the import's base: a small integer). */
  lastLine: number;
  lastBalance: number | null;
  /** The account's next day sum in this flush (TxnAccount.first). */
  next: DayAgg | null;
}

/** `k` rows of `width` parameters for a VALUES list. */
const valueRows = (k: number, width: number) => Array(k).fill(`(${Array(width).fill('?').join(', ')})`).join(', ');

/**
 * Adds one flush's sums for k keys to a transaction roll-up (txn_monthly, txn_totals) keyed by
 * customer_id, account_id and `keys`. A row's first value is its account id: the customer is read
 * from accounts inside the statement (a point lookup on a page SQLite holds anyway), not kept per
 * account in memory (a file over 1.5M accounts of 750k customers: ~37 MB).
 */
function rollupUpsert(table: string, keys: string[]): (k: number) => string {
  const sums = ['n', 'n_counter', 'n_self_service', 'n_e_banking', 'fee', 'abs_amount', 'n_bank', 'abs_bank', 'fee_cny', 'abs_cny', 'abs_bank_cny'];
  const cols = ['customer_id', 'account_id', ...keys, ...sums, 'first_day', 'last_day', 'last_cust_day'];
  const row = `((SELECT customer_id FROM accounts WHERE account_id = ?), ${Array(cols.length - 1).fill('?').join(', ')})`;
  const add = sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');
  return (k) => `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array(k).fill(row).join(', ')}
    ON CONFLICT (customer_id, account_id, ${keys.join(', ')}) DO UPDATE SET ${add}, first_day = min(first_day, excluded.first_day), last_day = max(last_day, excluded.last_day),
      last_cust_day = CASE WHEN excluded.last_cust_day > coalesce(last_cust_day, '') THEN excluded.last_cust_day ELSE last_cust_day END`;
}

/**
 * An upsert run for many rows per statement: rows are gathered and written `size` at a time
 * (fewer statement calls; each row still updates its own key). `sqlFor(k)`: the statement for k
 * rows of `width` values. Call flush() before anything reads the table.
 */
class BatchedUpsert {
  private values: (Value | undefined)[] = [];
  private full;
  private one;
  constructor(db: Db, sqlFor: (k: number) => string, private readonly width: number, private readonly size = 64) {
    this.full = db.prepare(sqlFor(size));
    this.one = db.prepare(sqlFor(1));
  }
  add(...row: (Value | undefined)[]): void {
    for (const v of row) this.values.push(v);
    if (this.values.length === this.width * this.size) {
      this.full.run(...this.values);
      this.values.length = 0;
    }
  }
  flush(): void {
    for (let i = 0; i < this.values.length; i += this.width) this.one.run(...this.values.slice(i, i + this.width));
    this.values.length = 0;
  }
}

/** Per account (the map key), calendar month and currency: what one flush adds to txn_monthly. */
interface MonthAgg extends Sums {
  month: string;
  currency: string;
  first: string;
  last: string;
}

/** The key of a day's or month's sums in one currency: the period alone for CNY. */
const inCurrency = (period: string, currency: string) => (currency === 'CNY' ? period : `${period}\u0001${currency}`);

/** fee_cny, abs_cny, abs_bank_cny of a roll-up row: NULL for CNY rows (never read). */
const cnyOf = (m: MonthAgg): (number | null)[] => (m.currency === 'CNY' ? [null, null, null] : [m.feeCny, m.absCny, m.absBankCny]);

/** An account with day sums since the last flush (made at its first transaction after one). */
interface TxnAccount {
  id: string;
  /** Its number in the loader's TxnAccountRegister. */
  slot: number;
  /**
   * Its day sums since the last flush, in the order first added to: a list through DayAgg.next
   * (an array per account held ~170 bytes for the one or two days most have: 17 MB a flush of
   * 100k); `dayIndex` finds them by day (+ currency when not CNY) once there are more than
   * DAYS_SCANNED (a map each cost a 100k-account import ~12 MB of live heap).
   */
  first: DayAgg | null;
  /** The day sum added last to the list, and how many it holds. */
  tail: DayAgg | null;
  count: number;
  dayIndex: Map<string, DayAgg> | null;
  /** The day sum this account added to last. */
  last: DayAgg | null;
}

/** Accounts a TxnAccountRegister also keeps in a map (~18 MB at most with their id strings: heap snapshot). */
const FAST_ACCOUNTS = 1 << 18;

/** TxnAccountRegister.upTo when no flush of this import has recorded a balance of the account. */
const NO_DAY = -(2 ** 31);

/**
 * Every account a transactions file posts to, numbered (StringIndex), with what the loader keeps
 * of each between flushes in paged columns: a file may post to a million accounts, and as objects
 * with their strings they took ~170 bytes each (1.5M accounts: a 617 MB peak). The account's
 * customer is not kept: the roll-up upserts read it from accounts (see rollupUpsert).
 */
class TxnAccountRegister {
  private readonly ids = new StringIndex();
  /** Currency codes of the accounts (1 + place in names); code 0: not in accounts. */
  private readonly codes = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly currency = new Column('uint16');
  /** dayNum of the latest day whose balance an earlier flush of this import recorded, else NO_DAY. */
  readonly upTo = new Column('int32', NO_DAY);
  /** 1 + the account's place in the loader's list of accounts with day sums since the last flush; 0 none. */
  readonly pending = new Column('int32');
  /**
   * The first FAST_ACCOUNTS accounts also in a map, for ids that come without the parse thread's
   * number (past its cap, or parsed on this thread): a file's accounts come round again and again
   * (65,536 instead cost 3–7% on the bench's balance_after file, when the map also stood for the
   * numbered ids; a map of the latest ones, emptied when full, missed most rows of a date-ordered
   * file: +5% time).
   */
  private readonly fast = new Map<string, number>();
  /** 1 + the number of the account whose id the parse thread numbered `code`; 0 not yet seen. */
  private readonly byCode = new Column('int32');

  constructor(private readonly currencyIn: (id: string) => string | undefined) {}

  /**
   * The account's number; an account not seen before is looked up in accounts. `code`: the
   * parse thread's number for the id, or -1: when there is one, an array read finds the account.
   */
  slotOf(id: string, code = -1): number {
    if (code >= 0) {
      this.byCode.reach(code);
      const known = this.byCode.get(code);
      if (known > 0) return known - 1;
      const slot = this.lookUp(id);
      this.byCode.set(code, slot + 1);
      return slot;
    }
    return this.lookUp(id);
  }

  private lookUp(id: string): number {
    let slot = this.fast.get(id);
    if (slot !== undefined) return slot;
    slot = this.ids.indexOf(id);
    if (slot < 0) {
      slot = this.ids.add(id);
      this.currency.reach(slot);
      this.upTo.reach(slot);
      this.pending.reach(slot);
      const currency = this.currencyIn(id);
      if (currency !== undefined) this.currency.set(slot, this.codeOf(currency));
    }
    if (this.fast.size < FAST_ACCOUNTS) this.fast.set(id, slot);
    return slot;
  }

  /** The account's currency, null when it is not in accounts. */
  currencyOf(slot: number): string | null {
    const code = this.currency.get(slot);
    return code === 0 ? null : this.names[code - 1];
  }

  private codeOf(currency: string): number {
    let code = this.codes.get(currency);
    if (code === undefined) {
      this.names.push(currency);
      this.codes.set(currency, (code = this.names.length));
    }
    return code;
  }
}

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
  /** The ids of labels that name a bank-generated txn_type (isBankGenerated): few, all held. */
  private readonly bank: Set<number>;

  constructor(db: Db) {
    for (const [label, id] of db.prepare('SELECT label, label_id FROM txn_labels LIMIT ?').raw().all(LABELS_HELD) as [string, number][]) this.ids.set(label, id);
    this.bank = new Set(db.prepare(BANK_TYPE_IDS).pluck().all() as number[]);
    this.find = db.prepare('SELECT label_id FROM txn_labels WHERE label = ?').pluck();
    this.add = db.prepare('INSERT INTO txn_labels (label) VALUES (?)');
  }

  idOf(label: string): number {
    let id = this.ids.get(label);
    if (id !== undefined) return id;
    id = (this.find.get(label) as number | undefined) ?? Number(this.add.run(label).lastInsertRowid);
    if (this.ids.size < LABELS_HELD) this.ids.set(ownCopy(label), id);
    if (isBankGenerated(label)) this.bank.add(id);
    return id;
  }

  /** Whether the label `id` (a txn_type's) names a bank-generated posting. */
  isBank(id: number | null): boolean {
    return id !== null && this.bank.has(id);
  }
}

/** An account's day sums are found by a scan up to this many, through a map past it. */
const DAYS_SCANNED = 8;

/** Flush the per-day aggregates to the database after this many distinct keys (bounds memory; CRM_TXN_FLUSH_KEYS for tests). */
const DEFAULT_MAX_DAY_KEYS = 100_000;

function transactionsLoader(ctx: LoaderContext): Loader {
  const { db } = ctx;
  const maxDayKeys = Number(process.env.CRM_TXN_FLUSH_KEYS ?? DEFAULT_MAX_DAY_KEYS);
  const c = (n: string) => col('transactions', n);
  const [iId, iAcc, iAt, iAmt, iDir, iCur, iCh, iType, iFee, iBal] =
    ['txn_id', 'account_id', 'posted_at', 'amount', 'direction', 'currency', 'channel', 'txn_type', 'fee', 'balance_after'].map(c);
  const currencyQ = db.prepare('SELECT currency FROM accounts WHERE account_id = ?').pluck();
  const register = new TxnAccountRegister((id) => currencyQ.get(id) as string | undefined);
  // Days, kept per day sum: one string per value.
  const interned = new Interner();
  const labels = new TxnLabels(db);
  // A row's seq (import_id * 2^32 + line) is bound with it, or, for a batch of consecutive lines
  // (the usual case), is @first plus the row's place: one value fewer to bind a row (~0.09 s less
  // over 1M rows).
  const insertSql = (k: number, consecutive: boolean) => `INSERT INTO transaction_rows (txn_id, account_id, posted_at, amount, currency_id, channel_id, txn_type_id, fee, balance_after, seq)
    VALUES ${Array.from({ length: k }, (_, j) => `(?, ?, ?, ?, ?, ?, ?, ?, ?, ${consecutive ? `@first + ${j}` : '?'})`).join(', ')} ON CONFLICT (txn_id) DO NOTHING`;
  // Rows are inserted BATCH at a time: far fewer statement calls than one per row.
  const BATCH = 1000;
  /** Values a row holds in pendingVals: the table's columns but seq. */
  const WIDTH = 9;
  const insConsecutive = db.prepare(insertSql(BATCH, true));
  const insBatch = db.prepare(insertSql(BATCH, false));
  const insOne = db.prepare(insertSql(1, false));
  const whoHas = db.prepare('SELECT seq FROM transaction_rows WHERE txn_id = ?').pluck();
  // The rows to insert (labels as their numbers), and the two labels the day sums need as text.
  const pendingVals: Value[] = [];
  const pendingCurrency: string[] = [];
  const pendingChannel: (string | null)[] = [];
  const pendingSlots: number[] = [];
  const pendingLines: number[] = [];
  const pendingRaw: (string | undefined)[] = [];
  const upsertDaySql = (k: number) => `INSERT INTO txn_daily (account_id, day, currency, n, n_counter, n_self_service, n_e_banking, fee, abs_amount, n_bank, abs_bank, last_at, last_seq, last_balance)
    VALUES ${valueRows(k, 14)}
    ON CONFLICT (account_id, day, currency) DO UPDATE SET
      n = n + excluded.n, n_counter = n_counter + excluded.n_counter, n_self_service = n_self_service + excluded.n_self_service,
      n_e_banking = n_e_banking + excluded.n_e_banking, fee = fee + excluded.fee, abs_amount = abs_amount + excluded.abs_amount,
      n_bank = n_bank + excluded.n_bank, abs_bank = abs_bank + excluded.abs_bank,
      last_at = CASE WHEN ${NEWER} THEN excluded.last_at ELSE last_at END,
      last_seq = CASE WHEN ${NEWER} THEN excluded.last_seq ELSE last_seq END,
      last_balance = CASE WHEN ${NEWER} THEN excluded.last_balance ELSE last_balance END`;
  const upsertDay = new BatchedUpsert(db, upsertDaySql, 14);
  // Foreign currency: the day's sums after the upsert, to convert what this flush adds to them.
  const upsertForeignDay = db.prepare(`${upsertDaySql(1)} RETURNING fee, abs_amount, abs_bank`);
  const rates = new RateCache(db);
  const upsertMonth = new BatchedUpsert(db, rollupUpsert('txn_monthly', ['month', 'currency']), 18);
  const upsertTotal = new BatchedUpsert(db, rollupUpsert('txn_totals', ['currency']), 17);
  // An account's days with a balance, each day's from its last transaction (any currency). The
  // range keeps SQLite on the primary key (an equality on day alone would pick txn_daily_day).
  const dayBalances = db.prepare(`SELECT day, last_balance FROM txn_daily WHERE account_id = ? AND day BETWEEN ? AND ? AND last_at IS NOT NULL
    ORDER BY day, last_at, last_seq`).raw();
  const isFullDay = idExists(db, 'SELECT 1 FROM snapshot_dates WHERE as_of = ? AND full = 1');
  const snapRow = db.prepare("SELECT 1 FROM balances WHERE account_id = ? AND as_of = ? AND source IN ('S', 'P')").pluck();
  const store = new BalanceStore(db);
  // Days after this are new to txn_daily: no stored day after them still waits for its balance.
  const lastTxnDay = store.lastTxnDay();
  const txnDaysBefore = lastTxnDay === null ? NO_DAY : dayNum(lastTxnDay);
  // Accounts with day sums since the last flush (register.pending: their places, until the sort in flush()).
  const aggregated: TxnAccount[] = [];
  let dayKeys = 0;
  const seqBase = ctx.importId * 2 ** 32;
  let balancesRecorded = 0;
  let snapshotKept = 0;

  const months = new Map<string, MonthAgg>();
  const totals = new Map<string, MonthAgg>();
  const balanceSums: DayAgg[] = [];
  const flush = () => {
    // In account order: every table below is keyed by account first, so consecutive writes land
    // on the same or the next b-tree pages instead of all over a file larger than the page cache.
    aggregated.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    for (const account of aggregated) {
      const acc = account.id;
      // The same sums per calendar month (txn_monthly): a handful of months per account and flush.
      months.clear();
      balanceSums.length = 0;
      for (let a = account.first; a !== null; a = a.next) {
        const lastSeq = a.lastAt === null ? null : seqBase + a.lastLine;
        if (a.currency === 'CNY') upsertDay.add(acc, a.day, a.currency, a.n, a.counter, a.self, a.e, a.fee, a.abs, a.nBank, a.absBank, a.lastAt, lastSeq, a.lastBalance);
        else {
          const dayRow = [acc, a.day, a.currency, a.n, a.counter, a.self, a.e, a.fee, a.abs, a.nBank, a.absBank, a.lastAt, lastSeq, a.lastBalance];
          // A day converts as a whole (round(day's fee × rate)): what this flush adds is the
          // rounded new sum minus the rounded old one (a day can span flushes and imports).
          const now = upsertForeignDay.get(dayRow) as { fee: number; abs_amount: number; abs_bank: number };
          const rate = rates.on(a.currency, a.day);
          const added = (total: number, part: number) => (rate === null ? null : roundLikeSql(total * rate) - roundLikeSql((total - part) * rate));
          a.feeCny = added(now.fee, a.fee);
          a.absCny = added(now.abs_amount, a.abs);
          a.absBankCny = added(now.abs_bank, a.absBank);
        }
        if (a.lastAt !== null) balanceSums.push(a);
        const month = a.day.slice(0, 7);
        const key = inCurrency(month, a.currency);
        let m = months.get(key);
        if (!m) months.set(key, (m = emptyMonth(month, a.currency, a.day)));
        addDays(m, a, a.day, a.day);
      }
      // And over all time (txn_totals): the months summed per currency.
      totals.clear();
      for (const m of months.values()) {
        upsertMonth.add(acc, acc, m.month, m.currency, m.n, m.counter, m.self, m.e, m.fee, m.abs, m.nBank, m.absBank, ...cnyOf(m), m.first, m.last, m.lastCust);
        let t = totals.get(m.currency);
        if (!t) totals.set(m.currency, (t = emptyMonth(m.month, m.currency, m.first)));
        addDays(t, m, m.first, m.last);
      }
      for (const t of totals.values()) upsertTotal.add(acc, acc, t.currency, t.n, t.counter, t.self, t.e, t.fee, t.abs, t.nBank, t.absBank, ...cnyOf(t), t.first, t.last, t.lastCust);
      // Right after its days: their rows are still in SQLite's page cache.
      if (balanceSums.length) recordBalances(account, balanceSums);
    }
    for (const account of aggregated) register.pending.set(account.slot, 0);
    aggregated.length = 0;
    dayKeys = 0;
    upsertDay.flush();
    upsertMonth.flush();
    upsertTotal.flush();
  };

  /**
   * A day's balance is that of its last transaction; when a snapshot exists for the day, the
   * snapshot wins. `sums`: the account's day sums with a balance in this flush (all in txn_daily).
   */
  function recordBalances(account: TxnAccount, sums: DayAgg[]): void {
    const acc = account.id;
    // By day, and within a day (currencies) by time and row: each day's last sum holds its last balance.
    sums.sort((x, y) => (x.day !== y.day ? (x.day < y.day ? -1 : 1) : x.lastAt !== y.lastAt ? (x.lastAt! < y.lastAt! ? -1 : 1) : x.lastLine - y.lastLine));
    const end = sums[sums.length - 1].day;
    // A day after every stored transaction day (of earlier imports, and of this account in earlier
    // flushes), every full snapshot date and the account's last row is appended: nothing stored
    // after it can be disturbed, and its balance is this flush's last one. Days are ascending, so
    // such days are the last ones; the days before them go through set().
    const upTo = register.upTo.get(account.slot);
    const storedUpTo = Math.max(txnDaysBefore, upTo);
    const runDays: string[] = [];
    const runStates: BalanceState[] = [];
    let last: LastRow | null | undefined;
    let balanceOn: Map<string, number> | null = null;
    for (let i = 0; i < sums.length; i++) {
      if (i < sums.length - 1 && sums[i + 1].day === sums[i].day) continue; // not the day's last sum
      const day = sums[i].day;
      if (isFullDay(day)) {
        snapshotKept++;
        continue;
      }
      const dn = dayNum(day);
      if (dn > storedUpTo && store.nextFullAfter(day) === null) {
        if (last === undefined) last = store.lastRow(acc);
        if (last === null || dn > last.day_num) {
          runDays.push(day);
          runStates.push({ balance: sums[i].lastBalance!, rm_id: last?.rm_id ?? null, loan_class: last?.loan_class ?? null, source: 'T' });
          continue;
        }
      }
      if (snapRow.get(acc, day)) {
        snapshotKept++;
        continue;
      }
      if (balanceOn === null) {
        upsertDay.flush(); // set() and the query below read txn_daily
        // The day may hold transactions of earlier imports: its balance as stored (the latest of all).
        balanceOn = new Map();
        for (const [d, balance] of dayBalances.all(acc, day, end) as [string, number][]) balanceOn.set(d, balance);
      }
      const old = store.stateOn(acc, day);
      const res = store.set(acc, day, { balance: balanceOn.get(day)!, rm_id: old?.rm_id ?? null, loan_class: old?.loan_class ?? null, source: 'T' });
      if (res !== 'same') balancesRecorded++;
      last = undefined;
    }
    if (runDays.length) {
      const results: SetResult[] = [];
      last = store.appendRun(acc, last ?? null, runDays, runStates, results);
      for (const r of results) if (r !== 'same') balancesRecorded++;
    }
    register.upTo.set(account.slot, Math.max(upTo, dayNum(end)));
  }

  return {
    row(r, line, raw, codes) {
      const acc = S(r[iAcc]);
      const slot = register.slotOf(acc, codes === undefined ? -1 : codes[iAcc]);
      const cur = register.currencyOf(slot);
      if (cur === null) return { column: 'account_id', reason: `unknown account_id "${acc}" (not in accounts)` };
      let amount = N(r[iAmt]);
      const dir = r[iDir];
      if (dir !== null) amount = dir === 'debit' ? -Math.abs(amount) : Math.abs(amount);
      const id = S(r[iId]);
      const posted = S(r[iAt]);
      const bal = r[iBal] as number | null;
      const currency = (r[iCur] as string | null) ?? cur;
      const channel = r[iCh] as string | null;
      const fee = r[iFee] as number | null;
      const type = r[iType] as string | null;
      pendingVals.push(id, acc, posted, amount, labels.idOf(currency), channel === null ? null : labels.idOf(channel), type === null ? null : labels.idOf(type), fee, bal);
      pendingCurrency.push(currency);
      pendingChannel.push(channel);
      pendingSlots.push(slot);
      pendingLines.push(line);
      pendingRaw.push(raw);
      if (pendingLines.length === BATCH) insertPending();
      return undefined;
    },
    finish() {
      insertPending();
      flush();
      store.flush();
      const notes: string[] = [];
      if (snapshotKept) notes.push(`${snapshotKept} account-day(s) keep their snapshot balance over balance_after`);
      if (balancesRecorded) notes.push(`${balancesRecorded} daily balance(s) recorded from balance_after`);
      return { updated: 0, notes };
    },
  };

  function insertPending(): void {
    const k = pendingLines.length;
    if (k === 0) return;
    // Spread, not an array: better-sqlite3 reads an array element by element through the generic
    // property lookup, arguments directly (~0.25 s less over 1M rows of 10 values). @first as a
    // BigInt: bound as an integer, so each row's seq is integer arithmetic.
    const changes = k < BATCH ? runEach()
      : pendingLines[k - 1] - pendingLines[0] === k - 1 ? insConsecutive.run({ first: BigInt(seqBase + pendingLines[0]) }, ...pendingVals).changes
      : insBatch.run(...withSeqs()).changes;
    for (let i = 0; i < k; i++) {
      const o = i * WIDTH;
      if (changes < k) {
        // Some ids were already there: tell inserted rows, in-file duplicates and known ones apart.
        const seq = whoHas.get(pendingVals[o]) as number;
        if (seq !== seqBase + pendingLines[i]) {
          const sameImport = Math.floor(seq / 2 ** 32) === ctx.importId;
          ctx.report(sameImport ? dupProblem('txn_id', S(pendingVals[o])) : 'skipped', pendingLines[i], pendingRaw[i]);
          continue;
        }
      }
      ctx.report('loaded', pendingLines[i], pendingRaw[i]);
      aggregate(pendingSlots[i], S(pendingVals[o + 1]), S(pendingVals[o + 2]), N(pendingVals[o + 3]), pendingCurrency[i], pendingChannel[i],
        pendingVals[o + 7] as number | null, pendingVals[o + 8] as number | null, pendingLines[i], labels.isBank(pendingVals[o + 6] as number | null));
    }
    pendingVals.length = 0;
    pendingCurrency.length = 0;
    pendingChannel.length = 0;
    pendingSlots.length = 0;
    pendingLines.length = 0;
    pendingRaw.length = 0;
    if (dayKeys >= maxDayKeys) flush();
  }

  function runEach(): number {
    let n = 0;
    for (let i = 0; i < pendingLines.length; i++) n += insOne.run(...pendingVals.slice(i * WIDTH, i * WIDTH + WIDTH), seqBase + pendingLines[i]).changes;
    return n;
  }

  /** The pending rows with their seqs (a batch whose lines are not consecutive). */
  function withSeqs(): Value[] {
    const vals: Value[] = [];
    for (let i = 0; i < pendingLines.length; i++) {
      for (let j = i * WIDTH; j < (i + 1) * WIDTH; j++) vals.push(pendingVals[j]);
      vals.push(seqBase + pendingLines[i]);
    }
    return vals;
  }

  /** `bank`: a bank-generated posting (its txn_type is in BANK_TXN_TYPES), not customer activity. */
  function aggregate(slot: number, acc: string, posted: string, amount: number, currency: string, channel: string | null, fee: number | null, bal: number | null, line: number, bank: boolean): void {
    const k = register.pending.get(slot);
    let account = k === 0 ? undefined : aggregated[k - 1];
    if (account === undefined) {
      account = { id: acc, slot, first: null, tail: null, count: 0, dayIndex: null, last: null };
      register.pending.set(slot, aggregated.push(account));
    }
    // An account's transactions mostly come day after day (a nightly file holds one day): the
    // day it last added to is checked before its other days.
    let a = account.last;
    if (a === null || a.currency !== currency || !posted.startsWith(a.day)) {
      const day = interned.of(posted.length === 10 ? posted : posted.slice(0, 10));
      const index = account.dayIndex;
      const sub = index === null ? '' : inCurrency(day, currency);
      a = null;
      if (index !== null) a = index.get(sub) ?? null;
      else {
        for (let x = account.first; x !== null; x = x.next) {
          if (x.day === day && x.currency === currency) {
            a = x;
            break;
          }
        }
      }
      if (!a) {
        a = { day, currency, n: 0, counter: 0, self: 0, e: 0, fee: 0, abs: 0, nBank: 0, absBank: 0, feeCny: 0, absCny: 0, absBankCny: 0, lastCust: null, lastAt: null, lastLine: 0, lastBalance: null, next: null };
        if (account.tail === null) account.first = a;
        else account.tail.next = a;
        account.tail = a;
        account.count++;
        dayKeys++;
        if (index !== null) index.set(sub, a);
        else if (account.count > DAYS_SCANNED) {
          const built = (account.dayIndex = new Map());
          for (let x = account.first; x !== null; x = x.next) built.set(inCurrency(x.day, x.currency), x);
        }
      }
      account.last = a;
    }
    a.n++;
    if (channel === 'counter') a.counter++;
    else if (channel === 'self_service') a.self++;
    else if (channel === 'e_banking') a.e++;
    if (fee !== null) a.fee += fee;
    const abs = amount < 0 ? -amount : amount;
    a.abs += abs;
    if (bank) {
      a.nBank++;
      a.absBank += abs;
    } else a.lastCust = a.day;
    if (bal !== null && (a.lastAt === null || posted >= a.lastAt)) {
      a.lastAt = posted;
      a.lastLine = line;
      a.lastBalance = bal;
    }
  }
}

/** In the txn_daily upsert: the incoming day's last balance is later than the stored one. */
const NEWER = `excluded.last_at IS NOT NULL AND (last_at IS NULL OR excluded.last_at > last_at OR (excluded.last_at = last_at AND excluded.last_seq > last_seq))`;

function targetsLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('targets', n);
  const hasRm = rmExists(ctx.db);
  return upsertLoader(ctx, 'targets', ['period', 'rm_id', 'kpi'], ['period', 'rm_id', 'kpi', 'target'],
    (r) => [r[c('period')], r[c('rm_id')], r[c('kpi')], r[c('target')]],
    (r) => (!hasRm(S(r[c('rm_id')])) ? { column: 'rm_id', reason: `unknown rm_id "${r[c('rm_id')]}" (not in rms)` } : undefined));
}

function fxLoader(ctx: LoaderContext): Loader {
  const c = (n: string) => col('fx_rates', n);
  return upsertLoader(ctx, 'fx_rates', ['currency', 'date'], ['currency', 'date', 'cny_per_unit'],
    (r) => [r[c('currency')], r[c('date')], r[c('cny_per_unit')]], undefined, () => {
      ctx.db.exec(FX_RELINK); // rate intervals as day numbers
      ctx.db.exec(ROLLUP_CNY_REFRESH); // any day's conversion may have changed
      return noFinish();
    });
}
