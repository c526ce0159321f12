/**
 * The balance and transaction arithmetic of metrics.md, in SQL inside SQLite.
 *
 * Balances are stored by change (db/balances.ts), so an account's history is a list of
 * intervals [as_of, next as_of − 1] each holding one balance. Σ over days of balance(d)
 * in a window is then Σ over intervals of balance × days of overlap: exact integer
 * fen-days for CNY, whatever the window. RM credit intersects those intervals with the
 * customer's RM-assignment intervals; foreign currency intersects them with FX-rate
 * intervals (each day converted at the latest rate on or before it, rounded to fen).
 */
import type { Db } from '../db/connection.js';
import { dataCoverage } from '../db/status.js';
import { DataError } from '../errors.js';
import type { ProductType } from '../types.js';

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
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;
}

/** Clips [from, to] to the dates the data covers (first to latest snapshot). */
export function resolveWindow(db: Db, from: string, to: string): Window {
  const cov = dataCoverage(db);
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
}

const INTERVALS = `
bal AS (
  SELECT account_id, as_of AS s, lead(as_of) OVER (PARTITION BY account_id ORDER BY as_of) AS nxt, balance, rm_id
  FROM balances
),
bw AS (
  SELECT bal.account_id, a.customer_id, a.product_type, a.currency, bal.balance, bal.rm_id,
         max(bal.s, :from) AS s, min(coalesce(date(bal.nxt, '-1 day'), :to), :to) AS e
  FROM bal JOIN accounts a ON a.account_id = bal.account_id
  WHERE bal.s <= :to AND (bal.nxt IS NULL OR bal.nxt > :from) AND bal.balance != 0
),
hist AS (
  SELECT customer_id, effective_from AS s,
         date(lead(effective_from) OVER (PARTITION BY customer_id ORDER BY effective_from), '-1 day') AS e, rm_id
  FROM customer_rm_history
),
credited AS (
  SELECT bw.account_id, bw.customer_id, bw.product_type, bw.currency, bw.balance,
         CASE WHEN bw.rm_id IS NOT NULL THEN bw.rm_id ELSE h.rm_id END AS rm_id,
         max(bw.s, coalesce(h.s, bw.s)) AS s, min(bw.e, coalesce(h.e, bw.e)) AS e
  FROM bw LEFT JOIN hist h
    ON bw.rm_id IS NULL AND h.customer_id = bw.customer_id AND h.s <= bw.e AND (h.e IS NULL OR h.e >= bw.s)
),
fx AS (
  SELECT currency, date AS s, date(lead(date) OVER (PARTITION BY currency ORDER BY date), '-1 day') AS e, cny_per_unit AS rate
  FROM fx_rates
)`;

/** Foreign currencies with a balance in the window but no rate on or before the day it is needed. */
function checkFx(db: Db, w: Window): void {
  const missing = db.prepare(`WITH ${INTERVALS}
    SELECT bw.currency, min(bw.s) AS needed, (SELECT min(date) FROM fx_rates f WHERE f.currency = bw.currency) AS first_rate
    FROM bw WHERE bw.currency != 'CNY' GROUP BY bw.currency HAVING first_rate IS NULL OR first_rate > needed`).all({ from: w.from, to: w.to }) as { currency: string; needed: string; first_rate: string | null }[];
  if (missing.length) {
    const m = missing[0];
    throw new DataError(`no exchange rate for ${m.currency} on or before ${m.needed}${m.first_rate ? ` (first rate is on ${m.first_rate})` : ''}: import fx_rates.csv with ${m.currency}`);
  }
}

export function accountSlices(db: Db, w: Window): AccountSlice[] {
  checkFx(db, w);
  return db.prepare(`WITH ${INTERVALS}
    SELECT c.account_id, c.customer_id, c.product_type, c.rm_id,
      sum(CASE WHEN c.currency = 'CNY' THEN c.balance * (julianday(c.e) - julianday(c.s) + 1)
               ELSE round(c.balance * f.rate) * (julianday(min(c.e, coalesce(f.e, c.e))) - julianday(max(c.s, f.s)) + 1) END) AS fen_days
    FROM credited c LEFT JOIN fx f
      ON c.currency != 'CNY' AND f.currency = c.currency AND f.s <= c.e AND (f.e IS NULL OR f.e >= c.s)
    GROUP BY c.account_id, c.rm_id`).all({ from: w.from, to: w.to }) as AccountSlice[];
}

/** One account's state on a day, with the RM credited that day. */
export interface AccountState {
  account_id: string;
  customer_id: string;
  product_type: ProductType;
  balance_fen: number;
  loan_class: string | null;
  rm_id: string | null;
}

