/**
 * `crm segment` report data: composes the metrics engine (ADB, contribution, transactions, all
 * aggregated in SQL) with the pure segment domain (tiers, summary, concentration, migration, RFM).
 * No formatting here: money stays in fen, shares are fractions; src/cli/segment.ts renders.
 */
import type { Db } from '../db/connection.js';
import { addDays, dataDatesIn, daysBetween, latestDataDate, resolveWindow, type DataDates, type Window } from '../metrics/engine.js';
import { customerValues, type CustomerValue } from '../metrics/customers.js';
import { DEFAULT_PRICING, type Pricing } from '../metrics/pricing.js';
import type { CustomerType } from '../types.js';
import { concentration, type Concentration } from './concentration.js';
import { migrate, type MigrationResult } from './migration.js';
import { DORMANT_WINDOW_DAYS, isDormant, summarize, type CustomerRow, type SummaryTable } from './summary.js';
import { tierOf, CUSTOMER_TYPES, DEFAULT_TIERS, tierCodes, type Ladder, type TierMeasure, type TiersConfig } from './tiers.js';

export const DEFAULT_WINDOW_DAYS = 90;
export const RFM_WINDOW_DAYS = 365;
/** Default dormancy floor: AUM ADB below 1,000.00 CNY. */
export const DEFAULT_DORMANT_FLOOR_FEN = 1_000_00;

export interface SegmentParams {
  /** Default: the latest data date. */
  asOf?: string;
  /** Tier window length in days (default 90), ending on as-of, clipped to the data. */
  windowDays?: number;
  /** Default: both, personal first. */
  types?: readonly CustomerType[];
  tiers?: TiersConfig;
  pricing?: Pricing;
  dormantFloorFen?: number;
}

interface Resolved {
  asOf: string;
  windowDays: number;
  types: CustomerType[];
  tiers: TiersConfig;
  pricing: Pricing;
  dormantFloorFen: number;
}

function resolve(db: Db, p: SegmentParams): Resolved {
  return {
    asOf: p.asOf ?? latestDataDate(db),
    windowDays: p.windowDays ?? DEFAULT_WINDOW_DAYS,
    types: [...(p.types ?? CUSTOMER_TYPES)],
    tiers: p.tiers ?? (DEFAULT_TIERS as TiersConfig),
    pricing: p.pricing ?? (DEFAULT_PRICING as Pricing),
    dormantFloorFen: p.dormantFloorFen ?? DEFAULT_DORMANT_FLOOR_FEN,
  };
}

/** The period a report covers and the data it actually used. */
export interface Period {
  as_of: string;
  window: Window;
  data: DataDates;
  /** The 365 days ending on as-of (dormancy, RFM). */
  activity_window: { from: string; to: string; days: number };
  dormant_floor_fen: number;
}

/** The tier window: the `days` days ending on `asOf`, clipped to the data. */
export function tierWindow(db: Db, asOf: string, days: number): Window {
  return resolveWindow(db, addDays(asOf, -(days - 1)), asOf);
}

/** The 365 days ending on as-of (dormancy, RFM). */
export function activityWindow(asOf: string): Period['activity_window'] {
  return { from: addDays(asOf, -(RFM_WINDOW_DAYS - 1)), to: asOf, days: RFM_WINDOW_DAYS };
}

/** One customer of the tier population, with its tier. Money in fen. */
export interface TierCustomer extends CustomerRow {
  name: string;
  txn_count: number;
  /** Last transaction in the 365 days ending on as-of, or null. */
  last_txn_day: string | null;
  /** The ladder's measure (fen). */
  measure: number;
}

export interface TierPopulation {
  period: Period;
  /** Per selected type, customers sorted by customer_id. */
  byType: Map<CustomerType, TierCustomer[]>;
}

/**
 * Customers that held a balance or made a transaction in the tier window, each with its
 * values and tier. The quantile ladders rank the whole population of a type. `full` false:
 * without name, branch and RM (see customerValues).
 */
export function tierPopulation(db: Db, params: SegmentParams, full = true): TierPopulation {
  const r = resolve(db, params);
  const window = tierWindow(db, r.asOf, r.windowDays);
  return { period: period(db, r, window), byType: tiersFor(db, r, window, full) };
}

function period(db: Db, r: Resolved, window: Window): Period {
  return { as_of: r.asOf, window, data: dataDatesIn(db, window.from, window.to), activity_window: activityWindow(r.asOf), dormant_floor_fen: r.dormantFloorFen };
}

function tiersFor(db: Db, r: Resolved, window: Window, full = true): Map<CustomerType, TierCustomer[]> {
  const act = activityWindow(r.asOf);
  // One pass over the transactions gives the window's sums and the last posting day of the year.
  const values = customerValues(db, window, r.pricing, act.from, full);
  const out = new Map<CustomerType, TierCustomer[]>();
  // Days since the last transaction, per distinct last day (a few hundred of them, not 100k).
  const sinceOf = new Map<string, number>();
  const since = (day: string | null) => {
    if (day === null) return null;
    let d = sinceOf.get(day);
    if (d === undefined) sinceOf.set(day, (d = daysBetween(day, r.asOf) - 1));
    return d;
  };
  for (const type of r.types) {
    const ladder = r.tiers[type];
    const mine = values.filter((v) => v.customer_type === type);
    const tiers = tierOf(mine.map((v) => v.customer_id), mine.map((v) => v[ladder.measure]), ladder);
    out.set(type, mine.map((v, i) => toRow(v, tiers[i], ladder.measure, v.last_txn_day ?? null, since(v.last_txn_day ?? null), r)));
  }
  return out;
}

