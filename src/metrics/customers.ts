/**
 * Per-customer value over a window (metrics.md "Customer value"): AUM, deposit and loan
 * ADB, contribution (risk-adjusted profit), fee income and transactions by channel.
 * The heavy lifting is SQL in engine.ts; this combines it per customer.
 */
import type { Db } from '../db/connection.js';
import { customerDirectory } from '../db/segment-queries.js';
import { AUM_PRODUCTS, DEPOSIT_PRODUCTS, LOAN_PRODUCTS, type CustomerType, type ProductType } from '../types.js';
import { accountSlices, accountStatesOn, txnAggregates, type Window } from './engine.js';
import { startOnWorker } from './parallel.js';
import type { Pricing } from './pricing.js';

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
  /** With activityFrom: the last posting day from activityFrom to the window's end. */
  last_txn_day?: string | null;
}

const isIn = (list: ProductType[]) => { const s = new Set<string>(list); return (p: string) => s.has(p); };
export const isDeposit = isIn(DEPOSIT_PRODUCTS);
export const isAum = isIn(AUM_PRODUCTS);
export const isLoan = isIn(LOAN_PRODUCTS);

/** Value of every customer that held a balance or made a transaction in the window. */
/** Per database: the last results by window, pricing and activity start (one report asks several times). */
const memo = new WeakMap<Db, Map<string, CustomerValue[]>>();

export function customerValues(db: Db, w: Window, pricing: Pricing, activityFrom?: string): CustomerValue[] {
  // Any write by this connection (total_changes) or another one (data_version) invalidates.
  const version = db.prepare('SELECT total_changes()').pluck().get() as number;
  const dataVersion = db.pragma('data_version', { simple: true }) as number;
  const key = JSON.stringify([w.from, w.to, pricing, activityFrom ?? null, version, dataVersion]);
  let perDb = memo.get(db);
  if (!perDb) memo.set(db, (perDb = new Map()));
  const hit = perDb.get(key);
  if (hit && !db.inTransaction) return hit;
  const values = computeCustomerValues(db, w, pricing, activityFrom);
  if (perDb.size > 4) perDb.clear();
  if (!db.inTransaction) perDb.set(key, values);
  return values;
}

function computeCustomerValues(db: Db, w: Window, pricing: Pricing, activityFrom?: string): CustomerValue[] {
  const f = w.days / 365;
  // The transaction sums run on a second core while this thread sums the balances.
  const txns = startOnWorker(db, { job: 'txnAggregates', from: w.from, to: w.to, activityFrom }, () => txnAggregates(db, w.from, w.to, activityFrom));
  const slices = accountSlices(db, w, false);
  const classOnLast = new Map(accountStatesOn(db, w.to, true).map((s) => [s.account_id, s.loan_class]));
  const byCustomer = new Map<string, CustomerValue>();
  // All customers with their RM on the window's last day, in one query.
  const info = customerDirectory(db, w.to);
  const get = (id: string): CustomerValue => {
    let v = byCustomer.get(id);
    if (!v) {
      const c = info.get(id)!;
      // A literal with every field (not a spread of the row): V8 keeps it a fast object, which
      // matters in the loops below (a spread of a SQLite row object is ~10× slower to update).
      v = { customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, branch: c.branch, rm_id: c.rm_id, aum_adb: 0, deposit_adb: 0, loan_adb: 0, net_interest: 0, fee_income: 0, channel_cost: 0, risk_cost: 0, contribution: 0, txn_count: 0, txn_counter: 0, txn_self_service: 0, txn_e_banking: 0, last_txn_day: null };
      byCustomer.set(id, v);
    }
    return v;
  };
  // Balance categories are summed in exact integer fen-days and divided by D once per customer,
  // so that an ADB of exactly 100,000.00 CNY is exactly 10,000,000 fen (tier bounds are inclusive).
  const lastActive = new Map<string, string>();
  const fenDays = new Map<CustomerValue, { aum: number; deposit: number; loan: number }>();
  for (const s of slices) {
    const v = get(s.customer_id);
    let fd = fenDays.get(v);
    if (!fd) { fd = { aum: 0, deposit: 0, loan: 0 }; fenDays.set(v, fd); }
    if (isAum(s.product_type)) fd.aum += s.fen_days;
    if (isDeposit(s.product_type)) fd.deposit += s.fen_days;
    // NII = ADB × spread × D/365 = fen-days × spread / 365.
    v.net_interest += (s.fen_days * pricing.spreads[s.product_type]) / 365;
    if (isLoan(s.product_type)) {
      fd.loan += s.fen_days;
      const cls = (classOnLast.get(s.account_id) ?? 'normal') as keyof Pricing['risk_rates'];
      v.risk_cost += (s.fen_days / w.days) * (pricing.risk_rates[cls] ?? pricing.risk_rates.normal) * f;
    }
  }
  for (const [v, fd] of fenDays) {
    v.aum_adb = fd.aum / w.days;
    v.deposit_adb = fd.deposit / w.days;
    v.loan_adb = fd.loan / w.days;
  }
  for (const t of txns()) {
    if (t.last_active_day) {
      const prev = lastActive.get(t.customer_id);
      if (!prev || t.last_active_day > prev) lastActive.set(t.customer_id, t.last_active_day);
    }
    if (t.count === 0) continue; // active only before the window
    const v = get(t.customer_id);
    v.fee_income += t.fee_fen;
    v.txn_count += t.count;
    v.txn_counter += t.counter;
    v.txn_self_service += t.self_service;
    v.txn_e_banking += t.e_banking;
    v.channel_cost += t.counter * pricing.channel_cost_fen.counter + t.self_service * pricing.channel_cost_fen.self_service + t.e_banking * pricing.channel_cost_fen.e_banking;
  }
  for (const v of byCustomer.values()) {
    v.contribution = v.net_interest + v.fee_income - v.channel_cost - v.risk_cost;
    if (activityFrom !== undefined) v.last_txn_day = lastActive.get(v.customer_id) ?? null;
  }
  return [...byCustomer.values()].sort((a, b) => (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0));
}

/** RFM inputs over the 365 days ending on `asOf`: last transaction, count, Σ|amount|. */
export interface RecencyRow {
  customer_id: string;
  last_day: string | null;
  count: number;
  abs_amount_fen: number;
}

export function recency(db: Db, from: string, to: string): Map<string, RecencyRow> {
  const out = new Map<string, RecencyRow>();
  for (const t of txnAggregates(db, from, to)) {
    const r = out.get(t.customer_id) ?? { customer_id: t.customer_id, last_day: null, count: 0, abs_amount_fen: 0 };
    r.count += t.count;
    r.abs_amount_fen += t.abs_amount_fen;
    if (t.last_day && (!r.last_day || t.last_day > r.last_day)) r.last_day = t.last_day;
    out.set(t.customer_id, r);
  }
  return out;
}
