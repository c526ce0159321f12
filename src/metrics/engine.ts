/**
 * The balance and transaction arithmetic of metrics.md, in SQL inside SQLite.
 *
 * Balances are stored by change (db/balances.ts), so an account's history is a list of
 * intervals [as_of, next as_of − 1] each holding one balance, and each row carries the prefix
 * sum of the rows before it: Σ over days of balance(d) in a window [F, T] is C(T) − C(F − 1),
 * exact integer fen-days for CNY, whatever the window; customer_spans gives the same per
 * customer in one row. RM credit intersects the intervals with the customer's RM-assignment
 * intervals where the RM can change within the window; foreign currency with FX-rate intervals
 * (each day converted at the latest rate on or before it, rounded to fen). Transactions come
 * from the monthly and all-time roll-ups, partial months from txn_daily.
 */
import type { Db } from '../db/connection.js';
import { dataCoverage } from '../db/status.js';
import { dayNum } from '../db/balances.js';
import { forEachRow, queryColumns } from '../db/columns.js';
import { CUSTOMER_SPAN_KEYS } from '../db/customer-spans.js';
import { DataError } from '../errors.js';
import { sqlList } from '../db/sql.js';
import { cnyOfDay, RATE_ON_DAY, rollupCny, roundLikeSql } from '../db/fx.js';
import { AUM_PRODUCTS, DEPOSIT_PRODUCTS, isAum, isDeposit, isLoan, LOAN_CLASSES, LOAN_PRODUCTS, PRODUCT_TYPES, type LoanClass, type ProductType } from '../types.js';
import type { Pricing } from './pricing.js';
import { groupRows } from './group-sums.js';

export interface Window {
  from: string;
  to: string;
  /** Days in the clipped window (D). */
  days: number;
  requestedFrom: string;
  requestedTo: string;
  clipped: boolean;
  coverage: { first: string; last: string };
}

export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return dayNum(to) - dayNum(from) + 1;
}

/** Clips [from, to] to the dates the data covers (first to latest snapshot). */
export function resolveWindow(db: Db, from: string, to: string): Window {
  return clipToCoverage(dataCoverage(db), from, to);
}

/** [from, to] clipped to the coverage `cov` (its first and last data date). */
export function clipToCoverage(cov: { first: string | null; last: string | null }, from: string, to: string): Window {
  if (!cov.first || !cov.last) throw new DataError('the database holds no balances yet (import account snapshots or transactions with balance_after first)');
  if (from > to) throw new DataError(`window ${from} to ${to} is empty`);
  const f = from < cov.first ? cov.first : from;
  const t = to > cov.last ? cov.last : to;
  if (f > t) throw new DataError(`window ${from} to ${to} lies outside the data, which covers ${cov.first} to ${cov.last}`);
  return { from: f, to: t, days: daysBetween(f, t), requestedFrom: from, requestedTo: to, clipped: f !== from || t !== to, coverage: { first: cov.first, last: cov.last } };
}

export function latestDataDate(db: Db): string {
  const cov = dataCoverage(db);
  if (!cov.last) throw new DataError('the database holds no balances yet (import account snapshots or transactions with balance_after first)');
  return cov.last;
}

/** Σ balance-days of one account credited to one RM (fen-days, in CNY). */
export interface AccountSlice {
  account_id: string;
  customer_id: string;
  product_type: ProductType;
  rm_id: string | null;
  fen_days: number;
  /** The loan class on the window's last day (null when not a loan, none, closed or not yet seen). */
  last_class: string | null;
}

/** A missing FX rate: one message wherever a conversion needs it. */
export function missingRate(currency: string, when: string): DataError {
  return new DataError(`no exchange rate for ${currency} on or before ${when}: import fx_rates.csv with ${currency}`);
}

/** SQL: the customer's branch, for credit that no RM owns (rm null); else null. */
export const unassignedBranch = (rm: string, customer: string) => `CASE WHEN ${rm} IS NULL THEN (SELECT ub.branch FROM customers ub WHERE ub.customer_id = ${customer}) END`;

/** CTE: customers with more than one RM in the window [:F, :T] (day numbers). */
const MOVED_CUSTOMERS = `moved AS (SELECT customer_id FROM customer_rm_history WHERE from_num <= :T AND to_num >= :F GROUP BY customer_id HAVING count(*) > 1)`;

/** Foreign currencies with a balance in the window but no rate on or before the day it is needed. */
export function checkFx(db: Db, w: Window): void {
  const { F, T } = nums(w);
  // Cheap first: every foreign currency held has a rate on or before the window's first day.
  const uncovered = db.prepare(`SELECT count(*) FROM (SELECT DISTINCT currency FROM accounts WHERE currency != 'CNY') c
    WHERE NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency = c.currency AND f.date <= ?)`).pluck().get(w.from) as number;
  if (uncovered === 0) return;
  const missing = db.prepare(`SELECT a.currency, min(max(b.day_num, :F)) AS needed, (SELECT min(date) FROM fx_rates f WHERE f.currency = a.currency) AS first_rate
    FROM (SELECT account_id, currency FROM accounts INDEXED BY accounts_foreign WHERE currency != 'CNY') a CROSS JOIN balances b ON b.account_id = a.account_id
    WHERE b.end_num >= :F AND b.day_num <= :T AND b.balance != 0
    GROUP BY a.currency HAVING first_rate IS NULL OR CAST(julianday(first_rate) - 2440587.5 AS INTEGER) > needed`).all({ F, T }) as { currency: string; needed: number; first_rate: string | null }[];
  if (missing.length) {
    const m = missing[0];
    throw missingRate(m.currency, `${isoFromNum(m.needed)}${m.first_rate ? ` (first rate is on ${m.first_rate})` : ''}`);
  }
}

function nums(w: Window): { F: number; T: number } {
  return { F: dayNum(w.from), T: dayNum(w.to) };
}

export function isoFromNum(n: number): string {
  return new Date(n * 86400000).toISOString().slice(0, 10);
}

/**
 * Σ balance × days over [:F, :T] of the account `a` (an accounts row), in fen-days of its own
 * currency, from the prefix sums: C(:T) - C(:F - 1). C is read from the account's last row (its
 * span on accounts) at a point on or after the day before that row starts, is 0 before its first
 * row, and needs one seek in balances only at a point inside its earlier rows: a window over the
 * whole data needs none, a window inside it none for the accounts unchanged since before it.
 */
export const WINDOW_FEN_DAYS = `(CASE WHEN a.bal_last <= :T THEN a.bal_last_cum + a.bal_last_balance * (:T - a.bal_last + 1)
    ELSE coalesce((SELECT x.cum + x.balance * (:T - x.day_num + 1) FROM balances x WHERE x.account_id = a.account_id AND x.as_of <= :to ORDER BY x.as_of DESC LIMIT 1), 0) END
  - CASE WHEN a.bal_first >= :F THEN 0
    WHEN a.bal_last <= :F THEN a.bal_last_cum + a.bal_last_balance * (:F - a.bal_last)
    ELSE (SELECT x.cum + x.balance * (:F - x.day_num) FROM balances x WHERE x.account_id = a.account_id AND x.as_of < :from ORDER BY x.as_of DESC LIMIT 1) END)`;

