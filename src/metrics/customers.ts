/**
 * Per-customer value over a window (metrics.md "Customer value"): AUM, deposit and loan
 * ADB, contribution (risk-adjusted profit), fee income and transactions by channel.
 * The heavy lifting is SQL in engine.ts; this combines it per customer.
 */
import type { Db } from '../db/connection.js';
import { directoryColumns, type DirectoryColumns, type DirectoryWants } from '../db/segment-queries.js';
import { isAum, isDeposit, isLoan, type CustomerType, type LoanClass } from '../types.js';
import { dayNum } from '../db/balances.js';
import { forEachRow, TextColumnBuilder, textValues, type IdList, type TextColumn } from '../db/columns.js';
import { balanceSums, forEachClaimedRange, foreignAccountSlices, isoFromNum, missingRate, rangeAt, txnParts, txnRowsSql, txnSumsSql, type AccountSlice, type IdRange, type Window } from './engine.js';
import { startOnWorker, type BalanceTasks, type ExtrasWindow, type Running } from './parallel.js';
import type { AllAumSums, AumWindow } from './windows.js';
import { positionsIn, positionsOf } from '../db/positions.js';
import { DataError } from '../errors.js';
import type { Pricing } from './pricing.js';

/** One customer's values, materialised from a CustomerTable (customerValue). Money in fen. */
export interface CustomerValue {
  customer_id: string;
  name: string;
  customer_type: CustomerType;
  branch: string | null;
  /** The customer's RM in effect on the window's last day. */
  rm_id: string | null;
  aum_adb: number;
  deposit_adb: number;
  loan_adb: number;
  net_interest: number;
  fee_income: number;
  channel_cost: number;
  risk_cost: number;
  contribution: number;
  txn_count: number;
  txn_counter: number;
  txn_self_service: number;
  txn_e_banking: number;
  /** With activityFrom: the last customer-initiated posting day from activityFrom to the window's end. */
  last_txn_day: string | null;
}

/** The per-customer money figures of CustomerValue (fen, fractional), one Float64Array each, by directory position. */
export const MONEY_COLUMNS = ['aum_adb', 'deposit_adb', 'loan_adb', 'net_interest', 'fee_income', 'channel_cost', 'risk_cost', 'contribution'] as const;
/** The per-customer transaction counts of CustomerValue, one Int32Array each (a window's count past 2^31 − 1 is an error). */
export const COUNT_COLUMNS = ['txn_count', 'txn_counter', 'txn_self_service', 'txn_e_banking'] as const;
export const VALUE_COLUMNS = [...MONEY_COLUMNS, ...COUNT_COLUMNS] as const;
export type MoneyColumn = (typeof MONEY_COLUMNS)[number];
export type CountColumn = (typeof COUNT_COLUMNS)[number];
export type ValueColumn = MoneyColumn | CountColumn;

/**
 * Every customer's values over a window, columnar: the directory (customer_id order) and per
 * figure one typed array indexed by directory position (money a Float64Array, counts an
 * Int32Array). `seen` marks the customers that held a balance or made a transaction in the window
 * (the others' figures are 0). A million customers take about 100 MB here, where one object per
 * customer took about 1 KB each. A tiers-only table (customerValues' `tiersOnly`) leaves the
 * columns of NOT_IN_TIERS_ONLY empty.
 */
export interface CustomerTable extends DirectoryColumns, Record<MoneyColumn, Float64Array>, Record<CountColumn, Int32Array> {
  seen: Uint8Array;
  /** With activityFrom: the day number of the last customer-initiated posting day since activityFrom; -1 for none. */
  last_active: Int32Array;
  /**
   * With AUM windows asked alongside (customerValues' `aum`): their sums as the report thread
   * computed them, or null when it did not (no thread: compute them here). Once: the table
   * then no longer has it.
   */
  aumAlongside?: () => AllAumSums | null;
}

