/**
 * Per-tier summary of per-customer figures (money in fen, unrounded).
 * Shares are within the table (the whole population, or one group when grouping).
 */
import type { CustomerType } from '../types.js';
import { DataError } from '../errors.js';
import { FenDaysSums, fenDaysOf } from '../metrics/adb.js';

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
  /** The window days of the ADBs: summed exactly (SummaryColumns.days). */
  days?: number;
}

/** The figures a summary adds up, each indexed by position (a customer directory's, or a list's). */
export type SummaryFigure = 'aum_adb' | 'deposit_adb' | 'loan_adb' | 'contribution' | 'fee_income' | 'txn_counter' | 'txn_self_service' | 'txn_e_banking';
const FIGURES: readonly SummaryFigure[] = ['aum_adb', 'deposit_adb', 'loan_adb', 'contribution', 'fee_income', 'txn_counter', 'txn_self_service', 'txn_e_banking'];
/** FIGURES' ADBs (the first three). */
const ADB_FIGURES = 3;
export type SummaryColumns = Record<SummaryFigure, ArrayLike<number>> & {
  /** 1 = dormant. */
  dormant: ArrayLike<number>;
  /**
   * The days of the window the ADB figures average over: each is then added as its fen-days and
   * the sums divided once, exactly (metrics/adb.ts). Without it they are added as they are.
   */
  days?: number;
};

/** Groups of a columnar summary: per position its group's index into `keys`; keys in reporting order. */
export interface SummaryGroups {
  of: ArrayLike<number>;
  keys: readonly string[];
}

// Per group and slot (each tier, then the total): customers, the figures, dormant.
const SLOT = FIGURES.length + 2;

function finish(tier: string, sums: Float64Array, at: number, tot: number, adb: (at: number) => number): TierSummaryRow {
  const customers = sums[at];
  const contribution = sums[at + 4];
  const row = { tier, customers } as TierSummaryRow;
  FIGURES.forEach((f, j) => { row[f] = j < ADB_FIGURES ? adb(at + 1 + j) : sums[at + 1 + j]; });
  row.dormant = sums[at + SLOT - 1];
  const totalAum = adb(tot + 1);
  row.customer_share = sums[tot] > 0 ? customers / sums[tot] : null;
  row.aum_share = totalAum !== 0 ? row.aum_adb / totalAum : null;
  row.aum_avg = customers > 0 ? row.aum_adb / customers : null;
  row.contribution_share = sums[tot + 4] > 0 ? contribution / sums[tot + 4] : null;
  row.contribution_avg = customers > 0 ? contribution / customers : null;
  return row;
}

/**
 * Summaries per tier, columnar: `members` are positions into `cols` (and `groups.of`), `tier`
 * each member's index into `tiers`. One pass over the members adds every group's tier and total
 * sums in member order. Without groups one table; with them one per group that has a member, in
 * the order of groups.keys.
 */
export function summarizeColumns(members: ArrayLike<number>, tier: ArrayLike<number>, cols: SummaryColumns, tiers: readonly string[], groups?: SummaryGroups): SummaryTable[] {
  const nt = tiers.length;
  const ng = groups ? groups.keys.length : 1;
  const per = (nt + 1) * SLOT;
  const sums = new Float64Array(ng * per);
  const figures = FIGURES.map((f) => cols[f]);
  // With the ADBs' days: their fen-days in exact sums (FenDaysSums), else the ADBs as they are.
  const exact = cols.days === undefined ? undefined : { sums: new FenDaysSums(ng * per), days: cols.days };
  const adb = exact ? (at: number) => exact.sums.adb(at, exact.days) : (at: number) => sums[at];
  const add = (at: number, i: number) => {
    sums[at] += 1;
    if (exact) for (let j = 0; j < ADB_FIGURES; j++) exact.sums.add(at + 1 + j, fenDaysOf(figures[j][i], exact.days));
    else for (let j = 0; j < ADB_FIGURES; j++) sums[at + 1 + j] += figures[j][i];
    for (let j = ADB_FIGURES; j < figures.length; j++) sums[at + 1 + j] += figures[j][i];
    if (cols.dormant[i]) sums[at + SLOT - 1] += 1;
  };
  for (let k = 0; k < members.length; k++) {
    const i = members[k];
    const g = groups ? groups.of[i] * per : 0;
    add(g + tier[k] * SLOT, i);
    add(g + nt * SLOT, i);
  }
  const out: SummaryTable[] = [];
  for (let g = 0; g < ng; g++) {
    const tot = g * per + nt * SLOT;
    if (groups && sums[tot] === 0) continue;
    out.push({
      group: groups ? groups.keys[g] : null,
      rows: tiers.map((t, ti) => finish(t, sums, g * per + ti * SLOT, tot, adb)),
      total: finish(TOTAL, sums, tot, tot, adb),
    });
  }
  return out;
}

/** The group key of a branch or RM: `(unassigned)` for none. */
export const groupKey = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? UNASSIGNED : v);

/** Group keys in reporting order: sorted, `(unassigned)` last. */
export function sortGroupKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => {
    if (a === UNASSIGNED) return b === UNASSIGNED ? 0 : 1;
    if (b === UNASSIGNED) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * Summaries per tier: one table without groupBy, else one per distinct branch / rm_id
 * (sorted by key, `(unassigned)` last for missing values), each with its own total row.
 */
export function summarize(rows: readonly CustomerRow[], opts: SummaryOptions): SummaryTable[] {
  if (new Set(opts.tiers).size !== opts.tiers.length) throw new DataError('summary: a tier code is listed twice');
  const index = new Map(opts.tiers.map((t, i) => [t, i]));
  const tier = rows.map((r) => {
    const ti = index.get(r.tier);
    if (ti === undefined) throw new DataError(`summary: customer ${r.customer_id} has tier "${r.tier}", not in ${opts.tiers.join(', ')}`);
    return ti;
  });
  const cols = { dormant: rows.map((r) => (r.dormant ? 1 : 0)), days: opts.days } as Record<string, unknown>;
  for (const f of FIGURES) cols[f] = rows.map((r) => r[f]);
  const members = rows.map((_, i) => i);
  const key = opts.groupBy;
  if (!key) return summarizeColumns(members, tier, cols as SummaryColumns, opts.tiers);
  const keys = sortGroupKeys(rows.map((r) => groupKey(r[key])));
  const at = new Map(keys.map((k, g) => [k, g]));
  return summarizeColumns(members, tier, cols as SummaryColumns, opts.tiers, { of: rows.map((r) => at.get(groupKey(r[key])) as number), keys });
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