/**
 * A customer_spans row `cs` whose sums over [:F, :T] it gives by itself: every CNY account's last
 * row starts on or before :T (its loan class on :T is that row's), and either all rows start on
 * or after :F or every last row starts on or before :F (C is then linear from :F − 1 on).
 */
const COVERED = '(cs.bal_last <= :T AND (cs.bal_first >= :F OR cs.bal_last <= :F))';

/**
 * The COVERED customer_spans rows with each key's Σ balance × days over [:F, :T], v_<key> = C(:T)
 * − C(:F − 1) with C(x) = a_<key> + b_<key> × x, as two SELECTs, one per kind of row (no CASE per
 * key and customer): the customers whose rows all start on or after :F (C(:F − 1) = 0), then those
 * whose every last row starts on or before :F. Each comes in customer_id order. `where` narrows
 * the customers (cs) further.
 */
function coveredSpans(keys: readonly { key: string }[], where = ''): [string, string] {
  const select = (v: (key: string) => string, kind: string) => `SELECT cs.customer_id, ${keys.map((k) => `${v(k.key)} AS v_${k.key}`).join(', ')}
        FROM customer_spans cs WHERE cs.bal_last <= :T AND ${kind}${where}`;
  return [select((k) => `a_${k} + b_${k} * :T`, 'cs.bal_first >= :F'), select((k) => `b_${k} * (:T - :F + 1)`, 'cs.bal_first < :F AND cs.bal_last <= :F')];
}

/** The loan class of account `a` on the window's last day :T (null when none, closed or not yet seen). */
const CLASS_ON_LAST_DAY = `CASE WHEN a.product_type NOT IN (${sqlList(LOAN_PRODUCTS)}) THEN NULL
    WHEN a.bal_last <= :T THEN a.bal_last_class
    ELSE (SELECT x.loan_class FROM balances x WHERE x.account_id = a.account_id AND x.as_of <= :to ORDER BY x.as_of DESC LIMIT 1) END`;

/** The customers from `lo` (inclusive) to `hi` (exclusive) in SQLite's order; either end open. */
export interface IdRange {
  lo?: string;
  hi?: string;
}

/** SQL narrowing customer_spans `cs` to a range (parameters :lo, :hi: rangeBind). */
const rangeSql = (range: IdRange) => `${range.lo !== undefined ? ' AND cs.customer_id >= :lo' : ''}${range.hi !== undefined ? ' AND cs.customer_id < :hi' : ''}`;
const rangeBind = (range: IdRange): Record<string, string> => ({ ...(range.lo !== undefined ? { lo: range.lo } : {}), ...(range.hi !== undefined ? { hi: range.hi } : {}) });

/** Range k of the customers that `bounds` (ascending, in SQLite's order) cut into bounds.length + 1 ranges. */
export function rangeAt(bounds: readonly string[], k: number): IdRange {
  return { lo: k === 0 ? undefined : bounds[k - 1], hi: bounds[k] };
}

/**
 * Ranges that two threads share (BalanceTasks, CreditRanges): `bounds` cut the customers, and
 * each thread claims the next range from one shared counter (`claims`, an Int32Array's slot 0).
 * Visits each range this thread claims, until none is left.
 */
export function forEachClaimedRange(ranges: { bounds: readonly string[]; claims: SharedArrayBuffer }, visit: (range: IdRange, k: number) => void): void {
  const claims = new Int32Array(ranges.claims);
  for (let k = Atomics.add(claims, 0, 1); k <= ranges.bounds.length; k = Atomics.add(claims, 0, 1)) visit(rangeAt(ranges.bounds, k), k);
}

/** Balance sums of one customer over a window, columnar; fen-days in CNY. */
export interface CustomerBalances {
  customer_id: string[];
  aum_fd: number[];
  deposit_fd: number[];
  loan_fd: number[];
  /** Σ fen-days × spread of the product: ÷ 365 is the net interest income in fen. */
  spread_fd: number[];
  /** Σ over loans of fen-days × risk rate of the loan class on the window's last day. */
  risk_fd: number[];
}

/**
 * The SQL of customerBalances' CNY sums and its parameters: columns customer_id, aum_fd,
 * deposit_fd, loan_fd, spread_fd, risk_fd, one row per customer (no foreign-currency account).
 * `covered` and `uncovered`: the same rows as three statements (two for the customers summed
 * from customer_spans, one for those summed account by account), each in customer_id order: a
 * caller keeping a million customers' sums in typed arrays reads them row by row (forEachRow),
 * where the union would add a third to the query.
 * `range`: only the customers in it (two threads share a window's sums range by range).
 */
export function balanceSums(w: Window, pricing: Pricing, range: IdRange = {}): { sql: string; covered: string[]; uncovered: string; bind: Record<string, number | string> } {
  const p = params(w);
  // Spreads and risk rates as parameters :sp_<product>, :rk_<class>.
  const bind: Record<string, number | string> = { ...p, ...rangeBind(range) };
  const inRange = rangeSql(range);
  for (const k of PRODUCT_TYPES) bind[`sp_${k}`] = pricing.spreads[k] ?? 0;
  for (const c of LOAN_CLASSES) bind[`rk_${c}`] = pricing.risk_rates[c] ?? pricing.risk_rates.normal;
  const byProduct = PRODUCT_TYPES.map((k) => `WHEN '${k}' THEN :sp_${k}`).join(' ');
  const byClass = LOAN_CLASSES.map((c) => `WHEN '${c}' THEN :rk_${c}`).join(' ');
  // Customers customer_spans covers (COVERED): their row, per product and last loan class. The
  // others: account by account. Each key's window sum v_<key> is computed once, in a subquery the
  // LIMIT keeps SQLite from merging into the sums (which would compute it again in each of them).
  const keysOf = (products: readonly ProductType[]) => CUSTOMER_SPAN_KEYS.filter((k) => products.includes(k.product));
  const sumOf = (products: readonly ProductType[]) => keysOf(products).map((k) => `v_${k.key}`).join(' + ');
  const spread = CUSTOMER_SPAN_KEYS.map((k) => `v_${k.key} * :sp_${k.product}`).join(' + ');
  const risk = keysOf(LOAN_PRODUCTS).map((k) => `v_${k.key} * :rk_${k.cls}`).join(' + ');
  // The two kinds of covered customers in two statements (coveredSpans), each in customer_id order.
  const [fromStart, linear] = coveredSpans(CUSTOMER_SPAN_KEYS, inRange).map((rows) => `SELECT customer_id, ${sumOf(AUM_PRODUCTS)} AS aum_fd,
        ${sumOf(DEPOSIT_PRODUCTS)} AS deposit_fd, ${sumOf(LOAN_PRODUCTS)} AS loan_fd, ${spread} AS spread_fd, ${risk} AS risk_fd
      FROM (${rows} LIMIT -1)`);
  const head = `${steadySql(false, 'uncovered', false, inRange)},
    covered_new AS (${fromStart}),
    covered_old AS (${linear}),
    uncovered AS (SELECT customer_id, sum(CASE WHEN product_type IN (${sqlList(AUM_PRODUCTS)}) THEN fen_days ELSE 0 END) AS aum_fd,
        sum(CASE WHEN product_type IN (${sqlList(DEPOSIT_PRODUCTS)}) THEN fen_days ELSE 0 END) AS deposit_fd,
        sum(CASE WHEN product_type IN (${sqlList(LOAN_PRODUCTS)}) THEN fen_days ELSE 0 END) AS loan_fd,
        sum(fen_days * CASE product_type ${byProduct} ELSE 0 END) AS spread_fd,
        sum(CASE WHEN product_type IN (${sqlList(LOAN_PRODUCTS)}) THEN fen_days * CASE coalesce(last_class, 'normal') ${byClass} ELSE :rk_normal END ELSE 0 END) AS risk_fd
      FROM steady GROUP BY customer_id)`;
  const kept = 'WHERE aum_fd != 0 OR loan_fd != 0';
  const part = (name: string) => `${head} SELECT * FROM ${name} ${kept}`;
  return {
    sql: `${head} SELECT * FROM (SELECT * FROM covered_new UNION ALL SELECT * FROM covered_old UNION ALL SELECT * FROM uncovered) ${kept}`,
    covered: ['covered_new', 'covered_old'].map(part),
    uncovered: part('uncovered'),
    bind,
  };
}