function toRow(v: CustomerValue, tier: string, measure: TierMeasure, lastDay: string | null, since: number | null, r: Resolved): TierCustomer {
  return {
    customer_id: v.customer_id, name: v.name, customer_type: v.customer_type, branch: v.branch, rm_id: v.rm_id, tier,
    aum_adb: v.aum_adb, deposit_adb: v.deposit_adb, loan_adb: v.loan_adb, contribution: v.contribution, fee_income: v.fee_income,
    txn_counter: v.txn_counter, txn_self_service: v.txn_self_service, txn_e_banking: v.txn_e_banking, txn_count: v.txn_count,
    dormant: isDormant(since, v.aum_adb, r.dormantFloorFen), last_txn_day: lastDay, measure: v[measure],
  };
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

export interface ConcentrationOf extends Concentration {
  measure: TierMeasure;
}

export interface SummaryGroup extends SummaryTable {
  /** Pareto and Gini of the ladder's measure, then of AUM ADB when that is not the measure. */
  concentration: ConcentrationOf[];
}

export interface SummarySection {
  customer_type: CustomerType;
  ladder: Ladder;
  groups: SummaryGroup[];
}

export interface SummaryReport {
  period: Period;
  group_by: 'branch' | 'rm' | null;
  sections: SummarySection[];
}

/**
 * `population`: the tier population of these params when the caller already has it (crm report
 * asks several questions of one population; names, branches and RMs do not change the summary).
 */
export function segmentSummary(db: Db, params: SegmentParams, groupBy: 'branch' | 'rm' | null = null, population?: TierPopulation): SummaryReport {
  const r = resolve(db, params);
  // Names are never shown; branch and RM only when grouping by them.
  const pop = population ?? tierPopulation(db, r, groupBy !== null);
  const sections = r.types.map((type): SummarySection => {
    const ladder = r.tiers[type];
    const rows = pop.byType.get(type) as TierCustomer[];
    const key = groupBy === 'rm' ? 'rm_id' : groupBy === 'branch' ? 'branch' : undefined;
    const tables = summarize(rows, { tiers: tierCodes(ladder), groupBy: key });
    const measures: TierMeasure[] = ladder.measure === 'aum_adb' ? ['aum_adb'] : [ladder.measure, 'aum_adb'];
    const groups = tables.map((t): SummaryGroup => {
      const members = t.group === null ? rows : rows.filter((c) => groupKey(c[key as 'branch' | 'rm_id']) === t.group);
      return { ...t, concentration: measures.map((m) => ({ measure: m, ...concentration(members.map((c) => c[m])) })) };
    });
    return { customer_type: type, ladder, groups };
  });
  return { period: pop.period, group_by: groupBy, sections };
}

function groupKey(v: string | null): string {
  return v === null || v === '' ? '(unassigned)' : v;
}

// ---------------------------------------------------------------------------------------------
// Detail
// ---------------------------------------------------------------------------------------------

export interface DetailReport {
  period: Period;
  ladders: Partial<Record<CustomerType, Ladder>>;
  /** Personal first, then corporate; each by customer_id. */
  customers: TierCustomer[];
}

/** One row per customer; `tierFilter` (tier codes) keeps only those tiers. */
export function segmentDetail(db: Db, params: SegmentParams, tierFilter?: ReadonlySet<string>): DetailReport {
  const r = resolve(db, params);
  const pop = tierPopulation(db, r);
  const customers: TierCustomer[] = [];
  const ladders: DetailReport['ladders'] = {};
  for (const type of r.types) {
    ladders[type] = r.tiers[type];
    for (const c of pop.byType.get(type) ?? []) if (!tierFilter || tierFilter.has(c.tier)) customers.push(c);
  }
  return { period: pop.period, ladders, customers };
}

// ---------------------------------------------------------------------------------------------
// Migration
// ---------------------------------------------------------------------------------------------

export interface MigrationSection {
  customer_type: CustomerType;
  ladder: Ladder;
  result: MigrationResult;
}

export interface MigrationReport {
  /** At the compare date (date 1) and at as-of (date 2); the same requested window length. */
  before: Period;
  after: Period;
  sections: MigrationSection[];
}

/**
 * Tiers at `compareDate` (date 1) and at as-of (date 2), each over the window of the same
 * length ending on that date. A customer absent from a date's population (no balance and no
 * transaction in that window) is `new` (absent at date 1) or `gone` (absent at date 2).
 * Cell AUM is AUM ADB of the window ending on date 2, or date 1 for `gone`. `after`: the tier
 * population of these params (date 2) when the caller already has it.
 */
export function segmentMigration(db: Db, params: SegmentParams, compareDate: string, after?: TierPopulation): MigrationReport {
  const r = resolve(db, params);
  const r1: Resolved = { ...r, asOf: compareDate };
  const w1 = tierWindow(db, compareDate, r.windowDays);
  const w2 = tierWindow(db, r.asOf, r.windowDays);
  // Tiers and AUM only: no names, branches or RMs.
  const t1 = tiersFor(db, r1, w1, false);
  const t2 = after?.byType ?? tiersFor(db, r, w2, false);
  const sections = r.types.map((type): MigrationSection => {
    const ladder = r.tiers[type];
    const a = t1.get(type) ?? [];
    const b = t2.get(type) ?? [];
    const result = migrate({
      order: tierCodes(ladder),
      tiers1: new Map(a.map((c) => [c.customer_id, c.tier])),
      tiers2: new Map(b.map((c) => [c.customer_id, c.tier])),
      aum1: new Map(a.map((c) => [c.customer_id, c.aum_adb])),
      aum2: new Map(b.map((c) => [c.customer_id, c.aum_adb])),
    });
    return { customer_type: type, ladder, result };
  });
  return { before: period(db, r1, w1), after: period(db, r, w2), sections };
}

export { DORMANT_WINDOW_DAYS };
