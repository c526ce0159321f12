/**
 * Per-tier summary of per-customer figures (money in fen, unrounded).
 * Shares are within the table (the whole population, or one group when grouping).
 */
import type { CustomerType } from '../types.js';
import { DataError } from '../errors.js';

export const UNASSIGNED = '(unassigned)';
export const TOTAL = 'total';

export interface CustomerRow {
  customer_id: string;
  customer_type: CustomerType;
  branch: string | null;
  rm_id: string | null;
  tier: string;
  aum_adb: number;
  deposit_adb: number;
  loan_adb: number;
  contribution: number;
  fee_income: number;
  txn_counter: number;
  txn_self_service: number;
  txn_e_banking: number;
  dormant: boolean;
}

export interface TierSummaryRow {
  /** Tier code, or 'total'. */
  tier: string;
  customers: number;
  /** customers ÷ table customers; null when the table has none. */
  customer_share: number | null;
  aum_adb: number;
  /** aum_adb ÷ table AUM; null when the table's AUM is 0. */
  aum_share: number | null;
  /** aum_adb ÷ customers; null with no customers. */
  aum_avg: number | null;
  deposit_adb: number;
  loan_adb: number;
  contribution: number;
  /** contribution ÷ table contribution; null when the table's contribution is ≤ 0 (a share of a negative total is meaningless). */
  contribution_share: number | null;
  contribution_avg: number | null;
  fee_income: number;
  txn_counter: number;
  txn_self_service: number;
  txn_e_banking: number;
  dormant: number;
}

export interface SummaryTable {
  /** Group key value (branch or rm_id; `(unassigned)` when empty), or null without grouping. */
  group: string | null;
  /** One row per tier in the given order (tiers with no customer included, with zeros). */
  rows: TierSummaryRow[];
  total: TierSummaryRow;
}

export interface SummaryOptions {
  /** Tier codes in reporting order (e.g. personal ladder low → high, then corporate low → high). */
  tiers: readonly string[];
  groupBy?: 'branch' | 'rm_id';
}

type Sums = Omit<TierSummaryRow, 'tier' | 'customer_share' | 'aum_share' | 'aum_avg' | 'contribution_share' | 'contribution_avg'>;

function emptySums(): Sums {
  return {
    customers: 0, aum_adb: 0, deposit_adb: 0, loan_adb: 0, contribution: 0, fee_income: 0,
    txn_counter: 0, txn_self_service: 0, txn_e_banking: 0, dormant: 0,
  };
}

function add(s: Sums, r: CustomerRow): void {
  s.customers += 1;
  s.aum_adb += r.aum_adb;
  s.deposit_adb += r.deposit_adb;
  s.loan_adb += r.loan_adb;
  s.contribution += r.contribution;
  s.fee_income += r.fee_income;
  s.txn_counter += r.txn_counter;
  s.txn_self_service += r.txn_self_service;
  s.txn_e_banking += r.txn_e_banking;
  if (r.dormant) s.dormant += 1;
}

function finish(tier: string, s: Sums, t: Sums): TierSummaryRow {
  return {
    tier,
    ...s,
    customer_share: t.customers > 0 ? s.customers / t.customers : null,
    aum_share: t.aum_adb !== 0 ? s.aum_adb / t.aum_adb : null,
    aum_avg: s.customers > 0 ? s.aum_adb / s.customers : null,
    contribution_share: t.contribution > 0 ? s.contribution / t.contribution : null,
    contribution_avg: s.customers > 0 ? s.contribution / s.customers : null,
  };
}

function table(group: string | null, rows: readonly CustomerRow[], tiers: readonly string[]): SummaryTable {
  const per = new Map<string, Sums>(tiers.map((t) => [t, emptySums()]));
  const tot = emptySums();
  for (const r of rows) {
    const s = per.get(r.tier);
    if (!s) throw new DataError(`summary: customer ${r.customer_id} has tier "${r.tier}", not in ${tiers.join(', ')}`);
    add(s, r);
    add(tot, r);
  }
  return {
    group,
    rows: tiers.map((t) => finish(t, per.get(t) as Sums, tot)),
    total: finish(TOTAL, tot, tot),
  };
}

/**
 * Summaries per tier: one table without groupBy, else one per distinct branch / rm_id
 * (sorted by key, `(unassigned)` last for missing values), each with its own total row.
 */
export function summarize(rows: readonly CustomerRow[], opts: SummaryOptions): SummaryTable[] {
  if (new Set(opts.tiers).size !== opts.tiers.length) throw new DataError('summary: a tier code is listed twice');
  if (!opts.groupBy) return [table(null, rows, opts.tiers)];
  const key = opts.groupBy;
  const groups = new Map<string, CustomerRow[]>();
  for (const r of rows) {
    const v = r[key];
    const g = v === null || v === undefined || v === '' ? UNASSIGNED : v;
    const list = groups.get(g);
    if (list) list.push(r);
    else groups.set(g, [r]);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    if (a === UNASSIGNED) return b === UNASSIGNED ? 0 : 1;
    if (b === UNASSIGNED) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return keys.map((k) => table(k, groups.get(k) as CustomerRow[], opts.tiers));
}

/** Days in the dormancy window: the 365 days ending on as-of, both inclusive (as-of − 364 … as-of). */
export const DORMANT_WINDOW_DAYS = 365;

/**
 * Dormant (睡眠户): no transaction in the 365 days ending on as-of and AUM ADB below the floor.
 * daysSinceLastTxn = as-of − date of last transaction (null = never); a last transaction
 * 365 or more days before as-of is outside the window.
 */
export function isDormant(daysSinceLastTxn: number | null, aumAdbFen: number, floorFen: number): boolean {
  const noRecentTxn = daysSinceLastTxn === null || daysSinceLastTxn >= DORMANT_WINDOW_DAYS;
  return noRecentTxn && aumAdbFen < floorFen;
}