/**
 * Per customer, the CNY accounts' window sums from the prefix sums, aggregated in SQL (only one
 * row per customer reaches JavaScript), plus the few foreign-currency accounts converted day by
 * day. Customers whose sums are all 0 are left out.
 */
export function customerBalances(db: Db, w: Window, pricing: Pricing, foreign: () => AccountSlice[] = () => foreignAccountSlices(db, w)): CustomerBalances {
  const { sql, bind } = balanceSums(w, pricing);
  const out = queryColumns<CustomerBalances>(db, sql, bind);
  // Built only for foreign-currency slices (a Map of every customer costs ~100 MB at a million).
  let index: Map<string, number> | undefined;
  // Asked for only now: it may be computed on the report thread meanwhile.
  for (const f of foreign()) {
    if (f.fen_days === 0) continue;
    index ??= new Map<string, number>(out.customer_id.map((id, i) => [id, i]));
    let i = index.get(f.customer_id);
    if (i === undefined) {
      i = out.customer_id.length;
      index.set(f.customer_id, i);
      out.customer_id.push(f.customer_id);
      out.aum_fd.push(0); out.deposit_fd.push(0); out.loan_fd.push(0); out.spread_fd.push(0); out.risk_fd.push(0);
    }
    if (isAum(f.product_type)) out.aum_fd[i] += f.fen_days;
    if (isDeposit(f.product_type)) out.deposit_fd[i] += f.fen_days;
    out.spread_fd[i] += f.fen_days * (pricing.spreads[f.product_type] ?? 0);
    if (isLoan(f.product_type)) {
      out.loan_fd[i] += f.fen_days;
      out.risk_fd[i] += f.fen_days * (pricing.risk_rates[(f.last_class ?? 'normal') as LoanClass] ?? pricing.risk_rates.normal);
    }
  }
  return out;
}

/** CTE: accounts with a balance row naming an RM in the window (their credit can change day by day). */
const RM_ROW_ACCOUNTS = `rmrows AS MATERIALIZED (SELECT DISTINCT account_id FROM balances WHERE rm_id IS NOT NULL AND end_num >= :F AND day_num <= :T)`;

/** Window parameters of every balance query: day numbers and ISO dates. */
function params(w: Window): { F: number; T: number; from: string; to: string } {
  return { ...nums(w), from: w.from, to: w.to };
}

/**
 * The accounts whose credited RM can change within the window [:F, :T] (a balance row names an
 * RM, or the customer has more than one RM in the window) and the customers with more than one
 * RM in it, as JSON arrays.
 */
const VARYING_SETS = `WITH ${MOVED_CUSTOMERS}, ${RM_ROW_ACCOUNTS},
    var AS MATERIALIZED (SELECT account_id FROM rmrows UNION SELECT a.account_id FROM moved m CROSS JOIN accounts a ON a.customer_id = m.customer_id)
  SELECT (SELECT json_group_array(account_id) FROM var), (SELECT json_group_array(customer_id) FROM moved)`;

/** CTEs `var` and `moved` from the parameters :var and :moved of creditParams. */
export const VARYING_ACCOUNTS = `var AS MATERIALIZED (SELECT value AS account_id FROM json_each(:var)),
    moved AS MATERIALIZED (SELECT value AS customer_id FROM json_each(:moved))`;

export type CreditParams = ReturnType<typeof params> & VaryingSets;

/** Per connection: the last window's varying sets, while the data is unchanged (they cost a scan). */
const varyingMemo = new WeakMap<Db, { key: string; sets: VaryingSets }>();

/** The varying accounts and the reassigned customers (JSON arrays), as creditParams passes them. */
export interface VaryingSets { var: string; moved: string }

/**
 * The window parameters plus the accounts whose credited RM can change within it (:var, a
 * JSON array: a balance row names an RM, or the customer has more than one RM in the window)
 * and the customers with more than one RM in it (:moved). Computed once per connection and window.
 */
export function creditParams(db: Db, w: Window, known?: VaryingSets): CreditParams {
  const p = params(w);
  const key = JSON.stringify([w.from, w.to, db.prepare('SELECT total_changes()').pluck().get(), db.pragma('data_version', { simple: true })]);
  let m = varyingMemo.get(db);
  if (!m || m.key !== key || db.inTransaction) {
    // `known`: the same sets from the report thread (its own connection on the same file).
    const [v, c] = known && !db.inTransaction ? [known.var, known.moved] : db.prepare(VARYING_SETS).raw().get(p) as [string, string];
    m = { key, sets: { var: v, moved: c } };
    varyingMemo.set(db, m);
  }
  return { ...p, ...m.sets };
}

/**
 * WITH clause ending in `steady`: CNY accounts with their window sum straight from the prefix
 * sums, one row each (account_id, customer_id, product_type, rm_id, fen_days, last_class).
 * Without `credit`: every CNY account, rm_id null. With it, rm_id is the customer's RM over the
 * window (a row per RM for a customer reassigned within it), and `scope` says which accounts:
 * 'steady' those whose RM cannot change within it, 'uncovered' those of customers whose
 * customer_spans row does not give their sums,
 * 'varying' only the others (see VARYING_ACCOUNTS; their true credit is creditedSlices').
 * `nonZero` leaves out zero sums; `where` narrows the accounts (alias a) further.
 */
