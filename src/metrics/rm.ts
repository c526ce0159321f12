/**
 * Per-RM credited metrics for a window (metrics.md, "Relationship-manager credit").
 * Every sum is done in SQL, grouped per RM; nothing here loads transactions or accounts one by one.
 *
 * Credit rules:
 * - balances (ADB, contribution's NII and risk cost): the RM recorded for the account on each
 *   day (the snapshot's rm_id, else the customer's RM in effect that day), split by days;
 * - fees, transaction counts (channel cost): the RM of the account on the posting day;
 * - loan and NPL balance: the RM of the account on the window's last day;
 * - customers / new customers: the customer's RM in effect on the window's last day.
 * Credit that no RM owns has rm_id null and carries the customer's branch.
 */
import type { Db } from '../db/connection.js';
import { DataError } from '../errors.js';
import { isAum, isDeposit, isLoan } from './customers.js';
import { rmCreditByProduct, type Window } from './engine.js';
import type { Pricing } from './pricing.js';
import type { LoanClass, RmType } from '../types.js';

export interface RmInfo {
  rm_id: string;
  name: string;
  rm_type: RmType;
  branch: string | null;
  /** fen per month */
  base_salary: number;
}

/** Credited metrics of one RM (or of what no RM owns, rm_id null). Money in fen (ADB-derived may be fractional). */
export interface RmMetrics {
  rm_id: string | null;
  /** For the unassigned group: the customers' branch. */
  branch: string | null;
  customers: number;
  new_customers: number;
  deposit_adb: number;
  aum_adb: number;
  loan_adb: number;
  loan_balance: number;
  npl_balance: number;
  fee_income: number;
  txn_count: number;
  net_interest: number;
  channel_cost: number;
  risk_cost: number;
  contribution: number;
}

export function rmList(db: Db): RmInfo[] {
  return db.prepare('SELECT rm_id, name, rm_type, branch, base_salary FROM rms ORDER BY rm_id').all() as RmInfo[];
}

/** Targets of one period string (targets.csv), per RM and KPI, as stored (money KPIs in CNY). */
export function targetsFor(db: Db, period: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const t of db.prepare('SELECT rm_id, kpi, target FROM targets WHERE period = ?').all(period) as { rm_id: string; kpi: string; target: number }[]) {
    const r = out.get(t.rm_id) ?? {};
    r[t.kpi] = t.target;
    out.set(t.rm_id, r);
  }
  return out;
}

const key = (rm: string | null, branch: string | null) => (rm === null ? `\u0000${branch ?? ''}` : rm);

/** Per RM (and per branch for the unassigned credit): deposit ADB only, for growth. */
export function rmDepositAdb(db: Db, w: Window): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rmCreditByProduct(db, w)) {
    if (!isDeposit(r.product_type)) continue;
    const k = key(r.rm_id, r.branch);
    out.set(k, (out.get(k) ?? 0) + r.fen_days / w.days);
  }
  return out;
}
export const rmKey = key;

const RM_ON_DAY = (custExpr: string, dayExpr: string) =>
  `(SELECT h.rm_id FROM customer_rm_history h WHERE h.customer_id = ${custExpr} AND h.effective_from <= ${dayExpr} ORDER BY h.effective_from DESC LIMIT 1)`;