/** The type of the customer at directory position i. */
export const typeAt = (t: Pick<DirectoryColumns, 'corporate'>, i: number): CustomerType => (t.corporate[i] ? 'corporate' : 'personal');

/** Customer i of the table as one object (for the few rows a caller shows or tests). */
export function customerValue(t: CustomerTable, i: number): CustomerValue {
  const v = {
    customer_id: t.ids.at(i), name: t.names?.at(i) ?? '', customer_type: typeAt(t, i), branch: t.branches[t.branch[i]], rm_id: t.rms[t.rm[i]],
    last_txn_day: t.last_active[i] >= 0 ? isoFromNum(t.last_active[i]) : null,
  } as CustomerValue;
  for (const k of VALUE_COLUMNS) v[k] = t[k][i];
  return v;
}

const INT32_MAX = 0x7fffffff;

/** A customer the sums name but the directory does not hold (accounts of an unknown customer). */
const notInDirectory = (id: string) => new DataError(`customer ${id} holds accounts but is not in the customers table`);

/**
 * A window's transaction sums per customer in customer_id order, as typed arrays, and the
 * customers' ids as one string (TextColumn): they cross from the report thread
 * in one copy each, and the report thread needs no directory of its own (a million id strings
 * there cost some 100 MB).
 */
export interface TxnSumColumns {
  /** The customers' ids, in customer_id order. */
  ids: TextColumn;
  /** Transaction counts (Int32Array: a count past 2^31 − 1 is an error, not a wrapped number). */
  count: Int32Array;
  counter: Int32Array;
  self_service: Int32Array;
  e_banking: Int32Array;
  fee_fen: Float64Array;
  /** Last customer-initiated posting day since activityFrom, as a day number; -1 for none (empty without activityFrom). */
  last_active: Int32Array;
}

function txnSumColumns(db: Db, w: Window, activityFrom?: string): TxnSumColumns {
  // Row by row into typed arrays of the directory's size (at most one row per customer): JSON
  // columns or growing arrays of a million rows would hold far more at once.
  const n = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  const x = {
    count: new Int32Array(n), counter: new Int32Array(n), self_service: new Int32Array(n), e_banking: new Int32Array(n),
    fee_fen: new Float64Array(n), last_active: new Int32Array(activityFrom === undefined ? 0 : n),
  };
  const ids = new TextColumnBuilder();
  let k = 0;
  const columns = ['customer_id', 'count', 'counter', 'self_service', 'e_banking', 'fee_fen', 'last_active_day', 'no_rate'];
  forEachRow(db, txnSumsSql(db, w.from, w.to, activityFrom), { from: w.from, to: w.to }, columns, (id: string, count: number, counter: number, selfService: number, eBanking: number, fee: number, last: string | null, noRate: string | null) => {
    if (noRate !== null) throw missingRate(noRate, "a transaction's posting date");
    if (k === n) throw notInDirectory(id);
    if (count > INT32_MAX) throw new DataError(`customer ${id}: ${count} transactions in the window, more than a report counts (${INT32_MAX})`);
    ids.push(id);
    x.last_active[k] = last ? dayNum(last) : -1;
    x.count[k] = count;
    x.counter[k] = counter;
    x.self_service[k] = selfService;
    x.e_banking[k] = eBanking;
    x.fee_fen[k] = fee;
    k++;
  });
  return {
    // Views, not copies: the report thread hands the buffers over whole (transferred, not cloned).
    ids: ids.done(), count: x.count.subarray(0, k), counter: x.counter.subarray(0, k), self_service: x.self_service.subarray(0, k),
    e_banking: x.e_banking.subarray(0, k), fee_fen: x.fee_fen.subarray(0, k), last_active: x.last_active.subarray(0, k),
  };
}

/** What the report thread computes for customerValues: transactions and foreign-currency balances. */
export interface CustomerExtras {
  txns: TxnSumColumns;
  foreign: AccountSlice[];
}

