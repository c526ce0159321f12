/**
 * `crm rm-report` composition: per-RM credited metrics (metrics/rm.ts), the branch total,
 * the unassigned row, and with a plan each RM's pay (incentive/pay.ts). No SQL here beyond
 * the metrics functions; no rendering.
 */
import type { Db } from '../db/connection.js';
import { DataError, UsageError } from '../errors.js';
import { eventCounts } from '../db/events.js';
import { computePay, fmtFen, type PayResult } from '../incentive/pay.js';
import { scaleToBudget } from '../pay/budget.js';
import { planKpis, type IncentivePlan } from '../incentive/plan.js';
import { carriedForwardNote } from '../metrics/caveats.js';
import { addDays, daysBetween, resolveWindow, type Window } from '../metrics/engine.js';
import { adbDifference, adbSum } from '../metrics/adb.js';
import type { Pricing } from '../metrics/pricing.js';
import { rmKey, rmList, rmMetrics, startRmExtras, targetsFor, type RmInfo, type RmMetrics } from '../metrics/rm.js';
import type { ColumnSpec, Row } from '../output/index.js';
import { METRIC_NAMES, metricName, type RmType } from '../types.js';
import type { Period } from './period.js';
import { sameButCase } from '../strings.js';

export const UNASSIGNED = '(unassigned)';

export interface RmReportOptions {
  period: Period;
  pricing: Pricing;
  plan?: IncentivePlan;
  rmType?: RmType;
  branch?: string;
  rm?: string;
  sort?: string;
  /**
   * A plan and a period whose last day the data does not reach: 'refuse' (a payroll export),
   * 'prorate' base pay to the covered days (--allow-partial), or pay the full period (default).
   */
  partialPay?: 'refuse' | 'prorate' | 'full';
}

export interface RmReport {
  period: Period;
  window: Window;
  /** The previous window deposit ADB growth compares with; null when the data does not cover it. */
  previous: { from: string; to: string } | null;
  columns: ColumnSpec[];
  /** RM rows in sort order, then the (unassigned) row when shown. Money in fen, ratios as fractions. */
  rows: Row[];
  total: Row;
  /** Pay per RM id (with a plan). */
  pay: Map<string, PayResult>;
  rms: Map<string, RmInfo>;
  notes: string[];
  warnings: string[];
  sort: string;
  plan: IncentivePlan | null;
}

/** Chinese names of the metrics (headers, statements). */
export const METRIC_ZH: Record<string, string> = Object.fromEntries(Object.entries(METRIC_NAMES).map(([k, v]) => [k, v.zh]));
export const METRIC_EN: Record<string, string> = Object.fromEntries(Object.entries(METRIC_NAMES).map(([k, v]) => [k, v.en]));
export { metricName };

export const BASE_COLUMNS: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '姓名', kind: 'text' },
  { key: 'rm_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 3 },
  { key: 'branch', header: 'Branch', headerZh: '机构', kind: 'text', priority: 2 },
  { key: 'customers', header: 'Customers', headerZh: METRIC_ZH.customers, kind: 'int', priority: 6 },
  { key: 'new_customers', header: 'New cust.', headerZh: METRIC_ZH.new_customers, kind: 'int', priority: 4 },
  { key: 'deposit_adb', header: 'Deposit ADB', headerZh: METRIC_ZH.deposit_adb, kind: 'money', priority: 9 },
  { key: 'deposit_adb_growth', header: 'Dep. ADB growth', headerZh: METRIC_ZH.deposit_adb_growth, kind: 'money', priority: 5 },
  { key: 'aum_adb', header: 'AUM ADB', headerZh: METRIC_ZH.aum_adb, kind: 'money', priority: 8 },
  { key: 'loan_adb', header: 'Loan ADB', headerZh: METRIC_ZH.loan_adb, kind: 'money', priority: 8 },
  { key: 'loan_balance', header: 'Loans', headerZh: METRIC_ZH.loan_balance, kind: 'money', priority: 4 },
  { key: 'npl_balance', header: 'NPL', headerZh: METRIC_ZH.npl_balance, kind: 'money', priority: 3 },
  { key: 'npl_ratio', header: 'NPL ratio', headerZh: METRIC_ZH.npl_ratio, kind: 'percent', priority: 5 },
  { key: 'fee_income', header: 'Fee income', headerZh: METRIC_ZH.fee_income, kind: 'money', priority: 7 },
  { key: 'contribution', header: 'Contribution', headerZh: METRIC_ZH.contribution, kind: 'money', priority: 7 },
];