function steadySql(credit: boolean, scope: 'steady' | 'varying' | 'uncovered' = 'steady', nonZero = true, where = ''): string {
  const uncovered = scope === 'uncovered';
  const from = credit && scope === 'varying' ? 'var v CROSS JOIN accounts a ON a.account_id = v.account_id'
    : uncovered ? `customer_spans cs CROSS JOIN accounts a ON a.customer_id = cs.customer_id AND NOT ${COVERED}` : 'accounts a';
  // A grouping over steady must not merge it in (SQLite would then evaluate the lookups in
  // fen_days and last_class once per aggregate): LIMIT keeps it apart, or, for the uncovered
  // customers, ORDER BY their customer_spans order, which also tells a grouping per customer
  // that the rows come in order: no sort of every account's row (~10% of the time).
  return `WITH ${credit ? `${VARYING_ACCOUNTS},` : ''}
    s AS (SELECT a.account_id, ${uncovered ? 'cs' : 'a'}.customer_id, a.product_type, ${WINDOW_FEN_DAYS} AS fen_days, ${CLASS_ON_LAST_DAY} AS last_class FROM ${from}
          WHERE a.currency = 'CNY' AND a.bal_first <= :T ${credit && scope === 'steady' ? 'AND a.account_id NOT IN (SELECT account_id FROM var)' : ''} ${where}),
    steady AS (SELECT s.account_id, s.customer_id, s.product_type, ${credit ? 'h.rm_id' : 'NULL'} AS rm_id, s.fen_days, s.last_class FROM s
      ${credit ? 'LEFT JOIN customer_rm_history h ON h.customer_id = s.customer_id AND h.from_num <= :T AND h.to_num >= :F' : ''}
      ${nonZero ? 'WHERE s.fen_days != 0' : ''}
      ${uncovered ? 'ORDER BY s.customer_id' : 'LIMIT -1'})`;
}

/**
 * Σ balance × days in the window per account, in CNY fen-days. With `credit` (the default),
 * split by the RM credited each day: the balance row's rm_id, else the customer's RM in
 * effect that day (customer_rm_history intervals). Without it, rm_id is null: one row per account.
 * Accounts whose window sum is 0 are left out.
 */
export function accountSlices(db: Db, w: Window, credit = true): AccountSlice[] {
  checkFx(db, w);
  const p = credit ? creditParams(db, w) : params(w);
  const steady = db.prepare(`${steadySql(credit)} SELECT * FROM steady`).all(p) as AccountSlice[];
  return steady.concat(credit ? creditedSlices(db, p as CreditParams) : foreignSlices(db, p, false));
}

/**
 * With RM credit, the accounts steadySql leaves out, row by row: CNY accounts whose rows name an
 * RM, CNY accounts of customers reassigned within the window, and foreign-currency accounts.
 */
function creditedSlices(db: Db, p: CreditParams, foreign = true): AccountSlice[] {
  const days = 'min(b.end_num, :T) - max(b.day_num, :F) + 1';
  const inWindow = 'b.end_num >= :F AND b.day_num <= :T AND b.balance != 0';
  // CNY accounts whose rows name an RM (customer not reassigned): per account and row RM.
  const named = db.prepare(`WITH ${VARYING_ACCOUNTS},
    g AS (SELECT b.account_id, b.rm_id, sum(b.balance * (${days})) AS fen_days
          FROM var r JOIN balances b ON b.account_id = r.account_id WHERE ${inWindow} GROUP BY b.account_id, b.rm_id)
    SELECT g.account_id, a.customer_id, a.product_type, coalesce(g.rm_id, h.rm_id) AS rm_id, g.fen_days, ${CLASS_ON_LAST_DAY} AS last_class
    FROM g JOIN accounts a ON a.account_id = g.account_id
    LEFT JOIN customer_rm_history h ON g.rm_id IS NULL AND h.customer_id = a.customer_id AND h.from_num <= :T AND h.to_num >= :F
    WHERE a.currency = 'CNY' AND a.customer_id NOT IN (SELECT customer_id FROM moved) AND g.fen_days != 0`).all(p) as AccountSlice[];
  // CNY accounts of reassigned customers: each balance row split by the RM intervals it spans.
  const split = db.prepare(`WITH ${VARYING_ACCOUNTS}
      SELECT b.account_id, a.customer_id, a.product_type, ${CREDITED_RM} AS rm_id, sum(b.balance * (${CREDITED_HI} - ${CREDITED_LO} + 1)) AS fen_days,
        ${CLASS_ON_LAST_DAY} AS last_class
      FROM moved m JOIN accounts a ON a.customer_id = m.customer_id JOIN balances b ON b.account_id = a.account_id ${CREDIT_HISTORY}
      WHERE a.currency = 'CNY' AND ${inWindow}
      GROUP BY b.account_id, 4`).all(p) as AccountSlice[];
  return foreign ? named.concat(split, foreignSlices(db, p, true)) : named.concat(split);
}

/** The foreign-currency accounts' window sums, one slice per account (no RM credit). */
export function foreignAccountSlices(db: Db, w: Window): AccountSlice[] {
  checkFx(db, w);
  return foreignSlices(db, params(w), false);
}

/**
 * With RM credit: the slices rmCreditByProduct does not sum in SQL (see creditedSlices);
 * without `foreign`, the foreign-currency ones are left to foreignCreditSlices.
 */
export function creditedAccountSlices(db: Db, w: Window, foreign = true): AccountSlice[] {
  checkFx(db, w);
  return creditedSlices(db, creditParams(db, w), foreign);
}

/** With RM credit: the foreign-currency accounts' slices (per account and credited RM). */
export function foreignCreditSlices(db: Db, w: Window): AccountSlice[] {
  checkFx(db, w);
  return foreignSlices(db, params(w), true);
}

/** The customer's RM intervals overlapping balance row b (for rows that name no RM). */
const CREDIT_HISTORY = `LEFT JOIN customer_rm_history h ON b.rm_id IS NULL AND h.customer_id = a.customer_id
         AND h.from_num <= min(b.end_num, :T) AND h.to_num >= max(b.day_num, :F)`;
const CREDITED_RM = 'CASE WHEN b.rm_id IS NOT NULL THEN b.rm_id ELSE h.rm_id END';
const CREDITED_HI = 'min(b.end_num, :T, coalesce(h.to_num, :T))';
const CREDITED_LO = 'max(b.day_num, :F, coalesce(h.from_num, :F))';

/** Rate intervals per currency, ordered by day: [day_num, end_num, cny_per_unit]. */
export function rateIntervals(db: Db): Map<string, [number, number, number][]> {
  const out = new Map<string, [number, number, number][]>();
  for (const [cur, s, e, r] of db.prepare('SELECT currency, day_num, end_num, cny_per_unit FROM fx_rates ORDER BY currency, date').raw().all() as [string, number, number, number][]) {
    let list = out.get(cur);
    if (!list) out.set(cur, (list = []));
    list.push([s, e, r]);
  }
  return out;
}

/**
 * Σ over the days `from` … `to` (day numbers) of a foreign balance, each day at the latest rate on
 * or before it (`list`: the currency's rate intervals), rounded to fen like SQL.
 */