export function customerExtras(db: Db, w: Window, activityFrom?: string): CustomerExtras {
  return { txns: txnSumColumns(db, w, activityFrom), foreign: foreignAccountSlices(db, w) };
}

/** Ranges of the balance sums' account-by-account part (BalanceTasks): enough that the thread finishing last is left a short task. */
const BALANCE_RANGES = 16;

/**
 * Customer ids cutting the customers into about `ranges` ranges of equal size: the ids at evenly
 * spaced rowids (any order of the rows gives a fair sample), in SQLite's order, which the ranges
 * are taken in.
 */
export function customerBounds(db: Db, ranges = BALANCE_RANGES): string[] {
  const n = (db.prepare('SELECT max(rowid) FROM customers').pluck().get() as number | null) ?? 0;
  const at = Array.from({ length: ranges - 1 }, (_, k) => Math.floor(((k + 1) * n) / ranges) + 1);
  return db.prepare(`SELECT DISTINCT id FROM (SELECT (SELECT customer_id FROM customers WHERE rowid >= j.value ORDER BY rowid LIMIT 1) AS id FROM json_each(?) j)
    WHERE id IS NOT NULL ORDER BY id`).pluck().all(JSON.stringify(at)) as string[];
}

/**
 * Task k of BalanceTasks: the customers of range k summed account by account (no bounds: all of
 * them, in one task). Those summed from customer_spans are the main thread's own: one cheap scan,
 * and up to every customer. Shared, their sums would come over while this thread still reads the
 * directory and wait there to be placed (measured: up to 60 MB more at the peak).
 */
function balanceTaskSql(w: Window, pricing: Pricing, range: IdRange): { sql: string; bind: Record<string, number | string> } {
  const r = balanceSums(w, pricing, range);
  return { sql: r.uncovered, bind: r.bind };
}

/** A customer's CNY balance sums in fen-days, by its position in the directory. */
export type BalanceSink = (i: number, aum: number, deposit: number, loan: number, spread: number, risk: number) => void;

/** One task's sums as the report thread hands them over: the ids and one array per sum. */
export interface BalanceTaskSums {
  ids: TextColumn;
  sums: Float64Array[];
}

const BALANCE_COLUMNS = ['customer_id', 'aum_fd', 'deposit_fd', 'loan_fd', 'spread_fd', 'risk_fd'] as const;

/** The report thread's share of BalanceTasks: tasks claimed until none is left, each handed over when done. */
export function claimBalanceTasks(db: Db, w: Window, tasks: BalanceTasks, share: (task: number, sums: BalanceTaskSums) => void): void {
  forEachClaimedRange(tasks, (range, k) => {
    const task = balanceTaskSql(w, tasks.pricing, range);
    // Row by row into typed arrays, grown as needed (a range holds a share of the customers).
    const ids = new TextColumnBuilder();
    let sums = [0, 1, 2, 3, 4].map(() => new Float64Array(4096));
    let r = 0;
    forEachRow(db, task.sql, task.bind, BALANCE_COLUMNS, (id: string, aum: number, deposit: number, loan: number, spread: number, risk: number) => {
      if (r === sums[0].length) sums = sums.map((c) => {
        const grown = new Float64Array(c.length * 2);
        grown.set(c);
        return grown;
      });
      ids.push(id);
      sums[0][r] = aum;
      sums[1][r] = deposit;
      sums[2][r] = loan;
      sums[3][r] = spread;
      sums[4][r] = risk;
      r++;
    });
    share(k, { ids: ids.done(), sums: sums.map((c) => c.subarray(0, r)) });
  });
}

/**
 * The CNY balance sums of `tasks` by position in `ids` (the directory, customer_id order), each
 * customer's handed to `set`: those from customer_spans and the tasks this thread claims, row by
 * row, then those the report thread claimed as `handedOver` gives them (undefined: it did not,
 * e.g. it failed: summed here).
 */
