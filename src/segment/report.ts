/**
 * `crm segment` report data: composes the metrics engine (ADB, contribution, transactions, all
 * aggregated in SQL) with the pure segment domain (tiers, summary, concentration, migration, RFM).
 * No formatting here: money stays in fen, shares are fractions; src/cli/segment.ts renders.
 */
import type { Db } from '../db/connection.js';
import type { DirectoryWants } from '../db/segment-queries.js';
import { dayNum } from '../db/balances.js';
import { DataError } from '../errors.js';
import { addDays, dataDatesIn, isoFromNum, latestDataDate, resolveWindow, type DataDates, type Window } from '../metrics/engine.js';
import { customerValues, startWindowSeries, type CustomerTable, type WindowSeries } from '../metrics/customers.js';
import type { AumWindow } from '../metrics/windows.js';
import { DEFAULT_PRICING, type Pricing } from '../metrics/pricing.js';
import type { CustomerType } from '../types.js';
import { concentration, type Concentration } from './concentration.js';
import { migrateByPosition, type MigrationResult, type MigrationSide } from './migration.js';
import { DORMANT_WINDOW_DAYS, groupKey, isDormant, sortGroupKeys, summarizeColumns, type CustomerRow, type SummaryGroups, type SummaryTable } from './summary.js';
import { tierIndexes, CUSTOMER_TYPES, DEFAULT_TIERS, tierCodes, type Ladder, type TierMeasure, type TiersConfig } from './tiers.js';

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

/** One customer type's part of a tier population, columnar. */
export interface TypeTiers {
  ladder: Ladder;
  /** Directory positions (into the population's table) of the type's customers, ascending: customer_id order. */
  pos: Int32Array;
  /** Per customer (as pos): the index of its tier in ladder.tiers. */
  tier: Uint8Array;
}

/**
 * Customers that held a balance or made a transaction in the tier window, with their values
 * (`table`, by directory position) and, per selected type, their tiers. `dormant` by position.
 * Rows as objects, for the few a caller shows: tierCustomer, tierCustomers.
 */
export interface TierPopulation {
  period: Period;
  table: CustomerTable;
  /** 1 = dormant (see isDormant), by directory position. */
  dormant: Uint8Array;
  /** Per selected type, in the order asked for. */
  types: Map<CustomerType, TypeTiers>;
}

/**
 * Customers that held a balance or made a transaction in the tier window, each with its
 * values and tier. The quantile ladders rank the whole population of a type. `want`: the
 * directory columns to read beyond id and type (see customerValues); `aum`: AUM windows the
 * report thread sums alongside (see CustomerTable.aumAlongside).
 */
export function tierPopulation(db: Db, params: SegmentParams, want: DirectoryWants = { names: true, owners: true }, aum?: AumWindow[]): TierPopulation {
  const r = resolve(db, params);
  const window = tierWindow(db, r.asOf, r.windowDays);
  return populationOf(db, r, window, want, undefined, aum);
}

/** `txnCount`: the window's transactions when the caller has counted them (see dataDatesIn). */
function period(db: Db, r: Resolved, window: Window, txnCount?: number): Period {
  return { as_of: r.asOf, window, data: dataDatesIn(db, window.from, window.to, txnCount), activity_window: activityWindow(r.asOf), dormant_floor_fen: r.dormantFloorFen };
}

/**
 * `reuse`, `aum`, `series`: see customerValues. `activity`: false for tiers alone (a migration's),
 * which need no year of transactions (no customer is then dormant) and read a tiers-only table.
 */
function populationOf(db: Db, r: Resolved, window: Window, want: DirectoryWants, reuse?: TierPopulation, aum?: AumWindow[], activity = true, series?: WindowSeries): TierPopulation {
  // One pass over the transactions gives the window's sums and the last posting day of the year.
  // A migration's population (no activity): its tiers, AUM and transaction count only.
  const t = customerValues(db, window, r.pricing, activity
    ? { activityFrom: activityWindow(r.asOf).from, want, reuse: reuse?.table, aum, series }
    : { want, reuse: reuse?.table, aum, series, tiersOnly: true });
  const n = t.ids.length;
  const asOfNum = dayNum(r.asOf);
  const dormant = new Uint8Array(n);
  const count = [0, 0];
  // Every transaction of the window is some customer's: their counts add up to the window's.
  let txns = 0;
  for (let i = 0; i < n; i++) {
    if (!t.seen[i]) continue;
    txns += t.txn_count[i];
    count[t.corporate[i]]++;
    if (!activity) continue;
    const since = t.last_active[i] >= 0 ? asOfNum - t.last_active[i] : null;
    if (isDormant(since, t.aum_adb[i], r.dormantFloorFen)) dormant[i] = 1;
  }
  const types = new Map<CustomerType, TypeTiers>();
  for (const type of r.types) {
    const corporate = type === 'corporate' ? 1 : 0;
    const pos = new Int32Array(count[corporate]);
    for (let i = 0, k = 0; i < n; i++) if (t.seen[i] && t.corporate[i] === corporate) pos[k++] = i;
    const ladder = r.tiers[type];
    types.set(type, { ladder, pos, tier: tierIndexes(t[ladder.measure], pos, ladder, (k) => t.ids.at(pos[k])) });
  }
  return { period: period(db, r, window, txns), table: t, dormant, types };
}