/** Pay columns: one attainment column per KPI of the plan (all RM types), then base, variable, total. */
export function payColumns(plan: IncentivePlan): ColumnSpec[] {
  return [
    ...planKpis(plan).map((k): ColumnSpec => ({ key: `attainment_${k}`, header: `${METRIC_EN[k] ?? k} att.`, headerZh: `${METRIC_ZH[k] ?? k}达成率`, kind: 'percent', priority: 1 })),
    { key: 'base_pay', header: 'Base pay', headerZh: '基本工资', kind: 'money', priority: 10 },
    { key: 'variable_pay', header: 'Variable pay', headerZh: '绩效薪酬', kind: 'money', priority: 10 },
    { key: 'total_pay', header: 'Total pay', headerZh: '应发合计', kind: 'money' },
  ];
}

/** The row values a plan's KPIs may name. */
export const KPI_VALUES = ['customers', 'new_customers', 'deposit_adb', 'aum_adb', 'loan_adb', 'loan_balance', 'npl_balance', 'fee_income', 'contribution', 'npl_ratio', 'deposit_adb_growth'] as const;
/** With --allow-partial: the days base pay was prorated to, "58/92 days". */
export const BASE_PAY_BASIS_COLUMN: ColumnSpec = { key: 'base_pay_basis', header: 'Base pay for', headerZh: '基本工资计发天数', kind: 'text', priority: 9 };

/** The ADB columns: their sums are exact (adbSum). */
const ADB_COLUMNS = new Set<string>(['deposit_adb', 'aum_adb', 'loan_adb']);
const SUMMED = ['customers', 'new_customers', 'deposit_adb', 'aum_adb', 'loan_adb', 'loan_balance', 'npl_balance', 'fee_income', 'contribution'] as const;

function emptyMetrics(): Omit<RmMetrics, 'rm_id' | 'branch'> {
  return { customers: 0, new_customers: 0, deposit_adb: 0, aum_adb: 0, loan_adb: 0, loan_balance: 0, npl_balance: 0, fee_income: 0, txn_count: 0, net_interest: 0, channel_cost: 0, risk_cost: 0, contribution: 0 };
}

/** Messages the report collects on the way: notes (printed with the report) and warnings (stderr). */
interface Messages { notes: string[]; warnings: string[] }

/** Pay inputs of the period: base-pay months (prorated with --allow-partial) and the RMs' targets. */
interface PayBasis { plan: IncentivePlan | null; months: number; prorate: boolean; basis: string; targets: Map<string, Record<string, number>> }

export function buildRmReport(db: Db, o: RmReportOptions): RmReport {
  const m: Messages = { notes: [], warnings: [] };
  const windows = reportWindows(db, o, m);
  return rmReportOf(db, o, m, windows, rmMetrics(db, windows.w, o.pricing, windows.previousWindow));
}

/**
 * buildRmReport with the report thread's part of the per-RM metrics started now (when one can
 * run: see startOnWorker), for a caller with other work meanwhile; the report, with this thread's
 * part, when the returned function is called.
 */
export function startRmReport(db: Db, o: RmReportOptions): () => RmReport {
  const m: Messages = { notes: [], warnings: [] };
  const windows = reportWindows(db, o, m);
  const { w, previousWindow } = windows;
  const extras = startRmExtras(db, w, previousWindow);
  return () => rmReportOf(db, o, m, windows, rmMetrics(db, w, o.pricing, previousWindow, extras));
}