export function sumBalanceTasks(db: Db, w: Window, tasks: BalanceTasks, ids: IdList, set: BalanceSink, handedOver: (k: number) => BalanceTaskSums | undefined): void {
  const mine = new Uint8Array(tasks.bounds.length + 1);
  const sum = (sql: string, bind: object) => {
    const at = positionsIn(ids); // each statement's rows come in customer_id order
    forEachRow(db, sql, bind, BALANCE_COLUMNS, (id: string, aum: number, deposit: number, loan: number, spread: number, risk: number) => {
      const i = at(id);
      if (i < 0) throw notInDirectory(id);
      set(i, aum, deposit, loan, spread, risk);
    });
  };
  const run = (range: IdRange) => {
    const task = balanceTaskSql(w, tasks.pricing, range);
    sum(task.sql, task.bind);
  };
  const covered = balanceSums(w, tasks.pricing);
  for (const sql of covered.covered) sum(sql, covered.bind);
  forEachClaimedRange(tasks, (range, k) => {
    run(range);
    mine[k] = 1;
  });
  for (let k = 0; k < mine.length; k++) {
    if (mine[k]) continue;
    const x = handedOver(k);
    if (!x) {
      run(rangeAt(tasks.bounds, k));
      continue;
    }
    const at = positionsOf(ids, x.ids);
    const [aum, deposit, loan, spread, risk] = x.sums;
    for (let r = 0; r < at.length; r++) {
      if (at[r] < 0) throw notInDirectory(textValues(x.ids)[r]);
      set(at[r], aum[r], deposit[r], loan[r], spread[r], risk[r]);
    }
  }
}

/**
 * Windows whose values are asked one after another (a migration's two dates), with the report
 * thread working for all of them: it computes each window's extras in turn and takes a share of
 * each window's balance sums, so it goes on to the second window's transactions while this thread
 * finishes the first, and one thread starts instead of one per window. See customerValues.
 */
export interface WindowSeries {
  job: Running<AllAumSums | null>;
  windows: ExtrasWindow[];
  /** The index of the window customerValues asks for next. */
  next: number;
  /** AUM windows follow the last window on the thread (CustomerTable.aumAlongside). */
  aum: boolean;
}

/**
 * Starts the report thread on `windows` (customerValues then asks for them in this order). Its
 * share of the balance sums is given unless it has work enough of its own (`aum`: it goes on to
 * the windows); while another job keeps it busy, this thread claims every share itself.
 */
export function startWindowSeries(db: Db, windows: readonly Window[], pricing: Pricing, activityFrom?: string, aum?: AumWindow[]): WindowSeries {
  const share = !aum;
  const bounds = share ? customerBounds(db) : [];
  const list = windows.map((window): ExtrasWindow => ({ window, activityFrom, balances: share ? { pricing, bounds, claims: new SharedArrayBuffer(4) } : undefined }));
  // No thread (small data, a transaction, ...): each window's extras are computed here when asked for.
  const job = startOnWorker<AllAumSums | null>(db, { job: 'customerExtras', windows: list, aum }, () => null);
  return { job, windows: list, next: 0, aum: aum !== undefined };
}

/**
 * Columns a tiers-only table (customerValues' `tiersOnly`) leaves empty (length 0): a migration's
 * population reads none of them (its tiers, AUM and the window's transaction count; contribution
 * is computed without fee and channel cost columns), and at a million customers they take 40 MB.
 * A write to them is a no-op; a read gives undefined.
 */
export const NOT_IN_TIERS_ONLY = ['loan_adb', 'fee_income', 'channel_cost', 'txn_counter', 'txn_self_service', 'txn_e_banking', 'last_active'] as const;

/** customerValues' options; see there. */
export interface ValueOptions {
  activityFrom?: string;
  want?: DirectoryWants;
  reuse?: CustomerTable;
  aum?: AumWindow[];
  series?: WindowSeries;
  tiersOnly?: boolean;
}