export function convertedFenDays(list: readonly [number, number, number][], currency: string, balance: number, from: number, to: number): number {
  // The rate in effect on the first day: the last interval starting on or before it.
  let below = 0;
  let above = list.length - 1;
  while (below <= above) {
    const mid = (below + above) >> 1;
    if (list[mid][0] <= from) below = mid + 1;
    else above = mid - 1;
  }
  let i = below - 1;
  if (i < 0) throw missingRate(currency, isoFromNum(from));
  let fenDays = 0;
  for (; i < list.length && list[i][0] <= to; i++) {
    const [s, e, rate] = list[i];
    fenDays += roundLikeSql(balance * rate) * (Math.min(to, e) - Math.max(from, s) + 1);
  }
  return fenDays;
}

/**
 * Foreign currency: each day at the latest rate on or before it, rounded to fen. The (few)
 * foreign balance rows in the window come from SQL; the walk over the rate intervals each one
 * overlaps is done here (a range join in SQL costs far more per pair).
 */
function foreignSlices(db: Db, p: ReturnType<typeof params>, credit: boolean): AccountSlice[] {
  const hi = credit ? CREDITED_HI : 'min(b.end_num, :T)';
  const lo = credit ? CREDITED_LO : 'max(b.day_num, :F)';
  // The foreign accounts once, numbered k in account_id order; their rows as numbers (k, balance,
  // first and last day) and the credited RM.
  const acct = queryColumns<{ account_id: string[]; customer_id: string[]; product_type: ProductType[]; currency: string[]; cls: (string | null)[] }>(db,
    `SELECT a.account_id, a.customer_id, a.product_type, a.currency, ${CLASS_ON_LAST_DAY} AS cls FROM accounts a INDEXED BY accounts_foreign WHERE a.currency != 'CNY' ORDER BY a.account_id`, p);
  if (acct.account_id.length === 0) return [];
  const rates = rateIntervals(db);
  // One slice per account and credited RM (without credit, rm_id null: one per account). The
  // rows come account by account (the outer loop), so the account's slices so far are few.
  const out: AccountSlice[] = [];
  let current = -1;
  let first = 0; // the current account's first slice in out
  // CROSS JOIN keeps the foreign accounts as the outer loop: SQLite would otherwise scan every
  // balance row. Row by row: a city's foreign rows in a month are some 100k (as JSON columns,
  // tens of MB at once).
  forEachRow(db, `WITH a AS MATERIALIZED (SELECT row_number() OVER (ORDER BY account_id) - 1 AS k, account_id, customer_id FROM accounts INDEXED BY accounts_foreign WHERE currency != 'CNY')
    SELECT a.k, ${credit ? CREDITED_RM : 'NULL'} AS rm_id, b.balance, ${lo} AS lo, ${hi} AS hi
    FROM a CROSS JOIN balances b ON b.account_id = a.account_id ${credit ? CREDIT_HISTORY : ''}
    WHERE b.end_num >= :F AND b.day_num <= :T AND b.balance != 0`, p, ['k', 'rm_id', 'balance', 'lo', 'hi'], (k: number, rmId: string | undefined, balance: number, from: number, to: number) => {
    const rm_id = rmId ?? null;
    const currency = acct.currency[k];
    const fenDays = convertedFenDays(rates.get(currency) ?? [], currency, balance, from, to);
    if (k !== current) {
      current = k;
      first = out.length;
    }
    let j = first;
    while (j < out.length && out[j].rm_id !== rm_id) j++;
    if (j < out.length) out[j].fen_days += fenDays;
    else out.push({ account_id: acct.account_id[k], customer_id: acct.customer_id[k], product_type: acct.product_type[k], rm_id, fen_days: fenDays, last_class: acct.cls[k] });
  });
  return out;
}

/**
 * Where a window's transaction sums come from: the calendar months the window covers whole
 * (as far as the data goes) are read from txn_monthly; only the partial months at its ends
 * from txn_daily.
 */
export interface TxnParts {
  /** Every posting day in the data lies in [from, to]: read txn_totals (one row per account and currency). */
  totals: boolean;
  whole: string[];
  /** Day ranges read from txn_daily, inclusive. */
  ranges: [string, string][];
  /**
   * The ranges hold a sixth or more of the data's days: read txn_daily in one scan of the table
   * (rows fetched through the day index one by one cost far more).
   */
  scanRanges: boolean;
}

/**
 * txn_daily rows `d` of the ranges, as FROM sources: one per range through the day index, or all
 * ranges in one scan of the table (`+d.day` keeps the index out; rows fetched through the day
 * index one by one cost far more when the ranges hold much of the data).
 */
function dailyRangeSources(p: TxnParts): { table: string; where: string }[] {
  if (!p.scanRanges) return p.ranges.map(([a, b]) => ({ table: 'txn_daily d', where: `d.day >= '${a}' AND d.day <= '${b}'` }));
  if (!p.ranges.length) return [];
  const where = p.ranges.map(([a, b]) => `(+d.day >= '${a}' AND +d.day <= '${b}')`).join(' OR ');
  return [{ table: 'txn_daily d', where }];
}

function lastOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function txnParts(db: Db, from: string, to: string): TxnParts {
  const parts: TxnParts = { totals: false, whole: [], ranges: [], scanRanges: false };
  const span = db.prepare('SELECT (SELECT day FROM txn_daily ORDER BY day LIMIT 1) AS first, (SELECT day FROM txn_daily ORDER BY day DESC LIMIT 1) AS last').get() as { first: string | null; last: string | null };
  if (!span.first || !span.last) return parts;
  if (span.first >= from && span.last <= to) {
    parts.totals = true;
    return parts;
  }
  const lo = from > span.first ? from : span.first;
  const hi = to < span.last ? to : span.last;
  for (let m = lo.slice(0, 7); m <= hi.slice(0, 7); m = nextMonth(m)) {
    // The month's days that can hold data.
    const first = `${m}-01` > span.first ? `${m}-01` : span.first;
    const last = lastOfMonth(m) < span.last ? lastOfMonth(m) : span.last;
    if (first > last) continue;
    if (first >= from && last <= to) parts.whole.push(m);
    else {
      const a = first > from ? first : from;
      const b = last < to ? last : to;
      if (a <= b) parts.ranges.push([a, b]);
    }
  }
  parts.scanRanges = parts.ranges.reduce((n, [a, b]) => n + daysBetween(a, b), 0) * 6 >= daysBetween(span.first, span.last);
  return parts;
}

/**
 * Where the last posting days from `scanFrom` to the day before `from` come from (a window's
 * activity before it): none when no posting day lies there (the window's own rows then tell the
 * last days, and stay one ordered stream); txn_totals when the data lies within [scanFrom, to]
 * (its last days are then the ones asked, window included: one row per account, in customer
 * order); else the parts of [scanFrom, from − 1].
 */