/** The report from its windows and per-RM metrics. */
function rmReportOf(db: Db, o: RmReportOptions, m: Messages, windows: ReturnType<typeof reportWindows>, rmm: ReturnType<typeof rmMetrics>): RmReport {
  const p = o.period;
  const { w, previous, payBasis } = windows;
  const { byRm: metrics, previousDepositAdb: prevAdb } = rmm;
  const all = rmList(db);
  const rms = new Map(all.map((r) => [r.rm_id, r]));
  checkFilters(o, all, rms, metrics);

  const { plan, prorate } = payBasis;
  const { allRows, pay } = rowsAndPay(db, o, payBasis, all, rms, metrics, prevAdb, w.days);
  if (plan?.budget) {
    const b = scaleToBudget([...pay.values()], plan.budget, p.months);
    m.notes.push(b.factor === null
      ? `pay: budget ${fmtFen(b.budget_fen)} CNY for the period, but no RM has variable pay to scale`
      : `pay: budget ${fmtFen(b.budget_fen)} CNY for the period ÷ variable pay of all RMs ${fmtFen(b.before_fen)} CNY = factor ${b.factor.toFixed(6)}`);
  }
  const rows = shownRows(o, payBasis, allRows, pay, rms, m);

  const columns = [...BASE_COLUMNS, ...(plan ? payColumns(plan) : []), ...(prorate ? [BASE_PAY_BASIS_COLUMN] : [])];
  const sort = o.sort ?? (plan ? 'total_pay' : 'deposit_adb');
  sortRmRows(rows, columns, sort);

  // What no RM owns: one row, over every branch (or the --branch one); not shown with --rm-type or --rm.
  if (o.rmType === undefined && o.rm === undefined) {
    const u = unassignedRow(o, metrics, prevAdb, w.days);
    if (u) rows.push(u);
  } else {
    m.notes.push(`the ${UNASSIGNED} row is left out: it has no RM type${o.rm !== undefined ? ' and is no RM' : ''}`);
  }

  const total = totalRow(o, plan, rows, prevAdb, w.days);
  return { period: p, window: w, previous, columns, rows, total, pay, rms, notes: m.notes, warnings: m.warnings, sort, plan };
}

/**
 * The report's window (the period clipped to the data), the previous window deposit ADB growth
 * compares with, and the pay basis; refuses a partial payroll when the options ask to.
 */
function reportWindows(db: Db, o: RmReportOptions, m: Messages): { w: Window; previous: RmReport['previous']; previousWindow?: Window; payBasis: PayBasis } {
  const p = o.period;
  const { notes, warnings } = m;
  const label = p.name ?? `${p.from} to ${p.to}`;
  let w: Window;
  try {
    w = resolveWindow(db, p.from, p.to);
  } catch (e) {
    if (e instanceof DataError && /outside the data/.test(e.message)) {
      throw new DataError(`period ${label} (${p.from} to ${p.to}) lies outside the data, which covers ${/covers (\S+ to \S+)/.exec(e.message)?.[1] ?? '?'}: nothing to report`);
    }
    throw e;
  }
  const periodDays = daysBetween(p.from, p.to);
  const uncovered = w.to < p.to;
  if (o.plan && uncovered && o.partialPay === 'refuse') {
    throw new DataError(`period ${label} runs to ${p.to} but the data ends ${w.coverage.last}: a payroll for it would pay base salary for days without data; `
      + `import the missing days, or give --allow-partial to prorate base pay to the ${w.days} covered days`);
  }
  if (w.clipped) warnings.push(`period ${label} is only partly covered by the data: ${w.from} to ${w.to}, ${w.days} of ${periodDays} days`);
  const stale = carriedForwardNote(db, w.to);
  if (stale) {
    notes.push(stale);
    warnings.push(stale);
  }
  notes.push(w.clipped
    ? `period ${label}: ${p.from} to ${p.to}; the data covers ${w.coverage.first} to ${w.coverage.last}, so the report uses ${w.from} to ${w.to} (${w.days} days)`
    : `period ${label}: ${w.from} to ${w.to} (${w.days} days)`);

  // Deposit ADB growth against the previous window of the same length, only when the data covers it.
  let previous: RmReport['previous'] = { from: addDays(w.from, -w.days), to: addDays(w.from, -1) };
  let previousWindow: Window | undefined;
  if (previous.from < w.coverage.first) {
    notes.push(`deposit ADB growth: the previous ${w.days} days (${previous.from} to ${previous.to}) are not covered by the data, which starts ${w.coverage.first}; left empty`);
    previous = null;
  } else {
    previousWindow = resolveWindow(db, previous.from, previous.to);
    notes.push(`deposit ADB growth: against the previous ${w.days} days, ${previous.from} to ${previous.to}`);
  }
  return { w, previous, previousWindow, payBasis: payBasisOf(db, o, w, periodDays, uncovered, notes) };
}