/**
 * Value of every customer over the window, by directory position (see CustomerTable).
 * `activityFrom`: also each customer's last posting day since then (last_active). `want`:
 * which directory columns beyond id and type to read (default names and owners: names for a
 * detail, branch and RM for grouping); the others stay empty. `reuse`: a table the caller no
 * longer needs, whose arrays are cleared and filled again when the directory has its size (a
 * second window, e.g. a migration's, then costs no second set of columns); without names and
 * owners, its ids and types too when the customers are as many (crm never deletes one): nothing
 * else of the directory is wanted. `aum`: AUM windows for the report thread to sum once it has
 * the extras (see CustomerTable.aumAlongside). `series`: the report thread already at work on
 * this window, the series' next (startWindowSeries). `tiersOnly`: the columns of
 * NOT_IN_TIERS_ONLY left empty.
 */
export function customerValues(db: Db, w: Window, pricing: Pricing, opts: ValueOptions = {}): CustomerTable {
  const { activityFrom, want = { names: true, owners: true }, reuse, aum, series, tiersOnly = false } = opts;
  if (tiersOnly && activityFrom !== undefined) throw new Error('customerValues: a tiers-only table has no last posting days');
  const f = w.days / 365;
  // The transaction sums and the foreign-currency balances run on a second core while this
  // thread sums the CNY balances; then the thread takes a share of the balance sums (BalanceTasks).
  const run = series ?? startWindowSeries(db, [w], pricing, activityFrom, aum);
  const k = run.next++;
  const mine = run.windows[k];
  if (!mine || mine.window.from !== w.from || mine.window.to !== w.to || mine.activityFrom !== activityFrom) throw new Error(`customerValues: window ${w.from}…${w.to} is not the series' next`);
  const { job } = run;
  let got: CustomerExtras | undefined;
  const extras = (): CustomerExtras => (got ??= job.part<CustomerExtras>(`extras:${k}`) ?? customerExtras(db, w, activityFrom));
  // All customers in customer_id order with their RM on the window's last day, in one query.
  const dir = reuse && !want.names && !want.owners && reuse.ids.length === db.prepare('SELECT count(*) FROM customers').pluck().get()
    ? directoryOf(reuse) : directoryColumns(db, w.to, want);
  const n = dir.ids.length;
  const again = reuse?.seen.length === n ? reuse : undefined;
  const kept = (c: string) => !tiersOnly || !(NOT_IN_TIERS_ONLY as readonly string[]).includes(c);
  const t: CustomerTable = { ...dir, seen: again?.seen.fill(0) ?? new Uint8Array(n), last_active: kept('last_active') ? (again?.last_active ?? new Int32Array(n)).fill(-1) : new Int32Array(0) } as CustomerTable;
  for (const c of MONEY_COLUMNS) t[c] = kept(c) ? (again?.[c].fill(0) ?? new Float64Array(n)) : new Float64Array(0);
  for (const c of COUNT_COLUMNS) t[c] = kept(c) ? (again?.[c].fill(0) ?? new Int32Array(n)) : new Int32Array(0);
  // The table reused gives up what this one does not keep: a caller still holding it (a migration's
  // population, until date 1 is done) would otherwise hold a million customers' names and the
  // columns a tiers-only table leaves empty, some 50 MB.
  if (again) {
    if (dir.names === null) again.names = null;
    for (const c of MONEY_COLUMNS) if (!kept(c)) again[c] = t[c];
    for (const c of COUNT_COLUMNS) if (!kept(c)) again[c] = t[c];
    if (!kept('last_active')) again.last_active = t.last_active;
  }
  // The CNY sums row by row straight into the arrays, each row handed to a function (a million
  // rows as JSON columns would hold some 250 MB at once; as row arrays they cost more than the
  // query), then the foreign-currency slices by position. Balance categories are summed in
  // exact integer fen-days (here, until divided below) and divided by D once per customer, so
  // that an ADB of exactly 100,000.00 CNY is exactly 10,000,000 fen (tier bounds are inclusive).
  const set = (i: number, aum: number, deposit: number, loan: number, spread: number, risk: number) => {
    t.seen[i] = 1;
    t.aum_adb[i] = aum;
    t.deposit_adb[i] = deposit;
    t.loan_adb[i] = loan;
    t.net_interest[i] = spread;
    t.risk_cost[i] = risk;
  };
  const tasks = job.threaded && mine.balances ? mine.balances : { pricing, bounds: [], claims: new SharedArrayBuffer(4) };
  sumBalanceTasks(db, w, tasks, dir.ids, set, (j) => job.part<BalanceTaskSums>(`balances:${k}:${j}`));
  addForeignSlices(t, extras().foreign, pricing);
  for (let i = 0; i < n; i++) {
    if (!t.seen[i]) continue;
    t.aum_adb[i] /= w.days;
    t.deposit_adb[i] /= w.days;
    t.loan_adb[i] /= w.days;
    // NII = ADB × spread × D/365 = fen-days × spread / 365; risk cost = ADB × rate × D/365.
    t.net_interest[i] /= 365;
    t.risk_cost[i] = (t.risk_cost[i] / w.days) * f;
  }
  // Contribution without fees or channel costs; addTxnSums completes it where the window has transactions.
  for (let i = 0; i < n; i++) t.contribution[i] = contributionOf(t.net_interest[i], 0, 0, t.risk_cost[i]);
  addTxnSums(t, extras().txns, pricing, activityFrom !== undefined, tiersOnly);
  got = undefined;
  // After the series' last window: with `aum` the windows' sums are joined when asked for, and
  // handed over once (kept by the table, a million customers' sums, 8 MB a window, would live as
  // long as the population); without, the thread is done: joined.
  if (k === run.windows.length - 1) {
    if (!run.aum) job();
    else {
      t.aumAlongside = () => {
        t.aumAlongside = undefined;
        return job();
      };
    }
  }
  return t;
}