/** Accounts open on `day` (closed ones and those not yet seen are left out); balances in CNY fen. */
export function accountStatesOn(db: Db, day: string): AccountState[] {
  const rows = db.prepare(`
    WITH last AS (
      SELECT account_id, balance, rm_id, loan_class, source, max(as_of) AS as_of FROM balances WHERE as_of <= :day GROUP BY account_id
    )
    SELECT l.account_id, a.customer_id, a.product_type, a.currency, l.balance, l.loan_class,
      coalesce(l.rm_id, (SELECT h.rm_id FROM customer_rm_history h WHERE h.customer_id = a.customer_id AND h.effective_from <= :day
                          ORDER BY h.effective_from DESC LIMIT 1)) AS rm_id,
      CASE WHEN a.currency = 'CNY' THEN 1 ELSE (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = a.currency AND f.date <= :day ORDER BY f.date DESC LIMIT 1) END AS rate
    FROM last l JOIN accounts a ON a.account_id = l.account_id
    WHERE l.source != 'C'`).all({ day }) as (Omit<AccountState, 'balance_fen'> & { balance: number; currency: string; rate: number | null })[];
  return rows.map((r) => {
    if (r.rate === null) throw new DataError(`no exchange rate for ${r.currency} on or before ${day}: import fx_rates.csv with ${r.currency}`);
    return { account_id: r.account_id, customer_id: r.customer_id, product_type: r.product_type, loan_class: r.loan_class, rm_id: r.rm_id, balance_fen: r.currency === 'CNY' ? r.balance : Math.round(r.balance * r.rate) };
  });
}

/** Transactions of one account (and, with RM credit, one credited RM) in a window. */
export interface TxnAggregate {
  account_id: string;
  customer_id: string;
  rm_id: string | null;
  count: number;
  counter: number;
  self_service: number;
  e_banking: number;
  fee_fen: number;
  abs_amount_fen: number;
  last_day: string | null;
}

/**
 * Per account (and credited RM when `credit` is set: the RM of the account on the posting
 * day, from the balance state's rm_id, else the customer's RM in effect that day).
 * Fees and amounts in foreign currency convert at the rate on or before the posting day.
 */
export function txnAggregates(db: Db, from: string, to: string, credit: boolean): TxnAggregate[] {
  const missing = db.prepare(`SELECT DISTINCT t.currency FROM txn_daily t WHERE t.day >= :from AND t.day <= :to AND t.currency != 'CNY'
    AND NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency = t.currency AND f.date <= t.day)`).pluck().all({ from, to }) as string[];
  if (missing.length) throw new DataError(`no exchange rate for ${missing[0]} on or before a transaction's posting date: import fx_rates.csv with ${missing[0]}`);
  const rmExpr = credit
    ? `coalesce((SELECT b.rm_id FROM balances b WHERE b.account_id = d.account_id AND b.as_of <= d.day ORDER BY b.as_of DESC LIMIT 1),
                (SELECT h.rm_id FROM customer_rm_history h WHERE h.customer_id = a.customer_id AND h.effective_from <= d.day ORDER BY h.effective_from DESC LIMIT 1))`
    : 'NULL';
  return db.prepare(`
    WITH r AS (
      SELECT d.*, a.customer_id, ${rmExpr} AS rm_id,
        CASE WHEN d.currency = 'CNY' THEN 1 ELSE (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = d.currency AND f.date <= d.day ORDER BY f.date DESC LIMIT 1) END AS rate
      FROM txn_daily d JOIN accounts a ON a.account_id = d.account_id
      WHERE d.day >= :from AND d.day <= :to
    )
    SELECT account_id, customer_id, rm_id, sum(n) AS count, sum(n_counter) AS counter, sum(n_self_service) AS self_service, sum(n_e_banking) AS e_banking,
      sum(CASE WHEN rate = 1 THEN fee ELSE round(fee * rate) END) AS fee_fen,
      sum(CASE WHEN rate = 1 THEN abs_amount ELSE round(abs_amount * rate) END) AS abs_amount_fen, max(day) AS last_day
    FROM r GROUP BY account_id, rm_id`).all({ from, to }) as TxnAggregate[];
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
 * The RM credit of metrics.md ("Relationship-manager credit") summed in SQL: the same
 * credited intervals as accountSlices, grouped per RM, product type and last-day loan class.
 */
export function rmCreditByProduct(db: Db, w: Window): RmCreditRow[] {
  checkFx(db, w);
  return db.prepare(`WITH ${INTERVALS},
    s AS (
      SELECT c.account_id, c.customer_id, c.product_type, c.rm_id,
        sum(CASE WHEN c.currency = 'CNY' THEN c.balance * (julianday(c.e) - julianday(c.s) + 1)
                 ELSE round(c.balance * f.rate) * (julianday(min(c.e, coalesce(f.e, c.e))) - julianday(max(c.s, f.s)) + 1) END) AS fen_days
      FROM credited c LEFT JOIN fx f
        ON c.currency != 'CNY' AND f.currency = c.currency AND f.s <= c.e AND (f.e IS NULL OR f.e >= c.s)
      GROUP BY c.account_id, c.rm_id
    ),
    cls AS (
      SELECT b.account_id, b.loan_class, b.source, max(b.as_of) AS as_of
      FROM balances b JOIN accounts a ON a.account_id = b.account_id
      WHERE b.as_of <= :to AND a.product_type IN ('loan', 'credit_card') GROUP BY b.account_id
    )
    SELECT s.rm_id, CASE WHEN s.rm_id IS NULL THEN cu.branch END AS branch, s.product_type,
      CASE WHEN s.product_type IN ('loan', 'credit_card')
           THEN coalesce(CASE WHEN cls.source != 'C' THEN cls.loan_class END, 'normal') END AS loan_class,
      sum(s.fen_days) AS fen_days
    FROM s JOIN customers cu ON cu.customer_id = s.customer_id LEFT JOIN cls ON cls.account_id = s.account_id
    GROUP BY 1, 2, 3, 4`).all({ from: w.from, to: w.to }) as RmCreditRow[];
}