/** Base-pay months and targets for the period, with the notes saying how pay was computed. */
function payBasisOf(db: Db, o: RmReportOptions, w: Window, periodDays: number, uncovered: boolean, notes: string[]): PayBasis {
  const p = o.period;
  const plan = o.plan ?? null;
  const targets = plan && p.name ? targetsFor(db, p.name) : new Map<string, Record<string, number>>();
  if (plan) {
    notes.push(`pay: plan ${plan.name ? `"${plan.name}" ` : ''}(${plan.file}); ${p.monthsRule}; `
      + (p.name ? `targets for period ${p.name}` : 'no targets (the range is no named period: use --targets-period)'));
    if (w.clipped) notes.push('pay: the period is only partly covered by data; ADB metrics average the covered days, fee income, contribution and new customers count only them');
  }
  const prorate = !!plan && uncovered && o.partialPay === 'prorate';
  // Base pay for the covered days only: the period's months × covered ÷ period days.
  const months = prorate ? (p.months * w.days) / periodDays : p.months;
  const basis = `${w.days}/${periodDays} days`;
  if (prorate) notes.push(`pay: base pay prorated to the ${w.days} of ${periodDays} days the data covers (${w.from} to ${w.to}): ${Number(months.toFixed(4))} months`);
  return { plan, months, prorate, basis, targets };
}

/** --rm and --branch must name an RM or a branch of the data (with a hint when only the case differs). */
function checkFilters(o: RmReportOptions, all: RmInfo[], rms: Map<string, RmInfo>, metrics: Map<string, RmMetrics>): void {
  if (o.rm !== undefined && !rms.has(o.rm)) {
    const like = sameButCase(o.rm, rms.keys());
    throw new DataError(`no RM ${o.rm} in the database${like ? `; did you mean ${like}? (ids are case-sensitive)` : ' (import rms.csv)'}`);
  }
  if (o.branch !== undefined && !all.some((r) => r.branch === o.branch) && ![...metrics.values()].some((m) => m.rm_id === null && m.branch === o.branch)) {
    const like = sameButCase(o.branch, new Set(all.map((r) => r.branch).filter((b): b is string => !!b)));
    if (like) throw new DataError(`no branch "${o.branch}" in the data; did you mean "${like}"? (names are case-sensitive)`);
    throw new DataError(`no branch "${o.branch}" in the data (branches: ${[...new Set(all.map((r) => r.branch).filter(Boolean))].join(', ') || 'none'})`);
  }
}

/**
 * Every RM's row and pay, filtered or not: a budget scales all RMs' variable pay together.
 * RM ids: every RM in rms, plus ids credited by snapshots but missing from rms.
 */
function rowsAndPay(
  db: Db, o: RmReportOptions, pb: PayBasis, all: RmInfo[], rms: Map<string, RmInfo>,
  metrics: Map<string, RmMetrics>, prevAdb: Map<string, number> | null, days: number,
): { allRows: Row[]; pay: Map<string, PayResult> } {
  const { plan, months, targets } = pb;
  const ids = new Set(all.map((r) => r.rm_id));
  for (const m of metrics.values()) if (m.rm_id !== null) ids.add(m.rm_id);
  const pay = new Map<string, PayResult>();
  const events = plan ? eventCounts(db, o.period.from, o.period.to) : new Map<string, Record<string, number>>();
  const allRows: Row[] = [];
  for (const id of [...ids].sort()) {
    const info = rms.get(id);
    const m = metrics.get(rmKey(id, null)) ?? { rm_id: id, branch: null, ...emptyMetrics() };
    const growth = prevAdb ? adbDifference(m.deposit_adb, prevAdb.get(rmKey(id, null)) ?? 0, days) : null;
    const row: Row = {
      rm_id: id, name: info?.name ?? '(not in rms)', rm_type: info?.rm_type ?? null, branch: info?.branch ?? null,
      ...pick(m), deposit_adb_growth: growth, npl_ratio: m.loan_balance > 0 ? m.npl_balance / m.loan_balance : 0,
    };
    allRows.push(row);
    if (plan && info) {
      const values: Record<string, number> = {};
      for (const k of KPI_VALUES) {
        const v = row[k];
        if (typeof v === 'number') values[k] = v;
      }
      const r = computePay(plan, {
        rm_id: id, name: info.name, rm_type: info.rm_type, base_salary_fen: info.base_salary, months,
        metrics: values, targets: targets.get(id) ?? {}, events: events.get(id),
      });
      pay.set(id, r);
    }
  }
  return { allRows, pay };
}