/**
 * The directory of a table no longer needed, reduced to ids and types: names, branches and RMs (a
 * day's) are dropped, as a directory read without them has none.
 */
function directoryOf(t: CustomerTable): DirectoryColumns {
  return { ids: t.ids, corporate: t.corporate, names: null, branch: t.branch.fill(0), branches: [null], rm: t.rm.fill(0), rms: [null] };
}

/** The foreign-currency accounts' fen-days into the (not yet divided) balance sums of `t`. */
function addForeignSlices(t: CustomerTable, slices: readonly AccountSlice[], pricing: Pricing): void {
  const at = positionsIn(t.ids);
  for (const s of slices) {
    if (s.fen_days === 0) continue;
    const i = at(s.customer_id);
    if (i < 0) throw notInDirectory(s.customer_id);
    t.seen[i] = 1;
    if (isAum(s.product_type)) t.aum_adb[i] += s.fen_days;
    if (isDeposit(s.product_type)) t.deposit_adb[i] += s.fen_days;
    t.net_interest[i] += s.fen_days * (pricing.spreads[s.product_type] ?? 0);
    if (isLoan(s.product_type)) {
      t.loan_adb[i] += s.fen_days;
      t.risk_cost[i] += s.fen_days * (pricing.risk_rates[(s.last_class ?? 'normal') as LoanClass] ?? pricing.risk_rates.normal);
    }
  }
}

/** Contribution (metrics.md): NII + fee income − channel cost − risk cost, in this order. */
const contributionOf = (netInterest: number, fee: number, channel: number, risk: number): number => netInterest + fee - channel - risk;

/**
 * The window's transaction sums and channel costs into `t`, and the contribution of each customer
 * with transactions; `lastActive`: the last posting days too. `tiersOnly`: `t` keeps no fees,
 * channel costs or channel counts.
 */