export function activityParts(db: Db, scanFrom: string, from: string, to: string): TxnParts {
  const before = txnParts(db, scanFrom, addDays(from, -1));
  if (!before.totals && !before.whole.length && !before.ranges.length) return before;
  const all = txnParts(db, scanFrom, to);
  return all.totals ? all : before;
}

/**
 * A txn_monthly or txn_totals row m in CNY fen: foreign rows from fee_cny / abs_cny, kept by the
 * importer (NULL only when a day has no rate), else their days converted one by one (the no-rate
 * check then names the missing rate).
 */
const cnyOfMonth = (col: 'fee' | 'abs_amount' | 'abs_bank') => `CASE WHEN m.currency = 'CNY' THEN m.${col}
  ELSE coalesce(m.${{ fee: 'fee_cny', abs_amount: 'abs_cny', abs_bank: 'abs_bank_cny' }[col]}, ${rollupCny('m', col)}) END`;
/** Non-null (the currency) when a foreign row has a posting day with no rate on or before it. */
const NO_RATE_MONTH = `CASE WHEN m.currency != 'CNY' AND coalesce((SELECT min(date) FROM fx_rates f WHERE f.currency = m.currency), '9999') > m.first_day THEN m.currency END`;
export const NO_RATE_DAY = `CASE WHEN d.currency != 'CNY' AND ${RATE_ON_DAY} IS NULL THEN d.currency END`;

/**
 * The columns of a window's transaction rows (txnRowsSql) beyond customer_id and account_id: each
 * as read from a roll-up row m (txn_totals, txn_monthly) and as summed over one account's txn_daily
 * rows d. n, counter, self_service, e_banking: counts; fee_fen, abs_fen: in CNY fen; last_in: the
 * last posting day; no_rate: non-null (the currency) when a posting day has no rate; n_cust,
 * abs_cust_fen, last_cust_in: the same of the customer-initiated transactions alone
 * (bank-generated postings left out, schema version 7).
 */
const TXN_COLUMNS = {
  n: ['n', 'sum(d.n)'],
  counter: ['n_counter', 'sum(d.n_counter)'],
  self_service: ['n_self_service', 'sum(d.n_self_service)'],
  e_banking: ['n_e_banking', 'sum(d.n_e_banking)'],
  fee_fen: [cnyOfMonth('fee'), `sum(${cnyOfDay('fee')})`],
  abs_fen: [cnyOfMonth('abs_amount'), `sum(${cnyOfDay('abs_amount')})`],
  last_in: ['last_day', 'max(d.day)'],
  no_rate: [NO_RATE_MONTH, `max(${NO_RATE_DAY})`],
  n_cust: ['n - n_bank', 'sum(d.n - d.n_bank)'],
  abs_cust_fen: [`${cnyOfMonth('abs_amount')} - CASE WHEN m.abs_bank = 0 THEN 0 ELSE ${cnyOfMonth('abs_bank')} END`,
    `sum(${cnyOfDay('abs_amount')} - CASE WHEN d.abs_bank = 0 THEN 0 ELSE ${cnyOfDay('abs_bank')} END)`],
  last_cust_in: ['last_cust_day', 'max(CASE WHEN d.n > d.n_bank THEN d.day END)'],
} as const;
export type TxnColumn = keyof typeof TXN_COLUMNS;
const ALL_TXN_COLUMNS = Object.keys(TXN_COLUMNS) as TxnColumn[];

/** The value of column c in a row that holds none (0 for counts and sums, NULL for days and the no-rate currency). */
const noneOf = (c: TxnColumn) => (c.startsWith('last_') || c === 'no_rate' ? 'NULL' : '0');

/**
 * SQL: the transaction rows of a window, one row per txn_totals or txn_monthly row and per
 * account of each txn_daily range, with columns customer_id, account_id and `cols` (TXN_COLUMNS;
 * only those asked are computed). Parameters :from, :to.
 */
export function txnRowsSql(p: TxnParts, cols: readonly TxnColumn[] = ALL_TXN_COLUMNS): string {
  const sel: string[] = [];
  if (p.totals || p.whole.length) {
    sel.push(`SELECT m.customer_id, m.account_id, ${cols.map((c) => `${TXN_COLUMNS[c][0]} AS ${c}`).join(', ')}
      FROM ${p.totals ? 'txn_totals m' : `txn_monthly m WHERE m.month IN (${sqlList(p.whole)})`}`);
  }
  for (const { table, where } of dailyRangeSources(p)) {
    // Summed per account first (a scan of txn_daily comes in account order: no sort), then one
    // lookup of the account's customer per account rather than per day.
    sel.push(`SELECT a.customer_id, g.account_id, ${cols.map((c) => `g.${c}`).join(', ')}
      FROM (SELECT d.account_id, ${cols.map((c) => `${TXN_COLUMNS[c][1]} AS ${c}`).join(', ')}
        FROM ${table} WHERE ${where} GROUP BY d.account_id) g
      CROSS JOIN accounts a ON a.account_id = g.account_id`);
  }
  if (!sel.length) sel.push(`SELECT NULL AS customer_id, NULL AS account_id, ${cols.map((c) => `NULL AS ${c}`).join(', ')} WHERE 0`);
  return sel.join('\nUNION ALL\n');
}

/**
 * SQL: rows with the last customer-initiated posting day of an account (column last_cust_act)
 * in the parts of activityParts, and `cols` holding nothing (noneOf), to follow a window's rows
 * in a UNION ALL. Only the day is computed: no sums, no rates. Empty when the parts are.
 */
function lastActiveSql(p: TxnParts, cols: readonly TxnColumn[]): string {
  const none = cols.map((c) => `${noneOf(c)} AS ${c}`).join(', ');
  const sel: string[] = [];
  if (p.totals || p.whole.length) {
    sel.push(`SELECT m.customer_id, m.account_id, ${none}, m.last_cust_day AS last_cust_act
      FROM ${p.totals ? 'txn_totals m WHERE' : `txn_monthly m WHERE m.month IN (${sqlList(p.whole)}) AND`} m.last_cust_day IS NOT NULL`);
  }
  for (const { table, where } of dailyRangeSources(p)) {
    sel.push(`SELECT a.customer_id, g.account_id, ${none}, g.last_cust_act
      FROM (SELECT d.account_id, max(d.day) AS last_cust_act FROM ${table} WHERE (${where}) AND d.n > d.n_bank GROUP BY d.account_id) g
      CROSS JOIN accounts a ON a.account_id = g.account_id`);
  }
  return sel.join('\nUNION ALL\n');
}

export interface DataDates {
  /** Snapshot dates imported within the window. */
  snapshots: { first: string | null; last: string | null; count: number };
  /** Posting dates of transactions within the window. */
  transactions: { first: string | null; last: string | null; count: number };
}

