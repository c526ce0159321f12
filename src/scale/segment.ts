/**
 * `crm segment --engine duckdb`: the tier population computed by DuckDB over a Parquet folder
 * (sql/01_window.sql, 02_customer_values.sql, 03_tiers.sql), then the same summary and
 * detail objects as the SQLite path, for the same renderers: the CSV is byte for byte the same.
 */
import type { Db } from '../db/connection.js';
import { DataError } from '../errors.js';
import { dayNum } from '../db/balances.js';
import { idList } from '../db/columns.js';
import { clipToCoverage, addDays } from '../metrics/engine.js';
import { windowNotesWith, carriedForwardAfter } from '../metrics/caveats.js';
import { DEFAULT_PRICING, type Pricing } from '../metrics/pricing.js';
import { COUNT_COLUMNS, MONEY_COLUMNS, type CustomerTable } from '../metrics/customers.js';
import {
  DEFAULT_DORMANT_FLOOR_FEN, DEFAULT_WINDOW_DAYS, RFM_WINDOW_DAYS, detailOf, segmentSummary,
  type DetailReport, type SegmentParams, type SummaryReport, type TierPopulation, type TypeTiers,
} from '../segment/report.js';
import { CUSTOMER_TYPES, DEFAULT_TIERS, type TiersConfig } from '../segment/tiers.js';
import type { CustomerType } from '../types.js';
import { lastBalance, ParquetData, pricingParams, windowParams } from './duckdb.js';

interface TierRow {
  customer_id: string;
  name: string;
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
  txn_count: number;
  dormant: number;
  last_txn_day: string | null;
  measure: number;
}

/** The tier population of `params` over the Parquet data, and the caveats of its window. */
export async function duckTierPopulation(data: ParquetData, params: SegmentParams): Promise<{ population: TierPopulation; notes: string[] }> {
  const facts = await data.dates();
  if (!facts.last) throw new DataError('the Parquet data holds no balances (export a database with account snapshots or balance_after)');
  const asOf = params.asOf ?? facts.last;
  const days = params.windowDays ?? DEFAULT_WINDOW_DAYS;
  const window = clipToCoverage(facts, addDays(asOf, -(days - 1)), asOf);
  const activity = { from: addDays(asOf, -(RFM_WINDOW_DAYS - 1)), to: asOf, days: RFM_WINDOW_DAYS };
  const tiers = params.tiers ?? (DEFAULT_TIERS as TiersConfig);
  const floor = params.dormantFloorFen ?? DEFAULT_DORMANT_FLOOR_FEN;
  const p = {
    ...windowParams(window), ...pricingParams(params.pricing ?? (DEFAULT_PRICING as Pricing)),
    scan_from: activity.from < window.from ? activity.from : window.from, asof_num: dayNum(asOf), dormant_floor_fen: floor,
  };
  await data.runFile('01_window.sql', p);
  await data.materialize('window_rows');
  await data.checkRates(window.from, window.to);
  await data.runFile('02_customer_values.sql', p);
  await data.materialize('customer_values');
  await data.tierLadder(tiers);
  await data.runFile('03_tiers.sql', p);
  await data.materialize('ranked_customers');
  const rows = await data.rows<TierRow>(`SELECT customer_id, name, customer_type, customer_branch AS branch, rm_id, tier,
      CAST(aum_adb AS DOUBLE) AS aum_adb, CAST(deposit_adb AS DOUBLE) AS deposit_adb, CAST(loan_adb AS DOUBLE) AS loan_adb,
      CAST(contribution AS DOUBLE) AS contribution, CAST(fee_income AS DOUBLE) AS fee_income, CAST(txn_counter AS DOUBLE) AS txn_counter,
      CAST(txn_self_service AS DOUBLE) AS txn_self_service, CAST(txn_e_banking AS DOUBLE) AS txn_e_banking, CAST(txn_count AS DOUBLE) AS txn_count,
      CAST(dormant AS INTEGER) AS dormant, last_txn_day, CAST(measure AS DOUBLE) AS measure
    FROM customer_tiers ORDER BY customer_id`);
  const types = params.types ?? CUSTOMER_TYPES;
  const { table, dormant } = tableOf(rows);
  const byType = new Map<CustomerType, TypeTiers>();
  for (const type of types) {
    const ladder = tiers[type];
    const pos: number[] = [];
    const tier: number[] = [];
    rows.forEach((r, i) => {
      if (r.customer_type !== type) return;
      pos.push(i);
      tier.push(ladder.tiers.findIndex((d) => d.code === r.tier));
    });
    byType.set(type, { ladder, pos: Int32Array.from(pos), tier: Uint8Array.from(tier) });
  }
  const period = { as_of: asOf, window, data: await data.dataDatesIn(window.from, window.to), activity_window: activity, dormant_floor_fen: floor };
  return { population: { period, table, dormant, types: byType }, notes: windowNotesWith(window, carriedForwardAfter(lastBalance(facts), asOf)) };
}

/**
 * The tier summary of segmentSummary from a population computed here. segmentSummary reads the
 * database only for a missing as-of date and a missing population: both are given.
 */
export function duckSummary(pop: TierPopulation, params: SegmentParams, groupBy: 'branch' | 'rm' | null): SummaryReport {
  return segmentSummary(null as unknown as Db, { ...params, asOf: pop.period.as_of }, groupBy, pop);
}

/** The customer detail (segmentDetail) from a population computed here. */
export function duckDetail(pop: TierPopulation, params: SegmentParams, tierFilter?: ReadonlySet<string>): DetailReport {
  return detailOf(pop, params.types ?? CUSTOMER_TYPES, tierFilter);
}

/** DuckDB's rows (customer_id order) as the columnar table of the SQLite path; the figures no report shows from here stay 0. */
function tableOf(rows: readonly TierRow[]): { table: CustomerTable; dormant: Uint8Array } {
  const n = rows.length;
  const codes = (values: (string | null)[]) => {
    const list: (string | null)[] = [];
    const at = new Map<string | null, number>();
    const out = Int32Array.from(values, (v) => {
      let c = at.get(v);
      if (c === undefined) at.set(v, (c = list.push(v) - 1));
      return c;
    });
    return { out, list };
  };
  const branch = codes(rows.map((r) => r.branch));
  const rm = codes(rows.map((r) => r.rm_id));
  const table = {
    ids: idList(rows.map((r) => r.customer_id)), corporate: Uint8Array.from(rows, (r) => (r.customer_type === 'corporate' ? 1 : 0)),
    names: { at: (i: number) => rows[i].name }, branch: branch.out, branches: branch.list, rm: rm.out, rms: rm.list,
    seen: new Uint8Array(n).fill(1), last_active: Int32Array.from(rows, (r) => (r.last_txn_day ? dayNum(r.last_txn_day) : -1)),
  } as CustomerTable;
  for (const k of MONEY_COLUMNS) table[k] = new Float64Array(n);
  for (const k of COUNT_COLUMNS) table[k] = new Int32Array(n);
  rows.forEach((r, i) => {
    for (const k of ['aum_adb', 'deposit_adb', 'loan_adb', 'contribution', 'fee_income', 'txn_count', 'txn_counter', 'txn_self_service', 'txn_e_banking'] as const) table[k][i] = r[k];
  });
  return { table, dormant: Uint8Array.from(rows, (r) => r.dormant) };
}
