/**
 * Per-customer value over a window (metrics.md "Customer value"): AUM, deposit and loan
 * ADB, contribution (risk-adjusted profit), fee income and transactions by channel.
 * The heavy lifting is SQL in engine.ts; this combines it per customer.
 */
import type { Db } from '../db/connection.js';
import { customerDirectory } from '../db/segment-queries.js';
import type { CustomerType } from '../types.js';
import { customerBalances, customerTxns, foreignAccountSlices, type AccountSlice, type CustomerTxns, type Window } from './engine.js';
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


/** What the report thread computes for customerValues: transactions and foreign-currency balances. */
export function customerExtras(db: Db, w: Window, activityFrom?: string): { txns: CustomerTxns; foreign: AccountSlice[] } {
  return { txns: customerTxns(db, w.from, w.to, activityFrom), foreign: foreignAccountSlices(db, w) };
}

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
  // The transaction sums and the foreign-currency balances run on a second core while this
  // thread sums the CNY balances.
  const extras = startOnWorker(db, { job: 'customerExtras', window: w, activityFrom }, () => customerExtras(db, w, activityFrom));
  // All customers in customer_id order with their RM on the window's last day, in one query.
  const info = customerDirectory(db, w.to);
  const slot = new Map<string, number>();
  info.forEach((c, i) => slot.set(c.customer_id, i));
  const bal = customerBalances(db, w, pricing, () => extras().foreign);
  const values: (CustomerValue | undefined)[] = new Array(info.length);
  const get = (id: string): CustomerValue => {
    const i = slot.get(id)!;
    let v = values[i];
    if (!v) {
      const c = info[i];
      // A literal with every field (not a spread of the row): V8 keeps it a fast object.
      v = { customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, branch: c.branch, rm_id: c.rm_id, aum_adb: 0, deposit_adb: 0, loan_adb: 0, net_interest: 0, fee_income: 0, channel_cost: 0, risk_cost: 0, contribution: 0, txn_count: 0, txn_counter: 0, txn_self_service: 0, txn_e_banking: 0, last_txn_day: null };
      values[i] = v;
    }
    return v;
  };
  // Balance categories are summed in exact integer fen-days and divided by D once per customer,
  // so that an ADB of exactly 100,000.00 CNY is exactly 10,000,000 fen (tier bounds are inclusive).
  for (let i = 0; i < bal.customer_id.length; i++) {
    const v = get(bal.customer_id[i]);
    v.aum_adb = bal.aum_fd[i] / w.days;
    v.deposit_adb = bal.deposit_fd[i] / w.days;
    v.loan_adb = bal.loan_fd[i] / w.days;
    // NII = ADB × spread × D/365 = fen-days × spread / 365; risk cost = ADB × rate × D/365.
    v.net_interest = bal.spread_fd[i] / 365;
    v.risk_cost = (bal.risk_fd[i] / w.days) * f;
  }
  const lastActive = new Map<string, string>();
  const t = extras().txns;
  for (let i = 0; i < t.customer_id.length; i++) {
    const id = t.customer_id[i];
    if (t.last_active_day[i]) lastActive.set(id, t.last_active_day[i]!);
    if (t.count[i] === 0) continue; // active only before the window
    const v = get(id);
    v.fee_income += t.fee_fen[i];
    v.txn_count += t.count[i];
    v.txn_counter += t.counter[i];
    v.txn_self_service += t.self_service[i];
    v.txn_e_banking += t.e_banking[i];
    v.channel_cost += t.counter[i] * pricing.channel_cost_fen.counter + t.self_service[i] * pricing.channel_cost_fen.self_service + t.e_banking[i] * pricing.channel_cost_fen.e_banking;
  }
  // In the directory's order (customer_id): no sort needed.
  const out: CustomerValue[] = [];
  for (const v of values) {
    if (!v) continue;
    v.contribution = v.net_interest + v.fee_income - v.channel_cost - v.risk_cost;
    if (activityFrom !== undefined) v.last_txn_day = lastActive.get(v.customer_id) ?? null;
    out.push(v);
  }
  return out;
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
  const t = customerTxns(db, from, to);
  for (let i = 0; i < t.customer_id.length; i++) {
    out.set(t.customer_id[i], { customer_id: t.customer_id[i], last_day: t.last_day[i], count: t.count[i], abs_amount_fen: t.abs_amount_fen[i] });
  }
  return out;
}
