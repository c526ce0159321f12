/**
 * Σ AUM balance × days per customer over several windows at once (crm watch compares the last 30
 * days with the 30 before, two single days and whole months). Each window's sum is C(T) − C(F − 1)
 * (engine.ts: C is the prefix sum), so one pass evaluates C at every window end and the day before
 * every window start, and differences them: the same exact integer fen-days as customerBalances
 * gives window by window, without a pass and a map of every customer per window.
 */
import type { Db } from '../db/connection.js';
import { dayNum } from '../db/balances.js';
import { forEachRow, type IdList } from '../db/columns.js';
import { customerIds } from '../db/segment-queries.js';
import { positionsIn } from '../db/positions.js';
import { CUSTOMER_SPAN_KEYS } from '../db/customer-spans.js';
import { sqlList } from '../db/sql.js';
import { DataError } from '../errors.js';
import { AUM_PRODUCTS } from '../types.js';
import { checkFx, convertedFenDays, isoFromNum, rateIntervals, resolveWindow, type Window } from './engine.js';

/** A window asked for: [from, to]; `whole`: only when the data covers all of it. */
export interface AumWindow {
  from: string;
  to: string;
  whole?: boolean;
}

/** One window's sums: Σ AUM fen-days in CNY per customer, by position in the caller's list (the directory). */
export interface AumSums {
  /** The window clipped to the data (days: the ADB's divisor). */
  window: Window;
  fenDays: Float64Array;
}

/** The window clipped to the data, or null when it lies outside it (`whole`: also when the data covers it only in part). */
function clipped(db: Db, w: AumWindow): Window | null {
  try {
    const r = resolveWindow(db, w.from, w.to);
    return w.whole && r.clipped ? null : r;
  } catch (e) {
    if (e instanceof DataError) return null;
    throw e;
  }
}

/**
 * Per window asked for, in order: per customer of `ids`, Σ over its AUM accounts of balance × days
 * (CNY fen-days; foreign currency converted day by day at the rate on or before it); null when the
 * window lies outside the data (`whole`: also when partly). `ids`: best in customer_id order (the
 * directory: the rows come in that order). Equal windows are summed once and share their result. A foreign balance with
 * no rate is an error, as in customerBalances.
 */