function addTxnSums(t: CustomerTable, x: TxnSumColumns, pricing: Pricing, lastActive: boolean, tiersOnly: boolean): void {
  const txnPos = positionsOf(t.ids, x.ids);
  const cost = pricing.channel_cost_fen;
  for (let k = 0; k < txnPos.length; k++) {
    const i = txnPos[k];
    if (i < 0) throw notInDirectory(textValues(x.ids)[k]);
    if (lastActive) t.last_active[i] = x.last_active[k];
    // Count 0: active only before the window (it only tells the last posting day).
    if (x.count[k] === 0) continue;
    t.seen[i] = 1;
    t.txn_count[i] += x.count[k];
    const channel = x.counter[k] * cost.counter + x.self_service[k] * cost.self_service + x.e_banking[k] * cost.e_banking;
    if (tiersOnly) {
      // One row per customer: the fee and channel cost as the columns below would hold them (+= from 0).
      t.contribution[i] = contributionOf(t.net_interest[i], 0 + x.fee_fen[k], 0 + channel, t.risk_cost[i]);
      continue;
    }
    t.fee_income[i] += x.fee_fen[k];
    t.txn_counter[i] += x.counter[k];
    t.txn_self_service[i] += x.self_service[k];
    t.txn_e_banking[i] += x.e_banking[k];
    t.channel_cost[i] += channel;
    t.contribution[i] = contributionOf(t.net_interest[i], t.fee_income[i], t.channel_cost[i], t.risk_cost[i]);
  }
}

/**
 * RFM inputs over [from, to] by position in `ids` (the customer directory, customer_id order):
 * last transaction, count and Σ|amount| of the customer-initiated transactions only
 * (bank-generated postings are not customer activity). A customer with bank-generated postings
 * alone is present with count 0 and no last day. Customers not in `ids` are left out.
 */
export interface RecencyColumns {
  /** 1 when the customer has a transaction in the window (bank-generated ones included). */
  present: Uint8Array;
  /** Last customer-initiated posting day as a day number; -1 for none. */
  last_day: Int32Array;
  count: Float64Array;
  abs_amount_fen: Float64Array;
}

export function recency(db: Db, from: string, to: string, ids: IdList): RecencyColumns {
  const n = ids.length;
  const out: RecencyColumns = { present: new Uint8Array(n), last_day: new Int32Array(n).fill(-1), count: new Float64Array(n), abs_amount_fen: new Float64Array(n) };
  const at = positionsIn(ids);
  // Day numbers per distinct last day (a few hundred of them, not a million).
  const dayOf = new Map<string, number>();
  // Only the four sums RFM needs, over the same transaction rows as customerTxns, in customer_id order.
  forEachRow(db, `WITH t AS (${txnRowsSql(txnParts(db, from, to), ['n_cust', 'abs_cust_fen', 'last_cust_in', 'no_rate'])})
    SELECT t.customer_id, sum(t.n_cust) AS count, sum(t.abs_cust_fen) AS abs_fen, max(t.last_cust_in) AS last_day, max(t.no_rate) AS no_rate
    FROM t GROUP BY t.customer_id`, { from, to }, ['customer_id', 'count', 'abs_fen', 'last_day', 'no_rate'],
  (id: string, count: number | null, absFen: number | null, day: string | null, noRate: string | null) => {
    if (noRate !== null) throw missingRate(noRate, "a transaction's posting date");
    const i = at(id);
    if (i < 0) return;
    out.present[i] = 1;
    out.count[i] = count ?? 0;
    out.abs_amount_fen[i] = absFen ?? 0;
    if (day === null) return;
    let d = dayOf.get(day);
    if (d === undefined) dayOf.set(day, (d = dayNum(day)));
    out.last_day[i] = d;
  });
  return out;
}