/** Which data dates actually fall inside [from, to]: what a report "used". */
export function dataDatesIn(db: Db, from: string, to: string, txnCount?: number): DataDates {
  const s = db.prepare('SELECT min(as_of) AS first, max(as_of) AS last, count(*) AS count FROM snapshot_dates WHERE as_of BETWEEN ? AND ?')
    .get(from, to) as DataDates['snapshots'];
  // First and last through the day index; the count from the roll-ups (partial months from
  // txn_daily), unless the caller has it (a window's per-customer sums add up to it).
  const count = txnCount === undefined ? `(SELECT coalesce(sum(n), 0) FROM (${txnCountSql(txnParts(db, from, to))}))` : ':count';
  const t = db.prepare(`SELECT (SELECT day FROM txn_daily WHERE day BETWEEN :from AND :to ORDER BY day LIMIT 1) AS first,
      (SELECT day FROM txn_daily WHERE day BETWEEN :from AND :to ORDER BY day DESC LIMIT 1) AS last,
      ${count} AS count`).get({ from, to, ...(txnCount === undefined ? {} : { count: txnCount }) }) as DataDates['transactions'];
  return { snapshots: s, transactions: t };
}

/**
 * SQL: the transaction counts (column n) of a window's parts. Not txnRowsSql: a count needs no
 * conversion and no join to accounts (that costs seconds for a window of cut months).
 */
function txnCountSql(p: TxnParts): string {
  const sel: string[] = [];
  if (p.totals) sel.push('SELECT n FROM txn_totals');
  if (p.whole.length) sel.push(`SELECT n FROM txn_monthly WHERE month IN (${sqlList(p.whole)})`);
  for (const { table, where } of dailyRangeSources(p)) sel.push(`SELECT n FROM ${table} WHERE ${where}`);
  return sel.length ? sel.join(' UNION ALL ') : 'SELECT 0 AS n';
}

/** Transactions of one customer in a window, columnar (cheap to hand over from the report thread). */
export interface CustomerTxns {
  customer_id: string[];
  count: number[];
  counter: number[];
  self_service: number[];
  e_banking: number[];
  fee_fen: number[];
  abs_amount_fen: number[];
  /** Last posting day within [from, to]. */
  last_day: (string | null)[];
  /** Last customer-initiated posting day (bank-generated postings left out) since activityFrom, else since from. */
  last_active_day: (string | null)[];
  /** The customer-initiated transactions alone (RFM): count, Σ|amount| in CNY fen, last posting day within [from, to]. */
  cust_count: number[];
  cust_abs_fen: number[];
  cust_last_day: (string | null)[];
}

/**
 * Per customer, from txn_monthly and txn_daily. Fees and amounts in foreign currency convert at
 * the rate on or before the posting day. Customers with no posting from activityFrom (or from)
 * to `to` are left out. (RM credit of transactions: rmTxnCredit in rm.ts.)
 */
export function customerTxns(db: Db, from: string, to: string, activityFrom?: string): CustomerTxns {
  const sql = txnSumsSql(db, from, to, activityFrom, {
    cols: ['abs_fen', 'last_in', 'n_cust', 'abs_cust_fen'],
    sums: ', sum(t.abs_fen) AS abs_amount_fen, max(t.last_in) AS last_day, sum(t.n_cust) AS cust_count, sum(t.abs_cust_fen) AS cust_abs_fen, max(t.last_cust_in) AS cust_last_day',
  });
  const c = queryColumns<CustomerTxns & { no_rate: (string | null)[] }>(db, sql, { from, to });
  const noRate = c.no_rate.find((x) => x !== null);
  if (noRate) throw missingRate(noRate, "a transaction's posting date");
  const { no_rate: _, ...out } = c;
  return out;
}

/**
 * The SQL of a window's transaction sums per customer (parameters :from, :to), in customer_id
 * order: columns customer_id, count, counter, self_service, e_banking, fee_fen, last_active_day
 * (the last customer-initiated posting day since activityFrom, else since from), no_rate
 * (non-null: the currency of a posting day without a rate), then `extra.sums` over the window's
 * rows with `extra.cols` too. A caller keeping a million customers' sums in typed arrays reads the
 * rows one by one. The activity before the window is read apart (activityParts): only its last
 * days, from the cheapest roll-up that has them.
 */
export function txnSumsSql(db: Db, from: string, to: string, activityFrom: string | undefined, extra: { cols: TxnColumn[]; sums: string } = { cols: [], sums: '' }): string {
  const cols: TxnColumn[] = ['n', 'counter', 'self_service', 'e_banking', 'fee_fen', 'no_rate', 'last_cust_in', ...extra.cols];
  const win = `SELECT *, last_cust_in AS last_cust_act FROM (${txnRowsSql(txnParts(db, from, to), cols)})`;
  const before = activityFrom !== undefined && activityFrom < from ? lastActiveSql(activityParts(db, activityFrom, from, to), cols) : '';
  const rows = before ? `${win}\nUNION ALL\n${before}` : win;
  // The roll-ups are keyed by customer first: grouping needs no join and (for txn_totals or
  // txn_monthly alone) no sort.
  return `WITH t AS (${rows})
    SELECT t.customer_id, sum(t.n) AS count, sum(t.counter) AS counter, sum(t.self_service) AS self_service, sum(t.e_banking) AS e_banking,
      sum(t.fee_fen) AS fee_fen, max(t.last_cust_act) AS last_active_day, max(t.no_rate) AS no_rate${extra.sums}
    FROM t GROUP BY t.customer_id`;
}

/**
 * The customers that rmCreditByProduct sums account by account, cut into ranges of customers that
 * two threads share (as BalanceTasks): each thread's call gives the credit of the ranges it
 * claimed, and the calls' rows add up to the whole.
 */
export interface CreditRanges {
  bounds: string[];
  claims: SharedArrayBuffer;
}

/**
 * Credit rows of steadySql(true, scope) per RM, product type and last-day loan class; `where`
 * narrows the accounts (alias a; for 'uncovered' also the customers, cs).
 */
function steadyCredit(db: Db, p: CreditParams, scope: 'uncovered' | 'varying', where: string, bind: Record<string, string> = {}): RmCreditRow[] {
  return groupRows(db, {
    with: steadySql(true, scope, false, where),
    keys: ['rm_id', unassignedBranch('rm_id', 'steady.customer_id'), 'product_type', `CASE WHEN product_type IN (${sqlList(LOAN_PRODUCTS)}) THEN coalesce(last_class, 'normal') END`],
    values: [{ expr: 'fen_days', agg: 'sum' }],
    from: 'FROM steady',
  }, { ...p, ...bind }).map(([rm_id, branch, product_type, loan_class, fen_days]) => ({ rm_id, branch, product_type, loan_class, fen_days }) as RmCreditRow);
}

/** SQL narrowing accounts `a` to `products` ('' for all). */
const productFilter = (products: readonly ProductType[]) => (products.length < PRODUCT_TYPES.length ? `AND a.product_type IN (${sqlList(products)})` : '');

/**
 * rmCreditByProduct's ranges alone (`ranges`: the ranges this call claims): the credit of their
 * customers, those from customer_spans and those summed account by account, before the varying
 * accounts' correction. Each claimed range's rows go to `share` (by range) when given, else are
 * returned together. The rest comes from rmCreditByProduct's call with the same `ranges` on the
 * other thread.
 */
