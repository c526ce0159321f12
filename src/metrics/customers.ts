/**
 * Per-customer value over a window (metrics.md "Customer value"): AUM, deposit and loan
 * ADB, contribution (risk-adjusted profit), fee income and transactions by channel.
 * The heavy lifting is SQL in engine.ts; this combines it per customer.
 */
import type { Db } from '../db/connection.js';
import { customerDirectory } from '../db/segment-queries.js';
import type { CustomerType } from '../types.js';
import { dayNum } from '../db/balances.js';
import { queryColumns, type TextColumn } from '../db/columns.js';
import { customerBalances, customerTxnSums, foreignAccountSlices, isoFromNum, missingRate, txnParts, txnRowsSql, type AccountSlice, type Window } from './engine.js';
import { startOnWorker } from './parallel.js';
import { positionsIn, positionsOf } from './positions.js';
import { DataError } from '../errors.js';
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
  /** With activityFrom: the last customer-initiated posting day from activityFrom to the window's end. */
  last_txn_day?: string | null;
}

/** A customer the sums name but the directory does not hold (accounts of an unknown customer). */
const notInDirectory = (id: string) => new DataError(`customer ${id} holds accounts but is not in the customers table`);

/**
 * A window's transaction sums per customer, by position in the customer directory (customer_id
 * order), as typed arrays: they cross from the report thread in one copy each, and need no
 * lookup by id on arrival.
 */
export interface TxnsByPosition {
  /** How many customers the directory held: the positions refer to that list. */
  customers: number;
  pos: Int32Array;
  count: Float64Array;
  counter: Float64Array;
  self_service: Float64Array;
  e_banking: Float64Array;
  fee_fen: Float64Array;
  /** Last customer-initiated posting day since activityFrom, as a day number; -1 for none. */
  last_active: Int32Array;
}

function txnsByPosition(db: Db, w: Window, activityFrom?: string): TxnsByPosition {
  const t = customerTxnSums(db, w.from, w.to, activityFrom);
  const ids = queryColumns<{ customer_id: string[] }>(db, 'SELECT customer_id FROM customers ORDER BY customer_id').customer_id;
  const at = positionsIn(ids);
  const n = t.customer_id.length;
  const pos = new Int32Array(n);
  const lastActive = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    pos[k] = at(t.customer_id[k]);
    if (pos[k] < 0) throw notInDirectory(t.customer_id[k]);
    lastActive[k] = t.last_active_day[k] ? dayNum(t.last_active_day[k]!) : -1;
  }
  return {
    customers: ids.length, pos, last_active: lastActive,
    count: Float64Array.from(t.count), counter: Float64Array.from(t.counter), self_service: Float64Array.from(t.self_service),
    e_banking: Float64Array.from(t.e_banking), fee_fen: Float64Array.from(t.fee_fen),
  };
}

/** What the report thread computes for customerValues: transactions and foreign-currency balances. */
export function customerExtras(db: Db, w: Window, activityFrom?: string): { txns: TxnsByPosition; foreign: AccountSlice[] } {
  return { txns: txnsByPosition(db, w, activityFrom), foreign: foreignAccountSlices(db, w) };
}

/** Per database: the last results by window, pricing and activity start (one report asks several times). */
const memo = new WeakMap<Db, Map<string, CustomerValue[]>>();

/**
 * Value of every customer that held a balance or made a transaction in the window. `full`
 * false: name '', branch and rm_id null (customerDirectory), for reports that neither show nor
 * group by them.
 */
export function customerValues(db: Db, w: Window, pricing: Pricing, activityFrom?: string, full = true): CustomerValue[] {
  // Any write by this connection (total_changes) or another one (data_version) invalidates.
  const version = db.prepare('SELECT total_changes()').pluck().get() as number;
  const dataVersion = db.pragma('data_version', { simple: true }) as number;
  const key = JSON.stringify([w.from, w.to, pricing, activityFrom ?? null, full, version, dataVersion]);
  let perDb = memo.get(db);
  if (!perDb) memo.set(db, (perDb = new Map()));
  const hit = perDb.get(key);
  if (hit && !db.inTransaction) return hit;
  const values = computeCustomerValues(db, w, pricing, activityFrom, full);
  if (perDb.size > 4) perDb.clear();
  if (!db.inTransaction) perDb.set(key, values);
  return values;
}

/** Drops this database's remembered results: for a caller that will not ask again and needs the memory. */
export function forgetCustomerValues(db: Db): void {
  memo.delete(db);
}

