/**
 * `crm rm-report --engine duckdb`: the per-RM KPIs computed by DuckDB over a Parquet folder
 * (sql/01_window.sql, 10_rm_credit.sql, 11_rm_metrics.sql), composed into the report object
 * src/rm/render.ts prints, with the rows, the (unassigned) row and the total as
 * src/rm/report.ts builds them for a report without a plan or filters.
 */
import { DataError } from '../errors.js';
import { addDays, clipToCoverage, daysBetween, type Window } from '../metrics/engine.js';
import { carriedForwardAfter } from '../metrics/caveats.js';
import type { Pricing } from '../metrics/pricing.js';
import type { RmInfo } from '../metrics/rm.js';
import type { Row } from '../output/index.js';
import { namedPeriod, type Period } from '../rm/period.js';
import { BASE_COLUMNS, sortRmRows, UNASSIGNED, type RmReport } from '../rm/report.js';
import { lastBalance, ParquetData, pricingParams, windowParams } from './duckdb.js';

interface RmMetricRow {
  rm_id: string | null;
  branch: string | null;
  customers: number;
  new_customers: number;
  deposit_adb: number;
  aum_adb: number;
  loan_adb: number;
  loan_balance: number;
  npl_balance: number;
  fee_income: number;
  contribution: number;
  previous_deposit_adb: number;
  present: number;
}

const SUMMED = ['customers', 'new_customers', 'deposit_adb', 'aum_adb', 'loan_adb', 'loan_balance', 'npl_balance', 'fee_income', 'contribution'] as const;

export interface DuckRmOptions {
  /** Default: the month of the latest data date. */
  period?: Period;
  pricing: Pricing;
  /** A column of the report, sorted high to low (default deposit_adb). */
  sort?: string;
}

/** The RM report of `o` over the Parquet data (no plan, no filters). */
export async function duckRmReport(data: ParquetData, o: DuckRmOptions): Promise<RmReport> {
  const facts = await data.dates();
  if (!facts.last) throw new DataError('the Parquet data holds no balances (export a database with account snapshots or balance_after)');
  const p = o.period ?? (namedPeriod(facts.last.slice(0, 7)) as Period);
  const label = p.name ?? `${p.from} to ${p.to}`;
  let w: Window;
  try {
    w = clipToCoverage(facts, p.from, p.to);
  } catch (e) {
    if (e instanceof DataError && /outside the data/.test(e.message)) throw new DataError(`period ${label} (${p.from} to ${p.to}) lies outside the data, which covers ${facts.first} to ${facts.last}: nothing to report`);
    throw e;
  }
  const notes: string[] = [];
  const warnings: string[] = [];
  if (w.clipped) warnings.push(`period ${label} is only partly covered by the data: ${w.from} to ${w.to}, ${w.days} of ${daysBetween(p.from, p.to)} days`);
  const stale = carriedForwardAfter(lastBalance(facts), w.to);
  if (stale) notes.push(stale), warnings.push(stale);
  notes.push(w.clipped
    ? `period ${label}: ${p.from} to ${p.to}; the data covers ${w.coverage.first} to ${w.coverage.last}, so the report uses ${w.from} to ${w.to} (${w.days} days)`
    : `period ${label}: ${w.from} to ${w.to} (${w.days} days)`);
  let previous: RmReport['previous'] = { from: addDays(w.from, -w.days), to: addDays(w.from, -1) };
  const pricing = pricingParams(o.pricing);
  if (previous.from < w.coverage.first) {
    notes.push(`deposit ADB growth: the previous ${w.days} days (${previous.from} to ${previous.to}) are not covered by the data, which starts ${w.coverage.first}; left empty`);
    previous = null;
  } else {
    notes.push(`deposit ADB growth: against the previous ${w.days} days, ${previous.from} to ${previous.to}`);
  }
  // The previous window's credit first, kept as a table; then the window's own views.
  if (previous) {
    await data.runFile('01_window.sql', { ...windowParams(previous), ...pricing });
    await data.materialize('window_rows');
    await data.runFile('10_rm_credit.sql', {});
    await data.con.run('CREATE OR REPLACE TEMPORARY TABLE rm_previous_credit AS SELECT * FROM rm_balance_credit');
  } else {
    await data.runFile('01_window.sql', { ...windowParams(w), ...pricing });
    await data.runFile('10_rm_credit.sql', {});
    await data.con.run('CREATE OR REPLACE TEMPORARY TABLE rm_previous_credit AS SELECT * FROM rm_balance_credit WHERE false');
  }
  const wp = windowParams(w);
  await data.runFile('01_window.sql', { ...wp, ...pricing });
  await data.materialize('window_rows');
  await data.checkRates(w.from, w.to);
  await data.runFile('10_rm_credit.sql', {});
  await data.runFile('11_rm_metrics.sql', { ...wp, ...pricing, PD: previous ? w.days : 1 });
  const metrics = await data.rows<RmMetricRow>(`SELECT rm_id, branch, ${SUMMED.map((k) => `CAST(${k} AS DOUBLE) AS ${k}`).join(', ')},
      CAST(previous_deposit_adb AS DOUBLE) AS previous_deposit_adb, CAST(present AS INTEGER) AS present FROM rm_metrics ORDER BY rm_id, branch`);
  const rms = await data.rows<RmInfo>(`SELECT rm_id, name, rm_type, rm_branch AS branch, CAST(base_salary AS DOUBLE) AS base_salary FROM rms ORDER BY rm_id`);
  const rows = composeRows(rms, metrics, previous !== null);
  const sort = o.sort ?? 'deposit_adb';
  sortRmRows(rows, BASE_COLUMNS, sort);
  const u = unassignedRow(metrics, previous !== null);
  if (u) rows.push(u);
  return {
    period: p, window: w, previous, columns: BASE_COLUMNS, rows, total: totalRow(rows, previous !== null), pay: new Map(),
    rms: new Map(rms.map((r) => [r.rm_id, r])), notes, warnings, sort, plan: null,
  };
}