/** ISO dates by day number: a few hundred distinct last days among a million customers. */
const isoDays = new Map<number, string>();
function isoDay(d: number): string {
  let iso = isoDays.get(d);
  if (iso === undefined) isoDays.set(d, (iso = isoFromNum(d)));
  return iso;
}

/** The k-th customer of a type's population as one object. */
export function tierCustomer(pop: TierPopulation, type: CustomerType, k: number): TierCustomer {
  const x = pop.types.get(type) as TypeTiers;
  const i = x.pos[k];
  const t = pop.table;
  return {
    customer_id: t.ids.at(i), name: t.names?.at(i) ?? '', customer_type: type, branch: t.branches[t.branch[i]], rm_id: t.rms[t.rm[i]],
    tier: x.ladder.tiers[x.tier[k]].code,
    aum_adb: t.aum_adb[i], deposit_adb: t.deposit_adb[i], loan_adb: t.loan_adb[i], contribution: t.contribution[i], fee_income: t.fee_income[i],
    txn_counter: t.txn_counter[i], txn_self_service: t.txn_self_service[i], txn_e_banking: t.txn_e_banking[i], txn_count: t.txn_count[i],
    dormant: pop.dormant[i] === 1, last_txn_day: t.last_active[i] >= 0 ? isoDay(t.last_active[i]) : null, measure: t[x.ladder.measure][i],
  };
}

/** Every customer of the population as an object, one at a time: `types` in that order, each by customer_id. */
export function* tierCustomers(pop: TierPopulation, types: readonly CustomerType[] = CUSTOMER_TYPES): Generator<TierCustomer> {
  for (const type of types) {
    const x = pop.types.get(type);
    if (x) for (let k = 0; k < x.pos.length; k++) yield tierCustomer(pop, type, k);
  }
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
  const pop = population ?? tierPopulation(db, r, { owners: groupBy !== null });
  const t = pop.table;
  const groups = groupBy === null ? undefined : groupsOf(groupBy === 'rm' ? t.rm : t.branch, groupBy === 'rm' ? t.rms : t.branches);
  const cols = { ...t, dormant: pop.dormant, days: pop.period.window.days };
  const sections = r.types.map((type): SummarySection => {
    const { ladder, pos, tier } = pop.types.get(type) as TypeTiers;
    const tables = summarizeColumns(pos, tier, cols, tierCodes(ladder), groups);
    const measures: TierMeasure[] = ladder.measure === 'aum_adb' ? ['aum_adb'] : [ladder.measure, 'aum_adb'];
    const members = groups ? membersByGroup(pos, groups) : [pos];
    const groupsOut = tables.map((g): SummaryGroup => {
      const mine = members[groups ? groups.keys.indexOf(g.group as string) : 0];
      return { ...g, concentration: measures.map((m) => ({ measure: m, ...concentration(Float64Array.from(mine, (i) => t[m][i])) })) };
    });
    return { customer_type: type, ladder, groups: groupsOut };
  });
  return { period: pop.period, group_by: groupBy, sections };
}

/** Per directory position its group's index, from the codes of a branch or RM column: keys sorted, `(unassigned)` last. */
function groupsOf(codes: Int32Array, values: readonly (string | null)[]): SummaryGroups {
  const keys = sortGroupKeys(values.map(groupKey));
  const byCode = Int32Array.from(values, (v) => keys.indexOf(groupKey(v)));
  return { of: Int32Array.from(codes, (c) => byCode[c]), keys };
}

