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
import { dayNum } from '../db/balances.js';
import { END_OF_TIME } from '../db/migrations.js';
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

/** A missing FX rate: one message wherever a conversion needs it. */
export function missingRate(currency: string, when: string): DataError {
  return new DataError(`no exchange rate for ${currency} on or before ${when}: import fx_rates.csv with ${currency}`);
}

/** The CNY rate of a txn_daily row `d` on its day (latest rate on or before it). */
export const RATE_ON_DAY = `(SELECT cny_per_unit FROM fx_rates f WHERE f.currency = d.currency AND f.date <= d.day ORDER BY f.date DESC LIMIT 1)`;

/** CTE: customers with more than one RM in the window [:F, :T] (day numbers). */
export const MOVED_CUSTOMERS = `moved AS (SELECT customer_id FROM customer_rm_history WHERE from_num <= :T AND to_num >= :F GROUP BY customer_id HAVING count(*) > 1)`;

/** FX-rate intervals as day numbers: each rate holds until the day before the next one. */
const FX_INTERVALS = `fx AS (
  SELECT currency, CAST(julianday(date) - 2440587.5 AS INTEGER) AS s,
    coalesce(CAST(julianday(lead(date) OVER (PARTITION BY currency ORDER BY date)) - 2440587.5 AS INTEGER) - 1, ${END_OF_TIME}) AS e,
    cny_per_unit AS rate
  FROM fx_rates)`;