/** One row per RM of rms and per RM the data credits but rms lacks, by id. */
function composeRows(rms: RmInfo[], metrics: RmMetricRow[], growth: boolean): Row[] {
  const info = new Map(rms.map((r) => [r.rm_id, r]));
  const byRm = new Map(metrics.filter((m) => m.rm_id !== null).map((m) => [m.rm_id as string, m]));
  const ids = new Set(rms.map((r) => r.rm_id));
  for (const m of byRm.values()) if (m.present) ids.add(m.rm_id as string);
  return [...ids].sort().map((id) => {
    const i = info.get(id);
    const m = byRm.get(id);
    const row: Row = { rm_id: id, name: i?.name ?? '(not in rms)', rm_type: i?.rm_type ?? null, branch: i?.branch ?? null };
    for (const k of SUMMED) row[k] = m?.present ? m[k] : 0;
    row.deposit_adb_growth = growth ? (row.deposit_adb as number) - (m?.previous_deposit_adb ?? 0) : null;
    row.npl_ratio = (row.loan_balance as number) > 0 ? (row.npl_balance as number) / (row.loan_balance as number) : 0;
    return row;
  });
}

/** What no RM owns, over every branch; null when nothing. */
function unassignedRow(metrics: RmMetricRow[], growth: boolean): Row | null {
  const groups = metrics.filter((m) => m.rm_id === null);
  if (!groups.some((g) => g.present) && !(growth && groups.length)) return null;
  const row: Row = { rm_id: UNASSIGNED, name: null, rm_type: null, branch: null };
  for (const k of SUMMED) row[k] = groups.reduce((s, g) => s + (g.present ? g[k] : 0), 0);
  row.deposit_adb_growth = growth ? (row.deposit_adb as number) - groups.reduce((s, g) => s + g.previous_deposit_adb, 0) : null;
  row.npl_ratio = (row.loan_balance as number) > 0 ? (row.npl_balance as number) / (row.loan_balance as number) : 0;
  return row;
}

function totalRow(rows: Row[], growth: boolean): Row {
  const total: Row = { rm_id: 'Total' };
  for (const k of SUMMED) total[k] = rows.reduce((s, r) => s + (typeof r[k] === 'number' ? (r[k] as number) : 0), 0);
  total.deposit_adb_growth = growth ? rows.reduce((s, r) => s + ((r.deposit_adb_growth as number | null) ?? 0), 0) : null;
  total.npl_ratio = (total.loan_balance as number) > 0 ? (total.npl_balance as number) / (total.loan_balance as number) : 0;
  return total;
}