/** The members (positions, ascending) of each group, by group index. */
function membersByGroup(pos: Int32Array, groups: SummaryGroups): Int32Array[] {
  const sizes = new Int32Array(groups.keys.length);
  for (const i of pos) sizes[groups.of[i]]++;
  const out = Array.from(sizes, (n) => new Int32Array(n));
  sizes.fill(0);
  for (const i of pos) out[groups.of[i]][sizes[groups.of[i]]++] = i;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Detail
// ---------------------------------------------------------------------------------------------

export interface DetailReport {
  period: Period;
  ladders: Partial<Record<CustomerType, Ladder>>;
  population: TierPopulation;
  /** Per type (personal first, then corporate), the members (indexes into its pos) shown: each by customer_id. */
  shown: Map<CustomerType, Int32Array>;
  customers: number;
}

/** One row per customer; `tierFilter` (tier codes) keeps only those tiers. Rows: detailRows. */
export function segmentDetail(db: Db, params: SegmentParams, tierFilter?: ReadonlySet<string>): DetailReport {
  const r = resolve(db, params);
  return detailOf(tierPopulation(db, r), r.types, tierFilter);
}

/** The detail of a population (this database's or another engine's): `types` in that order, `tierFilter` as segmentDetail. */
export function detailOf(pop: TierPopulation, types: readonly CustomerType[], tierFilter?: ReadonlySet<string>): DetailReport {
  const ladders: DetailReport['ladders'] = {};
  const shown = new Map<CustomerType, Int32Array>();
  let customers = 0;
  for (const type of types) {
    const x = pop.types.get(type) as TypeTiers;
    ladders[type] = x.ladder;
    const keep = x.ladder.tiers.map((d) => !tierFilter || tierFilter.has(d.code));
    const ks: number[] = [];
    for (let k = 0; k < x.pos.length; k++) if (keep[x.tier[k]]) ks.push(k);
    shown.set(type, Int32Array.from(ks));
    customers += ks.length;
  }
  return { period: pop.period, ladders, population: pop, shown, customers };
}

/** The detail's rows as objects, one at a time (personal first, then corporate; each by customer_id). */
export function* detailRows(rep: DetailReport): Generator<TierCustomer> {
  for (const [type, ks] of rep.shown) for (const k of ks) yield tierCustomer(rep.population, type, k);
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

/** A type's population at one date as migrateByPosition reads it: positions, tiers, AUM ADB. */
function migrationSide(pop: TierPopulation, type: CustomerType): MigrationSide & { aum: Float64Array } {
  const x = pop.types.get(type);
  if (!x) return { pos: [], tier: [], aum: new Float64Array(0) };
  return { pos: x.pos, tier: x.tier, aum: Float64Array.from(x.pos, (i) => pop.table.aum_adb[i]), days: pop.period.window.days };
}

/** A tier population reduced to what a migration reads of one date (per type: positions, tiers, AUM ADB). */
export interface MigrationSides {
  period: Period;
  /** Customers in the directory the positions refer to. */
  customers: number;
  sides: Map<CustomerType, MigrationSide & { aum: Float64Array }>;
}

export function migrationSides(pop: TierPopulation): MigrationSides {
  return { period: pop.period, customers: pop.table.ids.length, sides: new Map([...pop.types.keys()].map((type) => [type, migrationSide(pop, type)])) };
}

/**
 * Tiers at `compareDate` (date 1) and at as-of (date 2), each over the window of the same
 * length ending on that date. A customer absent from a date's population (no balance and no
 * transaction in that window) is `new` (absent at date 1) or `gone` (absent at date 2).
 * Cell AUM is AUM ADB of the window ending on date 2, or date 1 for `gone`. `after`: date 2's
 * sides when the caller already has its population; `reuse`: that population, no longer read,
 * whose arrays date 1 is computed into (see customerValues).
 */
export function segmentMigration(db: Db, params: SegmentParams, compareDate: string, after?: MigrationSides, reuse?: TierPopulation): MigrationReport {
  const r = resolve(db, params);
  const r1: Resolved = { ...r, asOf: compareDate };
  const w1 = tierWindow(db, compareDate, r.windowDays);
  const w2 = tierWindow(db, r.asOf, r.windowDays);
  // Tiers and AUM only (no names, branches or RMs, no activity); date 1 reduced to those before date 2 is
  // computed, into date 1's arrays (themselves `reuse`'s when given). With both dates to compute,
  // one report thread works for both windows.
  const series = after ? undefined : startWindowSeries(db, [w1, w2], r.pricing);
  const p1 = populationOf(db, r1, w1, {}, reuse, undefined, false, series);
  const date1 = migrationSides(p1);
  const date2 = after ?? migrationSides(populationOf(db, r, w2, {}, p1, undefined, false, series));
  // Both join by directory position: the same customers table.
  if (date2.customers !== date1.customers) throw new DataError('the customers table changed while the migration was computed: run it again');
  const sections = r.types.map((type): MigrationSection => {
    const ladder = r.tiers[type];
    return { customer_type: type, ladder, result: migrateByPosition(tierCodes(ladder), date1.sides.get(type) as MigrationSide, date2.sides.get(type) as MigrationSide) };
  });
  return { before: date1.period, after: date2.period, sections };
}

export { DORMANT_WINDOW_DAYS };