/** Foreign currencies with a balance in the window but no rate on or before the day it is needed. */
function checkFx(db: Db, w: Window): void {
  const { F, T } = nums(w);
  // Cheap first: every foreign currency held has a rate on or before the window's first day.
  const uncovered = db.prepare(`SELECT count(*) FROM (SELECT DISTINCT currency FROM accounts WHERE currency != 'CNY') c
    WHERE NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency = c.currency AND f.date <= ?)`).pluck().get(w.from) as number;
  if (uncovered === 0) return;
  const missing = db.prepare(`SELECT a.currency, min(max(b.day_num, :F)) AS needed, (SELECT min(date) FROM fx_rates f WHERE f.currency = a.currency) AS first_rate
    FROM (SELECT account_id, currency FROM accounts WHERE currency != 'CNY') a CROSS JOIN balances b ON b.account_id = a.account_id
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
 * Σ balance × days in the window per account, in CNY fen-days. With `credit` (the default),
 * split by the RM credited each day: the balance row's rm_id, else the customer's RM in
 * effect that day (customer_rm_history intervals). Without it, rm_id is null: one row per account.
 */
export function accountSlices(db: Db, w: Window, credit = true): AccountSlice[] {
  checkFx(db, w);
  const { F, T } = nums(w);
  const days = 'min(b.end_num, :T) - max(b.day_num, :F) + 1';
  const inWindow = 'b.end_num >= :F AND b.day_num <= :T AND b.balance != 0';
  // Customers with more than one RM in the window: their balances are split day by day.
  const moved = credit
    ? MOVED_CUSTOMERS
    : `moved AS (SELECT NULL AS customer_id WHERE 0)`;
  // CNY, one RM for the whole window (or no credit wanted): sum per account first, then
  // one lookup per account (not per balance row).
  const simple = db.prepare(`WITH ${moved},
    g AS (SELECT b.account_id, ${credit ? 'b.rm_id' : 'NULL'} AS rm_id, sum(b.balance * (${days})) AS fen_days
          FROM balances b WHERE ${inWindow} GROUP BY ${credit ? 'b.account_id, b.rm_id' : 'b.account_id'})
    SELECT g.account_id, a.customer_id, a.product_type,
      ${credit ? 'coalesce(g.rm_id, h.rm_id)' : 'NULL'} AS rm_id, g.fen_days
    FROM g JOIN accounts a ON a.account_id = g.account_id
    ${credit ? 'LEFT JOIN customer_rm_history h ON g.rm_id IS NULL AND h.customer_id = a.customer_id AND h.from_num <= :T AND h.to_num >= :F' : ''}
    WHERE a.currency = 'CNY' AND a.customer_id NOT IN (SELECT customer_id FROM moved)`).all({ F, T }) as AccountSlice[];
  const hist = `LEFT JOIN customer_rm_history h ON b.rm_id IS NULL AND h.customer_id = a.customer_id
         AND h.from_num <= min(b.end_num, :T) AND h.to_num >= max(b.day_num, :F)`;
  const rm = 'CASE WHEN b.rm_id IS NOT NULL THEN b.rm_id ELSE h.rm_id END';
  const hi = 'min(b.end_num, :T, coalesce(h.to_num, :T))';
  const lo = 'max(b.day_num, :F, coalesce(h.from_num, :F))';
  // CNY accounts of reassigned customers: each balance row split by the RM intervals it spans.
  const split = credit
    ? (db.prepare(`WITH ${moved}
        SELECT b.account_id, a.customer_id, a.product_type, ${rm} AS rm_id, sum(b.balance * (${hi} - ${lo} + 1)) AS fen_days
        FROM moved m JOIN accounts a ON a.customer_id = m.customer_id JOIN balances b ON b.account_id = a.account_id ${hist}
        WHERE a.currency = 'CNY' AND ${inWindow}
        GROUP BY b.account_id, 4`).all({ F, T }) as AccountSlice[])
    : [];
  // Foreign currency: each day at the latest rate on or before it, rounded to fen.
  // CROSS JOIN keeps the (few) foreign accounts as the outer loop: SQLite would otherwise scan every balance row.
  const foreign = db.prepare(`WITH ${FX_INTERVALS},
    a AS MATERIALIZED (SELECT account_id, customer_id, product_type, currency FROM accounts WHERE currency != 'CNY')
    SELECT b.account_id, a.customer_id, a.product_type, ${credit ? rm : 'NULL'} AS rm_id,
      sum(round(b.balance * f.rate) * (min(${credit ? hi : 'min(b.end_num, :T)'}, f.e) - max(${credit ? lo : 'max(b.day_num, :F)'}, f.s) + 1)) AS fen_days
    FROM a CROSS JOIN balances b ON b.account_id = a.account_id ${credit ? hist : ''}
    JOIN fx f ON f.currency = a.currency AND f.s <= ${credit ? hi : 'min(b.end_num, :T)'} AND f.e >= ${credit ? lo : 'max(b.day_num, :F)'}
    WHERE a.currency != 'CNY' AND ${inWindow}
    GROUP BY b.account_id, 4`).all({ F, T }) as AccountSlice[];
  return simple.concat(split, foreign);
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
export function accountStatesOn(db: Db, day: string, loansOnly = false): AccountState[] {
  const rows = db.prepare(`
    SELECT b.account_id, a.customer_id, a.product_type, a.currency, b.balance, b.loan_class,
      coalesce(b.rm_id, (SELECT h.rm_id FROM customer_rm_history h WHERE h.customer_id = a.customer_id AND h.from_num <= :dn AND h.to_num >= :dn)) AS rm_id,
      CASE WHEN a.currency = 'CNY' THEN 1 ELSE (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = a.currency AND f.date <= :day ORDER BY f.date DESC LIMIT 1) END AS rate
    FROM balances b JOIN accounts a ON a.account_id = b.account_id
    WHERE b.day_num <= :dn AND b.end_num >= :dn AND b.source != 'C' ${loansOnly ? "AND a.product_type IN ('loan', 'credit_card')" : ''}`).all({ day, dn: dayNum(day) }) as (Omit<AccountState, 'balance_fen'> & { balance: number; currency: string; rate: number | null })[];
  return rows.map((r) => {
    if (r.rate === null) throw missingRate(r.currency, day);
    return { account_id: r.account_id, customer_id: r.customer_id, product_type: r.product_type, loan_class: r.loan_class, rm_id: r.rm_id, balance_fen: r.currency === 'CNY' ? r.balance : Math.round(r.balance * r.rate) };
  });
}

/** customer_id → branch, for the credit that no RM owns. */
export function customerBranches(db: Db): Map<string, string | null> {
  return new Map(db.prepare('SELECT customer_id, branch FROM customers').raw().all() as [string, string | null][]);
}

/** Transactions of one account in a window. */
export interface TxnAggregate {
  account_id: string;
  customer_id: string;
  count: number;
  counter: number;
  self_service: number;
  e_banking: number;
  fee_fen: number;
  abs_amount_fen: number;
  last_day: string | null;
  /** With activityFrom: the last posting day since activityFrom (else as last_day). */
  last_active_day?: string | null;
}

/**
 * Per account, from txn_daily. Fees and amounts in foreign currency convert at the rate on or
 * before the posting day. (RM credit of transactions: rmTxnCredit in rm.ts.)
 */
export function txnAggregates(db: Db, from: string, to: string, activityFrom?: string): TxnAggregate[] {
  // With activityFrom (earlier than from): also the last posting day since activityFrom, in the
  // same pass; the sums still cover [from, to] only.
  const scanFrom = activityFrom !== undefined && activityFrom < from ? activityFrom : from;
  const inWin = (x: string) => (scanFrom === from ? x : `CASE WHEN d.day >= :from THEN ${x} ELSE 0 END`);
  // A window over most of the data reads txn_daily in key order (grouped by account already);
  // a short one goes through the day index.
  const span = db.prepare('SELECT (SELECT day FROM txn_daily ORDER BY day LIMIT 1) AS first, (SELECT day FROM txn_daily ORDER BY day DESC LIMIT 1) AS last').get() as { first: string | null; last: string | null };
  const scanAll = !span.first || !span.last || daysBetween(scanFrom < span.first ? span.first : scanFrom, to > span.last ? span.last : to) * 3 >= daysBetween(span.first, span.last);
  const dayCol = scanAll ? '+d.day' : 'd.day';
  const sums = `sum(${inWin('n')}) AS count, sum(${inWin('n_counter')}) AS counter, sum(${inWin('n_self_service')}) AS self_service,
      sum(${inWin('n_e_banking')}) AS e_banking,
      sum(${inWin(`CASE WHEN d.currency = 'CNY' THEN fee ELSE round(fee * ${RATE_ON_DAY}) END`)}) AS fee_fen,
      sum(${inWin(`CASE WHEN d.currency = 'CNY' THEN abs_amount ELSE round(abs_amount * ${RATE_ON_DAY}) END`)}) AS abs_amount_fen,
      max(CASE WHEN d.day >= :from THEN d.day END) AS last_day, max(d.day) AS last_active_day,
      max(CASE WHEN d.currency != 'CNY' AND ${RATE_ON_DAY} IS NULL THEN d.currency END) AS missing_currency`;
  // Sum per account first, then one account lookup each.
  const rows = db.prepare(`SELECT g.*, a.customer_id FROM (
      SELECT d.account_id, ${sums} FROM txn_daily d WHERE ${dayCol} >= :scanFrom AND ${dayCol} <= :to GROUP BY d.account_id) g
      JOIN accounts a ON a.account_id = g.account_id`).all({ from, to, scanFrom }) as (TxnAggregate & { missing_currency: string | null })[];
  const missing = rows.find((r) => r.missing_currency !== null);
  if (missing) throw missingRate(missing.missing_currency!, "a transaction's posting date");
  return rows;
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
export function rmCreditByProduct(db: Db, w: Window, loanStates: AccountState[] = accountStatesOn(db, w.to, true), branchOf: Map<string, string | null> = customerBranches(db)): RmCreditRow[] {
  const slices = accountSlices(db, w, true);
  const classOnLast = new Map(loanStates.map((s) => [s.account_id, s.loan_class]));
  const groups = new Map<string, RmCreditRow>();
  for (const s of slices) {
    const isLoan = s.product_type === 'loan' || s.product_type === 'credit_card';
    const branch = s.rm_id === null ? branchOf.get(s.customer_id) ?? null : null;
    const loan_class = isLoan ? classOnLast.get(s.account_id) ?? 'normal' : null;
    const key = `${s.rm_id}\u0001${branch}\u0001${s.product_type}\u0001${loan_class}`;
    const g = groups.get(key);
    if (g) g.fen_days += s.fen_days;
    else groups.set(key, { rm_id: s.rm_id, branch, product_type: s.product_type, loan_class, fen_days: s.fen_days });
  }
  return [...groups.values()];
}