/** The rows --rm, --rm-type and --branch keep, with their attainment and pay columns. */
function shownRows(o: RmReportOptions, pb: PayBasis, allRows: Row[], pay: Map<string, PayResult>, rms: Map<string, RmInfo>, m: Messages): Row[] {
  const keep = (id: string): boolean => {
    const info = rms.get(id);
    if (o.rm !== undefined && id !== o.rm) return false;
    if (o.rmType !== undefined && info?.rm_type !== o.rmType) return false;
    if (o.branch !== undefined && info?.branch !== o.branch) return false;
    return true;
  };
  const rows: Row[] = [];
  for (const row of allRows) {
    const id = String(row.rm_id);
    if (!keep(id)) continue;
    const r = pay.get(id);
    if (r) {
      m.warnings.push(...r.warnings);
      for (const [k, a] of Object.entries(r.attainment)) row[`attainment_${k}`] = a;
      row.base_pay = r.base_fen;
      if (pb.prorate) row.base_pay_basis = pb.basis;
      row.variable_pay = r.variable_fen;
      row.total_pay = r.total_fen;
    } else if (pb.plan) {
      m.warnings.push(`RM ${id} is credited by account snapshots but is not in rms.csv: no pay`);
    }
    rows.push(row);
  }
  return rows;
}

/** The (unassigned) row: what no RM owns, over every branch or the --branch one; null when nothing. */
function unassignedRow(o: RmReportOptions, metrics: Map<string, RmMetrics>, prevAdb: Map<string, number> | null, days: number): Row | null {
  const groups = [...metrics.values()].filter((m) => m.rm_id === null && (o.branch === undefined || m.branch === o.branch));
  const prevGroups = prevAdb ? [...prevAdb.entries()].filter(([k]) => k.startsWith('\u0000') && (o.branch === undefined || k === rmKey(null, o.branch))) : [];
  if (groups.length === 0 && prevGroups.length === 0) return null;
  const u = emptyMetrics();
  for (const k of SUMMED) u[k] = ADB_COLUMNS.has(k) ? adbSum(groups.map((g) => g[k]), days) : groups.reduce((s, g) => s + g[k], 0);
  const prevDeposit = adbSum(prevGroups.map(([, v]) => v), days);
  return {
    rm_id: UNASSIGNED, name: null, rm_type: null, branch: o.branch ?? null, ...pick(u),
    deposit_adb_growth: prevAdb ? adbDifference(u.deposit_adb, prevDeposit, days) : null, npl_ratio: u.loan_balance > 0 ? u.npl_balance / u.loan_balance : 0,
  };
}

/** The total row: sums of the shown rows (pay only with a plan), growth and NPL ratio of the sums. */
export function totalRow(o: RmReportOptions, plan: IncentivePlan | null, rows: Row[], prevAdb: Map<string, number> | null, days: number): Row {
  const total: Row = { rm_id: o.branch ? `Total ${o.branch}` : 'Total' };
  for (const k of [...SUMMED, 'base_pay', 'variable_pay', 'total_pay']) {
    if (k.endsWith('_pay') && !plan) continue;
    const values = rows.map((r) => (typeof r[k] === 'number' ? (r[k] as number) : 0));
    total[k] = ADB_COLUMNS.has(k) ? adbSum(values, days) : values.reduce((s, v) => s + v, 0);
  }
  total.deposit_adb_growth = prevAdb ? adbSum(rows.map((r) => (r.deposit_adb_growth as number | null) ?? 0), days) : null;
  total.npl_ratio = (total.loan_balance as number) > 0 ? (total.npl_balance as number) / (total.loan_balance as number) : 0;
  return total;
}

function pick(m: Omit<RmMetrics, 'rm_id' | 'branch'>): Row {
  return {
    customers: m.customers, new_customers: m.new_customers, deposit_adb: m.deposit_adb, aum_adb: m.aum_adb, loan_adb: m.loan_adb,
    loan_balance: m.loan_balance, npl_balance: m.npl_balance, fee_income: m.fee_income, contribution: m.contribution,
  };
}

/** Sorts the RM rows by one of `columns` (numbers high to low, text A to Z, missing last), then by RM id; an unknown column is a usage error. */
export function sortRmRows(rows: Row[], columns: readonly ColumnSpec[], sort: string): void {
  const col = columns.find((c) => c.key === sort);
  if (!col) throw new UsageError(`--sort: unknown column "${sort}" (columns: ${columns.map((c) => c.key).join(', ')})`);
  const text = col.kind === 'text' || col.kind === 'date';
  rows.sort((a, b) => compare(a[sort], b[sort], text) || String(a.rm_id).localeCompare(String(b.rm_id)));
}

/** Numbers high to low, text A to Z; missing values last. */
function compare(a: unknown, b: unknown, text: boolean): number {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  if (text) return String(a).localeCompare(String(b));
  return (b as number) - (a as number);
}