export function aumWindowSums(db: Db, asked: readonly AumWindow[], ids: IdList): (AumSums | null)[] {
  const byKey = new Map<string, AumSums>();
  const sums = asked.map((a): AumSums | null => {
    const w = clipped(db, a);
    if (w === null) return null;
    const key = `${w.from}|${w.to}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { window: w, fenDays: new Float64Array(ids.length) }));
    return s;
  });
  const distinct = [...byKey.values()];
  if (distinct.length) {
    for (const s of distinct) checkFx(db, s.window);
    addCny(db, ids, distinct);
    addForeign(db, ids, distinct);
  }
  return sums;
}

/**
 * The CNY accounts: C at each point (a window's last day T, the day before its first F − 1) per
 * customer. C(x) is 0 before an account's first row and linear from the day before its last row
 * starts (that day C is the last row's cum: cum + balance × (x − bal_last + 1) with x = bal_last − 1).
 * A customer every point of which lies in one of those stretches for all its accounts needs one
 * customer_spans row (a + b × x); the others are summed account by account, with a seek in
 * balances only for a point inside an account's rows.
 */
function addCny(db: Db, ids: IdList, windows: readonly AumSums[]): void {
  const ends = windows.map((s) => [dayNum(s.window.to), dayNum(s.window.from) - 1] as const);
  const points = [...new Set(ends.flat())].sort((x, y) => x - y);
  const bind: Record<string, number | string> = {};
  points.forEach((x, j) => { bind[`p${j}`] = x; bind[`d${j}`] = isoFromNum(x); });
  const col = (x: number) => `c${points.indexOf(x)}`;
  const keys = CUSTOMER_SPAN_KEYS.filter((k) => AUM_PRODUCTS.includes(k.product));
  const a = keys.map((k) => `a_${k.key}`).join(' + ');
  const b = keys.map((k) => `b_${k.key}`).join(' + ');
  const covered = points.map((_, j) => `(cs.bal_first > :p${j} OR cs.bal_last <= :p${j} + 1)`).join(' AND ');
  const spanC = points.map((_, j) => `CASE WHEN bal_first > :p${j} THEN 0 ELSE a + b * :p${j} END AS c${j}`).join(', ');
  const accountC = points.map((_, j) => `CASE WHEN a.bal_first > :p${j} THEN 0
      WHEN a.bal_last <= :p${j} + 1 THEN a.bal_last_cum + a.bal_last_balance * (:p${j} - a.bal_last + 1)
      ELSE (SELECT x.cum + x.balance * (:p${j} - x.day_num + 1) FROM balances x WHERE x.account_id = a.account_id AND x.as_of <= :d${j} ORDER BY x.as_of DESC LIMIT 1) END AS c${j}`).join(',\n      ');
  const diffs = ends.map(([t, e], k) => `${col(t)} - ${col(e)} AS w${k}`);
  // Both come in customer_id order (customer_spans' key; its accounts grouped), as the walk
  // wants. LIMIT -1, or ORDER BY in that order, keeps SQLite from evaluating each C once per
  // window; ORDER BY also lets the accounts' grouping per customer stream (no sort of every
  // account's row). Rows reach JavaScript row by row (forEachRow): no row arrays, no JSON.
  const columns = ['customer_id', ...ends.map((_, k) => `w${k}`)];
  const add = (at: (id: string) => number) => (id: string, ...fenDays: number[]) => {
    const i = at(id);
    if (i >= 0) for (let k = 0; k < windows.length; k++) windows[k].fenDays[i] += fenDays[k];
  };
  forEachRow(db, `SELECT customer_id, ${diffs.join(', ')}
    FROM (SELECT customer_id, ${spanC} FROM (SELECT customer_id, bal_first, ${a} AS a, ${b} AS b FROM customer_spans cs WHERE ${covered}) LIMIT -1)`, bind, columns, add(positionsIn(ids)));
  forEachRow(db, `SELECT customer_id, ${ends.map((_, k) => `sum(w${k}) AS w${k}`).join(', ')}
    FROM (SELECT customer_id, ${diffs.join(', ')}
      FROM (SELECT cs.customer_id, ${accountC}
        FROM customer_spans cs CROSS JOIN accounts a ON a.customer_id = cs.customer_id
        WHERE NOT (${covered}) AND a.currency = 'CNY' AND a.bal_first IS NOT NULL AND a.product_type IN (${sqlList(AUM_PRODUCTS)}) ORDER BY cs.customer_id))
    GROUP BY customer_id`, bind, columns, add(positionsIn(ids)));
}

/**
 * The foreign-currency AUM accounts (few): their balance rows overlapping any window, each day
 * converted at the rate on or before it (engine.ts convertedFenDays), summed per window.
 */
function addForeign(db: Db, ids: IdList, windows: readonly AumSums[]): void {
  const spans = windows.map((s) => [dayNum(s.window.from), dayNum(s.window.to)] as const);
  const rates = rateIntervals(db);
  const at = positionsIn(ids);
  let last: string | null = null;
  let i = -1;
  // Row by row: a city's foreign rows over a few months are some 300k, which as JSON columns
  // (queryColumns) held ~60 MB at once.
  forEachRow(db, `SELECT a.customer_id, a.currency, b.balance, b.day_num, b.end_num
    FROM accounts a INDEXED BY accounts_foreign CROSS JOIN balances b ON b.account_id = a.account_id
    WHERE a.currency != 'CNY' AND a.product_type IN (${sqlList(AUM_PRODUCTS)}) AND b.end_num >= :F AND b.day_num <= :T AND b.balance != 0
    ORDER BY a.customer_id`, { F: Math.min(...spans.map(([f]) => f)), T: Math.max(...spans.map(([, t]) => t)) },
  ['customer_id', 'currency', 'balance', 'day_num', 'end_num'], (id: string, currency: string, balance: number, first: number, lastDay: number) => {
    // A customer's rows come together: one walk to each customer.
    if (id !== last) i = at((last = id));
    if (i < 0) return;
    const list = rates.get(currency) ?? [];
    spans.forEach(([f, t], k) => {
      const lo = Math.max(f, first);
      const hi = Math.min(t, lastDay);
      if (lo <= hi) windows[k].fenDays[i] += convertedFenDays(list, currency, balance, lo, hi);
    });
  });
}

/** aumWindowSums for every customer of the customers table, in customer_id order: how many they were, and the windows asked. */
export interface AllAumSums {
  customers: number;
  asked: AumWindow[];
  sums: (AumSums | null)[];
}

/** aumWindowSums over the whole directory, as the report thread computes it (it holds no directory of its own). */
export function allAumWindowSums(db: Db, asked: AumWindow[]): AllAumSums {
  const ids = customerIds(db);
  return { customers: ids.length, asked, sums: aumWindowSums(db, asked, ids) };
}
