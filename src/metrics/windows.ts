/**
 * Σ AUM balance × days per customer over several windows at once (crm watch compares the last 30
 * days with the 30 before, two single days and whole months). Each window's sum is C(T) − C(F − 1)
 * (engine.ts: C is the prefix sum), so one pass evaluates C at every window end and the day before
 * every window start, and differences them: the same exact integer fen-days as customerBalances
 * gives window by window, without a pass and a map of every customer per window.
 */
import type { Db } from '../db/connection.js';
import { dayNum } from '../db/balances.js';
import { queryColumns } from '../db/columns.js';
import { CUSTOMER_SPAN_KEYS } from '../db/customer-spans.js';
import { sqlList } from '../db/sql.js';
import { DataError } from '../errors.js';
import { AUM_PRODUCTS, isAum } from '../types.js';
import { foreignAccountSlices, isoFromNum, resolveWindow, type Window } from './engine.js';
import { positionsIn } from './positions.js';

/** A window asked for: [from, to]; `whole`: only when the data covers all of it. */
export interface AumWindow {
  from: string;
  to: string;
  whole?: boolean;
}

/** One window's sums: Σ AUM fen-days in CNY per customer position (the directory's order). */
export interface AumSums {
  /** The window clipped to the data (days: the ADB's divisor). */
  window: Window;
  fenDays: Float64Array;
}

export interface AumWindowSums {
  /** Every customer in customer_id order: the positions of fenDays. */
  ids: string[];
  /** Per window asked for, in order: its sums, or null when it lies outside the data (`whole`: also when partly). */
  sums: (AumSums | null)[];
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
 * Per window, per customer, Σ over its AUM accounts of balance × days (CNY fen-days; foreign
 * currency converted day by day at the rate on or before it). Equal windows are summed once and
 * share their result. A foreign balance with no rate is an error, as in customerBalances.
 */
export function aumWindowSums(db: Db, asked: readonly AumWindow[]): AumWindowSums {
  const ids = queryColumns<{ customer_id: string[] }>(db, 'SELECT customer_id FROM customers ORDER BY customer_id').customer_id;
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
    addCny(db, ids, distinct);
    for (const s of distinct) addForeign(db, ids, s);
  }
  return { ids, sums };
}

/**
 * The CNY accounts: C at each point (a window's last day T, the day before its first F − 1) per
 * customer. A customer every point of which lies before its first balance row (C = 0) or on or
 * after the start of its accounts' last rows (C linear: customer_spans' a + b × x) needs one
 * customer_spans row; the others are summed account by account, with a seek in balances only for
 * a point inside an account's rows.
 */
function addCny(db: Db, ids: readonly string[], windows: readonly AumSums[]): void {
  const ends = windows.map((s) => [dayNum(s.window.to), dayNum(s.window.from) - 1] as const);
  const points = [...new Set(ends.flat())].sort((x, y) => x - y);
  const bind: Record<string, number | string> = {};
  points.forEach((x, j) => { bind[`p${j}`] = x; bind[`d${j}`] = isoFromNum(x); });
  const at = (x: number) => `c${points.indexOf(x)}`;
  const keys = CUSTOMER_SPAN_KEYS.filter((k) => AUM_PRODUCTS.includes(k.product));
  const a = keys.map((k) => `a_${k.key}`).join(' + ');
  const b = keys.map((k) => `b_${k.key}`).join(' + ');
  const covered = points.map((_, j) => `(cs.bal_first > :p${j} OR cs.bal_last <= :p${j})`).join(' AND ');
  const spanC = points.map((_, j) => `CASE WHEN bal_first > :p${j} THEN 0 ELSE a + b * :p${j} END AS c${j}`).join(', ');
  const accountC = points.map((_, j) => `CASE WHEN a.bal_first > :p${j} THEN 0
      WHEN a.bal_last <= :p${j} THEN a.bal_last_cum + a.bal_last_balance * (:p${j} - a.bal_last + 1)
      ELSE (SELECT x.cum + x.balance * (:p${j} - x.day_num + 1) FROM balances x WHERE x.account_id = a.account_id AND x.as_of <= :d${j} ORDER BY x.as_of DESC LIMIT 1) END AS c${j}`).join(',\n      ');
  const diffs = ends.map(([t, e], k) => `${at(t)} - ${at(e)} AS w${k}`);
  // Both come in customer_id order (customer_spans' key; its accounts through accounts_customer),
  // as positionsIn walks the directory. LIMIT -1 keeps SQLite from evaluating each C once per window.
  const fromSpans = queryColumns<Record<string, number[]> & { customer_id: string[] }>(db, `SELECT customer_id, ${diffs.join(', ')}
    FROM (SELECT customer_id, ${spanC} FROM (SELECT customer_id, bal_first, ${a} AS a, ${b} AS b FROM customer_spans cs WHERE ${covered}) LIMIT -1)`, bind);
  const fromAccounts = queryColumns<Record<string, number[]> & { customer_id: string[] }>(db, `SELECT customer_id, ${ends.map((_, k) => `sum(w${k}) AS w${k}`).join(', ')}
    FROM (SELECT customer_id, ${diffs.join(', ')}
      FROM (SELECT cs.customer_id, ${accountC}
        FROM customer_spans cs CROSS JOIN accounts a ON a.customer_id = cs.customer_id
        WHERE NOT (${covered}) AND a.currency = 'CNY' AND a.bal_first IS NOT NULL AND a.product_type IN (${sqlList(AUM_PRODUCTS)}) LIMIT -1))
    GROUP BY customer_id`, bind);
  for (const part of [fromSpans, fromAccounts]) {
    const pos = positionsIn(ids);
    for (let r = 0; r < part.customer_id.length; r++) {
      const i = pos(part.customer_id[r]);
      if (i < 0) continue;
      windows.forEach((s, k) => { s.fenDays[i] += part[`w${k}`][r]; });
    }
  }
}

/** The foreign-currency AUM accounts of one window (few: converted day by day in engine.ts). */
function addForeign(db: Db, ids: readonly string[], s: AumSums): void {
  const slices = foreignAccountSlices(db, s.window).filter((f) => f.fen_days !== 0 && isAum(f.product_type));
  slices.sort((x, y) => (x.customer_id < y.customer_id ? -1 : x.customer_id > y.customer_id ? 1 : 0));
  const pos = positionsIn(ids);
  let last: string | null = null;
  let i = -1;
  for (const f of slices) {
    // A customer's accounts come together: one walk to each customer.
    if (f.customer_id !== last) i = pos((last = f.customer_id));
    if (i >= 0) s.fenDays[i] += f.fen_days;
  }
}