export function claimCredit(db: Db, w: Window, products: readonly ProductType[], ranges: CreditRanges, share?: (k: number, rows: RmCreditRow[]) => void): RmCreditRow[] {
  // The ranges read neither varying set (the credit of those accounts is taken back by the other call).
  const p: CreditParams = { ...params(w), var: '[]', moved: '[]' };
  const rows: RmCreditRow[] = [];
  forEachClaimedRange(ranges, (range, k) => {
    const mine = rangeCredit(db, p, products, range);
    if (share) share(k, mine);
    else rows.push(...mine);
  });
  return rows;
}

/**
 * The credit of the customers in `range` (all when open), per RM, branch, product and last-day
 * loan class: those customer_spans covers from their row, credited to the customer's RM(s) over
 * the window; the others account by account.
 */
function rangeCredit(db: Db, p: CreditParams, products: readonly ProductType[], range: IdRange): RmCreditRow[] {
  const keys = CUSTOMER_SPAN_KEYS.filter((k) => products.includes(k.product));
  const perRm = groupRows(db, {
    keys: ['h.rm_id', unassignedBranch('h.rm_id', 'cs.customer_id')],
    values: keys.map((k) => ({ expr: `cs.v_${k.key}`, agg: 'sum' as const })),
    from: `FROM (${coveredSpans(keys, rangeSql(range)).join(' UNION ALL ')}) cs
      LEFT JOIN customer_rm_history h ON h.customer_id = cs.customer_id AND h.from_num <= :T AND h.to_num >= :F`,
  }, { ...p, ...rangeBind(range) }) as [string | null, string | null, ...number[]][];
  const rows = perRm.flatMap(([rm_id, branch, ...sums]) => keys.map((k, i): RmCreditRow => ({ rm_id, branch, product_type: k.product, loan_class: k.cls, fen_days: sums[i] })));
  return rows.concat(steadyCredit(db, p, 'uncovered', `${productFilter(products)}${rangeSql(range)}`, rangeBind(range)));
}

/** The key of a credit row (RmCreditRow): its RM, branch, product type and loan class. */
const creditKey = (r: { rm_id: string | null; branch: string | null; product_type: string; loan_class: string | null }) =>
  `${r.rm_id}\u0001${r.branch}\u0001${r.product_type}\u0001${r.loan_class}`;

/**
 * Credit rows added key by key (creditKey) in exact fen-days; `rows()`: the keys whose sum is not
 * 0, in key order: whichever thread summed which customers, a caller's floating-point sums over
 * them then come out the same. The rows added are not changed.
 */
export function creditTotals(): { add: (r: RmCreditRow) => void; rows: () => RmCreditRow[] } {
  const groups = new Map<string, RmCreditRow>();
  return {
    add(r) {
      const k = creditKey(r);
      const g = groups.get(k);
      if (g) g.fen_days += r.fen_days;
      else groups.set(k, { ...r });
    },
    rows: () => [...groups].filter(([, g]) => g.fen_days !== 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g),
  };
}

/** Credited fen-days (CNY) per RM and product type; loans also per loan class on the window's last day. */
export interface RmCreditRow {
  rm_id: string | null;
  /** The customer's branch, only for credit that no RM owns (rm_id null); else null. */
  branch: string | null;
  product_type: ProductType;
  /** loan / credit_card: the account's loan_class on the window's last day ('normal' when missing or closed); else null. */
  loan_class: string | null;
  fen_days: number;
}

/**
 * Account slices' credit per RM (the customer's branch where no RM owns it), product type and
 * last-day loan class: a few thousand rows where the slices are a hundred thousand objects (a
 * report thread hands these over, not the slices).
 */
export function slicesCredit(db: Db, slices: readonly AccountSlice[]): RmCreditRow[] {
  const { add, rows } = creditTotals();
  const branchQ = db.prepare('SELECT branch FROM customers WHERE customer_id = ?').pluck();
  const branches = new Map<string, string | null>();
  const branchOf = (c: string) => {
    if (!branches.has(c)) branches.set(c, (branchQ.get(c) as string | null | undefined) ?? null);
    return branches.get(c) ?? null;
  };
  for (const s of slices) {
    const branch = s.rm_id === null ? branchOf(s.customer_id) : null;
    add({ rm_id: s.rm_id, branch, product_type: s.product_type, loan_class: isLoan(s.product_type) ? s.last_class ?? 'normal' : null, fen_days: s.fen_days });
  }
  return rows();
}

/**
 * The RM credit of metrics.md ("Relationship-manager credit") summed in SQL: the same
 * credited intervals as accountSlices, grouped per RM, product type and last-day loan class;
 * `others`: the credit of the few accounts whose RM can change within the window, and of those in
 * foreign currency (slicesCredit). `products`: only these product types. `ranges`: the customers are cut into
 * ranges that another thread's claimCredit shares (CreditRanges). With `theirs` (the rows of the
 * ranges that call claimed, by range; undefined: summed here) this call gives the whole credit;
 * without, only the ranges it claims itself, and the other call's rows add to these (a key's
 * partial sum may then be 0 or negative).
 */
export function rmCreditByProduct(db: Db, w: Window, others: () => RmCreditRow[] = () => slicesCredit(db, creditedAccountSlices(db, w)), products: readonly ProductType[] = PRODUCT_TYPES,
  ranges?: CreditRanges, theirs?: (k: number) => RmCreditRow[] | undefined): RmCreditRow[] {
  const p = creditParams(db, w);
  const { add, rows } = creditTotals();
  // Every customer credited to its RM(s) over the window, those customer_spans covers from their
  // row, the others account by account. What that gets wrong (accounts whose rows name an RM;
  // every account of a customer reassigned within the window, credited once per RM) is taken back
  // below, the same way, and replaced by the true credit.
  const mine = new Uint8Array(ranges ? ranges.bounds.length + 1 : 0);
  if (!ranges) rangeCredit(db, p, products, {}).forEach(add);
  // Owning the whole: this thread claims ranges from the start; the other takes what is left once
  // its own work is done.
  else if (theirs) claimCredit(db, w, products, ranges, (k, rows) => {
    rows.forEach(add);
    mine[k] = 1;
  });
  // Minus the same for the few accounts whose RM can change within the window (exact integers;
  // creditedSlices gives their true credit): cheaper than excluding them from the scans.
  for (const r of steadyCredit(db, p, 'varying', productFilter(products))) add({ ...r, fen_days: -r.fen_days });
  // Asked for only now: it may be computed on the report thread meanwhile.
  for (const r of others()) if (products.includes(r.product_type)) add(r);
  if (ranges && theirs) {
    for (let k = 0; k < mine.length; k++) if (!mine[k]) (theirs(k) ?? rangeCredit(db, p, products, rangeAt(ranges.bounds, k))).forEach(add);
  } else if (ranges) {
    // Sharing: the ranges come last, so the thread that ends its other work first takes more of them.
    claimCredit(db, w, products, ranges).forEach(add);
  }
  return rows();
}