function computeCustomerValues(db: Db, w: Window, pricing: Pricing, activityFrom: string | undefined, full: boolean): CustomerValue[] {
  const f = w.days / 365;
  // The transaction sums and the foreign-currency balances run on a second core while this
  // thread sums the CNY balances.
  const extras = startOnWorker(db, { job: 'customerExtras', window: w, activityFrom }, () => customerExtras(db, w, activityFrom));
  // All customers in customer_id order with their RM on the window's last day, in one query.
  const info = customerDirectory(db, w.to, full);
  const ids = info.map((c) => c.customer_id);
  const bal = customerBalances(db, w, pricing, () => extras().foreign);
  // Sums per directory position in typed arrays; the objects are made once, at the end, with
  // their final values (objects filled field by field after creation cost more than the sums).
  const n = info.length;
  const seen = new Uint8Array(n);
  const aum = new Float64Array(n);
  const deposit = new Float64Array(n);
  const loan = new Float64Array(n);
  const nii = new Float64Array(n);
  const risk = new Float64Array(n);
  const fee = new Float64Array(n);
  const count = new Float64Array(n);
  const counter = new Float64Array(n);
  const selfService = new Float64Array(n);
  const eBanking = new Float64Array(n);
  const channel = new Float64Array(n);
  const lastDay: (string | null)[] = new Array(n).fill(null);
  const known = (i: number, id: string): number => {
    if (i < 0) throw notInDirectory(id);
    return i;
  };
  // Balance categories are summed in exact integer fen-days and divided by D once per customer,
  // so that an ADB of exactly 100,000.00 CNY is exactly 10,000,000 fen (tier bounds are inclusive).
  const balAt = positionsIn(ids);
  for (let k = 0; k < bal.customer_id.length; k++) {
    const i = known(balAt(bal.customer_id[k]), bal.customer_id[k]);
    seen[i] = 1;
    aum[i] = bal.aum_fd[k] / w.days;
    deposit[i] = bal.deposit_fd[k] / w.days;
    loan[i] = bal.loan_fd[k] / w.days;
    // NII = ADB × spread × D/365 = fen-days × spread / 365; risk cost = ADB × rate × D/365.
    nii[i] = bal.spread_fd[k] / 365;
    risk[i] = (bal.risk_fd[k] / w.days) * f;
  }
  // Positions into another connection's directory: valid while no customer was added meanwhile.
  let t = extras().txns;
  if (t.customers !== n) t = txnsByPosition(db, w, activityFrom);
  const cost = pricing.channel_cost_fen;
  const isoOf = new Map<number, string>();
  for (let k = 0; k < t.pos.length; k++) {
    const i = t.pos[k];
    if (activityFrom !== undefined && t.last_active[k] >= 0) {
      const d = t.last_active[k];
      let iso = isoOf.get(d);
      if (iso === undefined) isoOf.set(d, (iso = isoFromNum(d)));
      lastDay[i] = iso;
    }
    // Count 0: active only before the window (it only tells the last posting day).
    if (t.count[k] === 0) continue;
    seen[i] = 1;
    fee[i] += t.fee_fen[k];
    count[i] += t.count[k];
    counter[i] += t.counter[k];
    selfService[i] += t.self_service[k];
    eBanking[i] += t.e_banking[k];
    channel[i] += t.counter[k] * cost.counter + t.self_service[k] * cost.self_service + t.e_banking[k] * cost.e_banking;
  }
  // In the directory's order (customer_id): no sort needed.
  const out: CustomerValue[] = [];
  for (let i = 0; i < n; i++) {
    if (!seen[i]) continue;
    const c = info[i];
    out.push({
      customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, branch: c.branch, rm_id: c.rm_id,
      aum_adb: aum[i], deposit_adb: deposit[i], loan_adb: loan[i], net_interest: nii[i], fee_income: fee[i],
      channel_cost: channel[i], risk_cost: risk[i], contribution: nii[i] + fee[i] - channel[i] - risk[i],
      txn_count: count[i], txn_counter: counter[i], txn_self_service: selfService[i], txn_e_banking: eBanking[i],
      last_txn_day: lastDay[i],
    });
  }
  return out;
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

export function recency(db: Db, from: string, to: string, ids: readonly string[]): RecencyColumns {
  // Only the four sums RFM needs, over the same transaction rows as customerTxns.
  const t = queryColumns<{ customer_id: TextColumn; count: (number | null)[]; abs_fen: (number | null)[]; last_day: (string | null)[]; no_rate: (string | null)[] }>(db, `
    WITH t AS (${txnRowsSql(txnParts(db, from, to))})
    SELECT t.customer_id, sum(t.n_cust) AS count, sum(t.abs_cust_fen) AS abs_fen, max(t.last_cust_in) AS last_day, max(t.no_rate) AS no_rate
    FROM t GROUP BY t.customer_id`, { from, to }, ['customer_id']);
  const noRate = t.no_rate.find((x) => x !== null);
  if (noRate) throw missingRate(noRate, "a transaction's posting date");
  const n = ids.length;
  const out: RecencyColumns = { present: new Uint8Array(n), last_day: new Int32Array(n).fill(-1), count: new Float64Array(n), abs_amount_fen: new Float64Array(n) };
  const at = positionsOf(ids, t.customer_id);
  // Day numbers per distinct last day (a few hundred of them, not a million).
  const dayOf = new Map<string, number>();
  for (let k = 0; k < at.length; k++) {
    const i = at[k];
    if (i < 0) continue;
    out.present[i] = 1;
    out.count[i] = t.count[k] ?? 0;
    out.abs_amount_fen[i] = t.abs_fen[k] ?? 0;
    const day = t.last_day[k];
    if (day === null) continue;
    let d = dayOf.get(day);
    if (d === undefined) dayOf.set(day, (d = dayNum(day)));
    out.last_day[i] = d;
  }
  return out;
}