/** Every RM's credited metrics over the window; groups keyed by rmKey(rm_id, branch). */
export function rmMetrics(db: Db, w: Window, pricing: Pricing): Map<string, RmMetrics> {
  const out = new Map<string, RmMetrics>();
  const get = (rm_id: string | null, branch: string | null): RmMetrics => {
    const k = key(rm_id, branch);
    let m = out.get(k);
    if (!m) {
      m = { rm_id, branch: rm_id === null ? branch : null, customers: 0, new_customers: 0, deposit_adb: 0, aum_adb: 0, loan_adb: 0, loan_balance: 0, npl_balance: 0, fee_income: 0, txn_count: 0, net_interest: 0, channel_cost: 0, risk_cost: 0, contribution: 0 };
      out.set(k, m);
    }
    return m;
  };
  const f = w.days / 365;

  // Balances: credited fen-days per RM × product × last-day loan class.
  for (const r of rmCreditByProduct(db, w)) {
    const m = get(r.rm_id, r.branch);
    const adb = r.fen_days / w.days;
    if (isDeposit(r.product_type)) m.deposit_adb += adb;
    if (isAum(r.product_type)) m.aum_adb += adb;
    m.net_interest += (r.fen_days * pricing.spreads[r.product_type]) / 365;
    if (isLoan(r.product_type)) {
      m.loan_adb += adb;
      const cls = (r.loan_class ?? 'normal') as LoanClass;
      m.risk_cost += adb * (pricing.risk_rates[cls] ?? pricing.risk_rates.normal) * f;
    }
  }

  // Transactions: fee and channel counts credited to the account's RM on the posting day.
  const missing = db.prepare(`SELECT DISTINCT t.currency FROM txn_daily t WHERE t.day >= :from AND t.day <= :to AND t.currency != 'CNY'
    AND NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.currency = t.currency AND f.date <= t.day)`).pluck().all({ from: w.from, to: w.to }) as string[];
  if (missing.length) throw new DataError(`no exchange rate for ${missing[0]} on or before a transaction's posting date: import fx_rates.csv with ${missing[0]}`);
  // txn_daily: transactions summed per account, day and currency at import.
  const txns = db.prepare(`
    WITH d AS (
      SELECT account_id, day, currency, n, n_counter AS counter, n_self_service AS self_service, n_e_banking AS e_banking, fee
      FROM txn_daily WHERE day >= :from AND day <= :to
    ),
    r AS MATERIALIZED (
      SELECT d.*, cu.branch,
        coalesce((SELECT b.rm_id FROM balances b WHERE b.account_id = d.account_id AND b.as_of <= d.day ORDER BY b.as_of DESC LIMIT 1),
                 ${RM_ON_DAY('a.customer_id', 'd.day')}) AS rm_id,
        CASE WHEN d.currency = 'CNY' THEN 1 ELSE (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = d.currency AND f.date <= d.day ORDER BY f.date DESC LIMIT 1) END AS rate
      FROM d JOIN accounts a ON a.account_id = d.account_id JOIN customers cu ON cu.customer_id = a.customer_id
    )
    SELECT rm_id, CASE WHEN rm_id IS NULL THEN branch END AS branch, sum(n) AS n, sum(counter) AS counter, sum(self_service) AS self_service, sum(e_banking) AS e_banking,
      sum(CASE WHEN rate = 1 THEN fee ELSE round(fee * rate) END) AS fee_fen
    FROM r GROUP BY 1, 2`).all({ from: w.from, to: w.to }) as { rm_id: string | null; branch: string | null; n: number; counter: number; self_service: number; e_banking: number; fee_fen: number }[];
  for (const t of txns) {
    const m = get(t.rm_id, t.branch);
    m.fee_income += t.fee_fen;
    m.txn_count += t.n;
    m.channel_cost += t.counter * pricing.channel_cost_fen.counter + t.self_service * pricing.channel_cost_fen.self_service + t.e_banking * pricing.channel_cost_fen.e_banking;
  }

  // Loan and NPL balance on the last day, credited to the account's RM that day.
  const last = db.prepare(`
    WITH last AS (
      SELECT b.account_id, b.balance, b.rm_id, b.loan_class, b.source, max(b.as_of) AS as_of
      FROM balances b JOIN accounts a ON a.account_id = b.account_id
      WHERE b.as_of <= :day AND a.product_type IN ('loan', 'credit_card') GROUP BY b.account_id
    ),
    x AS (
      SELECT coalesce(l.rm_id, ${RM_ON_DAY('a.customer_id', ':day')}) AS rm_id, cu.branch, a.currency, l.balance, l.loan_class,
        CASE WHEN a.currency = 'CNY' THEN 1 ELSE (SELECT cny_per_unit FROM fx_rates f WHERE f.currency = a.currency AND f.date <= :day ORDER BY f.date DESC LIMIT 1) END AS rate
      FROM last l JOIN accounts a ON a.account_id = l.account_id JOIN customers cu ON cu.customer_id = a.customer_id
      WHERE l.source != 'C'
    )
    SELECT rm_id, CASE WHEN rm_id IS NULL THEN branch END AS branch,
      sum(CASE WHEN rate = 1 THEN balance ELSE round(balance * rate) END) AS loans,
      sum(CASE WHEN loan_class IN ('substandard', 'doubtful', 'loss') THEN (CASE WHEN rate = 1 THEN balance ELSE round(balance * rate) END) ELSE 0 END) AS npl,
      max(CASE WHEN rate IS NULL THEN currency END) AS no_rate
    FROM x GROUP BY 1, 2`).all({ day: w.to }) as { rm_id: string | null; branch: string | null; loans: number; npl: number; no_rate: string | null }[];
  for (const l of last) {
    if (l.no_rate) throw new DataError(`no exchange rate for ${l.no_rate} on or before ${w.to}: import fx_rates.csv with ${l.no_rate}`);
    const m = get(l.rm_id, l.branch);
    m.loan_balance += l.loans;
    m.npl_balance += l.npl;
  }

  // Customers whose RM is this RM on the last day; new ones opened within the window.
  const cust = db.prepare(`
    SELECT rm_id, CASE WHEN rm_id IS NULL THEN branch END AS branch, count(*) AS customers,
      sum(CASE WHEN opened_on >= :from AND opened_on <= :to THEN 1 ELSE 0 END) AS new_customers
    FROM (SELECT c.branch, c.opened_on, ${RM_ON_DAY('c.customer_id', ':to')} AS rm_id
          FROM customers c WHERE c.opened_on IS NULL OR c.opened_on <= :to)
    GROUP BY 1, 2`).all({ from: w.from, to: w.to }) as { rm_id: string | null; branch: string | null; customers: number; new_customers: number }[];
  for (const c of cust) {
    const m = get(c.rm_id, c.branch);
    m.customers += c.customers;
    m.new_customers += c.new_customers;
  }

  for (const m of out.values()) m.contribution = m.net_interest + m.fee_income - m.channel_cost - m.risk_cost;
  return out;
}
