/**
 * `crm segment`'s output: the tier summary, the customer detail, tier migration and RFM as a
 * table, CSV or JSON, with their columns and JSON metadata. The numbers come from
 * src/segment/report.ts; the words from src/segment/labels.ts.
 */
import {
  csvChunks, fenToYuan, formatInt, formatMoney, jsonChunks, renderCsv, renderJson, renderTable,
  emptySectionLine, roundHalfAwayFromZero, shownKey, writeCsv, writeJson,
  type ColumnSpec, type Write, type CsvOptions, type Lang, type Row,
} from '../output/index.js';
import { detailRows, type DetailReport, type MigrationReport, type Period, type SummaryReport } from './report.js';
import type { RfmCustomer, RfmReport } from './rfm-report.js';
import {
  RFM_SUMMARY_COLUMNS, SUMMARY_VALUE_COLUMNS, TYPE_NAMES, concentrationText, ladderText, periodLines, segName, tierName,
} from './labels.js';
import { RFM_SEGMENTS, segmentRule } from './rfm.js';
import type { Ladder } from './tiers.js';
import type { CustomerType } from '../types.js';
import { typeShort } from '../types.js';

/** How to render, and the caveats collected on the way. */
export interface Ctx {
  csv: CsvOptions;
  /** Caveats of the numbers: JSON `notes`, and warnings on stderr. */
  notes: string[];
  format: string;
  lang: Lang;
  wide: boolean;
  color: boolean;
  width: number | undefined;
}

function periodMeta(p: Period): Record<string, unknown> {
  return {
    as_of: p.as_of,
    window: { from: p.window.from, to: p.window.to, days: p.window.days, requested_from: p.window.requestedFrom, requested_to: p.window.requestedTo, clipped: p.window.clipped },
    data_coverage: p.window.coverage,
    data_used: p.data,
    dormant: { from: p.activity_window.from, to: p.activity_window.to, aum_adb_floor: fenToYuan(p.dormant_floor_fen) },
  };
}

const m6 = (x: number | null): number | null => (x === null ? null : roundHalfAwayFromZero(x, 6));

function emit(ctx: Ctx, columns: ColumnSpec[], rows: Row[], meta: Record<string, unknown>, table: () => string): string | Buffer {
  if (ctx.format === 'csv') return renderCsv(columns, rows, ctx.csv);
  if (ctx.format === 'json') return renderJson(columns, rows, { ...meta, notes: ctx.notes });
  return table();
}

// --- summary ---------------------------------------------------------------------------------

export function renderSummary(rep: SummaryReport, ctx: Ctx): string | Buffer {
  const groupKey = rep.group_by === 'rm' ? 'rm_id' : rep.group_by === 'branch' ? 'branch' : null;
  const machineCols: ColumnSpec[] = [
    { key: 'customer_type', header: 'Type', kind: 'text' },
    ...(groupKey ? [{ key: groupKey, header: groupKey === 'rm_id' ? 'RM' : 'Branch', kind: 'text' } as ColumnSpec] : []),
    { key: 'tier', header: 'Tier code', kind: 'text' },
    { key: 'tier_name', header: 'Tier', headerZh: '层级', kind: 'text' },
    ...SUMMARY_VALUE_COLUMNS,
  ];
  const rows: Row[] = [];
  const concentrationMeta: Record<string, unknown>[] = [];
  for (const s of rep.sections) for (const g of s.groups) {
    for (const r of [...g.rows, g.total]) {
      const row: Row = { customer_type: s.customer_type, tier: r.tier, tier_name: tierName(s.ladder, r.tier, ctx.lang) };
      if (groupKey) row[groupKey] = g.group;
      for (const c of SUMMARY_VALUE_COLUMNS) row[c.key] = (r as unknown as Record<string, number | null>)[c.key];
      rows.push(row);
    }
    for (const c of g.concentration) {
      concentrationMeta.push({ customer_type: s.customer_type, ...(groupKey ? { [groupKey]: g.group } : {}), measure: c.measure, customers: c.n, top_customers: c.top_n, pareto: m6(c.pareto), gini: m6(c.gini), undefined_reason: c.undefined_reason });
    }
  }
  const meta = {
    report: 'segment',
    ...periodMeta(rep.period),
    group_by: groupKey,
    ladders: Object.fromEntries(rep.sections.map((s) => [s.customer_type, ladderMeta(s.ladder)])),
    concentration: concentrationMeta,
  };
  return emit(ctx, machineCols, rows, meta, () => {
    const title = ctx.lang === 'zh' ? `客户分层 · ${rep.period.as_of}` : `Customer segmentation as of ${rep.period.as_of}`;
    const out: string[] = [title, ...periodLines(rep.period, ctx.lang), ''];
    const tableCols: ColumnSpec[] = [{ key: 'tier_name', header: 'Tier', headerZh: '层级', kind: 'text' }, ...SUMMARY_VALUE_COLUMNS];
    let i = 0;
    for (const s of rep.sections) for (const g of s.groups) {
      const n = g.rows.length + 1;
      const body = rows.slice(i, i + n - 1);
      const total = { ...rows[i + n - 1] };
      delete total.tier_name;
      i += n;
      const groupName = groupKey === 'rm_id' ? (ctx.lang === 'zh' ? '客户经理' : 'RM') : ctx.lang === 'zh' ? '机构' : 'branch';
      const head = `${TYPE_NAMES[s.customer_type][ctx.lang]} — ${ladderText(s.ladder, ctx.lang)}${g.group !== null ? ` — ${groupName} ${shownKey(g.group, ctx.lang)}` : ''}`;
      if (g.total.customers === 0) {
        out.push(emptySectionLine(head, ctx.lang), '');
        continue;
      }
      out.push(renderTable(tableCols, body, {
        color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, title: head, totals: total,
        notes: g.concentration.map((c) => concentrationText(c, ctx.lang)),
      }));
    }
    return out.join('\n');
  });
}

function ladderMeta(l: Ladder): Record<string, unknown> {
  return {
    measure: l.measure,
    method: l.method,
    tiers: l.tiers.map((t) => ({ code: t.code, name_zh: t.name_zh, name_en: t.name_en, ...(t.min_fen !== undefined ? { min: fenToYuan(t.min_fen) } : {}), ...(t.share !== undefined ? { share: t.share } : {}) })),
  };
}

// --- detail ----------------------------------------------------------------------------------

const DETAIL_COLUMNS: ColumnSpec[] = [
  { key: 'customer_id', header: 'Customer', headerZh: '客户号', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '客户名称', kind: 'text' },
  { key: 'customer_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 2 },
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text', priority: 4 },
  { key: 'branch', header: 'Branch', headerZh: '机构', kind: 'text', priority: 3 },
  { key: 'tier', header: 'Tier code', headerZh: '层级代码', kind: 'text', priority: 1 },
  { key: 'tier_name', header: 'Tier', headerZh: '层级', kind: 'text' },
  { key: 'aum_adb', header: 'AUM ADB', headerZh: 'AUM日均', kind: 'money' },
  { key: 'deposit_adb', header: 'Deposit ADB', headerZh: '存款日均', kind: 'money', priority: 5 },
  { key: 'loan_adb', header: 'Loan ADB', headerZh: '贷款日均', kind: 'money', priority: 5 },
  { key: 'contribution', header: 'Contribution', headerZh: '贡献', kind: 'money' },
  { key: 'fee_income', header: 'Fee income', headerZh: '中间业务收入', kind: 'money', priority: 4 },
  { key: 'txn_count', header: 'Txns', headerZh: '交易笔数', kind: 'int', priority: 3 },
  { key: 'dormant', header: 'Dormant', headerZh: '睡眠户', kind: 'text', priority: 3 },
];

/**
 * The detail: CSV and JSON in chunks, row by row from the population (a caller writes each chunk
 * as it comes); the table (for a terminal) at once.
 */
export function renderDetail(rep: DetailReport, ctx: Ctx): Iterable<string | Buffer> {
  const rows = function* (): Generator<Row> {
    for (const c of detailRows(rep)) {
      yield {
        customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, rm_id: c.rm_id, branch: c.branch,
        tier: c.tier, tier_name: tierName(rep.ladders[c.customer_type] as Ladder, c.tier, ctx.lang),
        aum_adb: c.aum_adb, deposit_adb: c.deposit_adb, loan_adb: c.loan_adb, contribution: c.contribution, fee_income: c.fee_income,
        txn_count: c.txn_count, dormant: c.dormant ? 'yes' : 'no',
      };
    }
  };
  const meta = { report: 'segment_detail', ...periodMeta(rep.period), ladders: Object.fromEntries(Object.entries(rep.ladders).map(([k, l]) => [k, ladderMeta(l as Ladder)])) };
  if (ctx.format === 'csv') return csvChunks(DETAIL_COLUMNS, rows(), ctx.csv);
  if (ctx.format === 'json') return jsonChunks(DETAIL_COLUMNS, rows(), { ...meta, notes: ctx.notes });
  const title = ctx.lang === 'zh' ? `客户分层明细 · ${rep.period.as_of}` : `Customer tiers, one row per customer, as of ${rep.period.as_of}`;
  const all = [...rows()];
  const shownRows = ctx.lang === 'zh' ? all.map((x) => ({ ...x, customer_type: typeShort(String(x.customer_type), 'zh'), dormant: x.dormant === 'yes' ? '是' : '否' })) : all;
  return [[title, ...periodLines(rep.period, ctx.lang), '',
    renderTable(DETAIL_COLUMNS, shownRows, { color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, notes: [ctx.lang === 'zh' ? `共 ${formatInt(all.length)} 户` : `${formatInt(all.length)} customer(s)`] })].join('\n')];
}

// --- migration -------------------------------------------------------------------------------

export function renderMigration(rep: MigrationReport, ctx: Ctx): string | Buffer {
  const d1 = rep.before.as_of;
  const d2 = rep.after.as_of;
  const machineCols: ColumnSpec[] = [
    { key: 'customer_type', header: 'Type', kind: 'text' },
    { key: 'from_tier', header: `Tier at ${d1}`, kind: 'text' },
    { key: 'to_tier', header: `Tier at ${d2}`, kind: 'text' },
    { key: 'customers', header: 'Customers', kind: 'int' },
    { key: 'aum_adb', header: 'AUM ADB', kind: 'money' },
  ];
  const rows: Row[] = [];
  for (const s of rep.sections) {
    s.result.rows.forEach((from, i) => s.result.columns.forEach((to, j) => {
      rows.push({ customer_type: s.customer_type, from_tier: from, to_tier: to, customers: s.result.counts[i][j], aum_adb: s.result.aum_fen[i][j] });
    }));
  }
  const meta = {
    report: 'segment_migration',
    date1: { ...periodMeta(rep.before) },
    date2: { ...periodMeta(rep.after) },
    summary: rep.sections.map((s) => ({
      customer_type: s.customer_type, customers: s.result.customers, upgrades: s.result.upgrades, downgrades: s.result.downgrades,
      unchanged: s.result.unchanged, new: s.result.new_customers, gone: s.result.gone_customers,
    })),
    ladders: Object.fromEntries(rep.sections.map((s) => [s.customer_type, ladderMeta(s.ladder)])),
  };
  return emit(ctx, machineCols, rows, meta, () => {
    const out: string[] = [ctx.lang === 'zh' ? `客户分层迁移：${d1} → ${d2}` : `Tier migration from ${d1} to ${d2}`];
    const zh = ctx.lang === 'zh';
    out.push(zh ? `日期 1（${d1}）：` : `Date 1 (${d1}):`, ...periodLines(rep.before, ctx.lang, false).map((l) => `  ${l}`));
    out.push(zh ? `日期 2（${d2}）：` : `Date 2 (${d2}):`, ...periodLines(rep.after, ctx.lang, false).map((l) => `  ${l}`));
    if (zh) {
      out.push('行：日期 1 的层级（新增 = 其统计期内无余额也无交易）；列：日期 2 的层级（流失 = 其统计期内无余额也无交易）。');
      out.push('AUM：日期 2 统计期的 AUM 日均；流失列为日期 1 统计期的 AUM 日均。', '');
    } else {
      out.push('Rows: tier at date 1 (new = no balance or transaction in its window); columns: tier at date 2 (gone = none in its window).');
      out.push('AUM: AUM ADB of the date-2 window, except the gone column (AUM ADB of the date-1 window).', '');
    }
    for (const s of rep.sections) {
      const r = s.result;
      const cols = (kind: 'int' | 'money'): ColumnSpec[] => [
        { key: 'from', header: `${d1} \\ ${d2}`, kind: 'text' },
        ...r.columns.map((c): ColumnSpec => ({ key: `to_${c}`, header: tierName(s.ladder, c, 'en'), headerZh: tierName(s.ladder, c, 'zh'), kind })),
      ];
      const matrix = (vals: number[][]): Row[] => r.rows.map((from, i) => {
        const row: Row = { from: tierName(s.ladder, from, ctx.lang) };
        r.columns.forEach((c, j) => { row[`to_${c}`] = vals[i][j]; });
        return row;
      });
      const head = `${TYPE_NAMES[s.customer_type][ctx.lang]} — ${ladderText(s.ladder, ctx.lang)}`;
      if (r.customers === 0) {
        out.push(emptySectionLine(head, ctx.lang), '');
        continue;
      }
      out.push(renderTable(cols('int'), matrix(r.counts), { color: ctx.color, width: ctx.width, wide: ctx.wide, split: true, lang: ctx.lang, title: `${head}${zh ? '：客户数' : ': customers'}` }));
      out.push(renderTable(cols('money'), matrix(r.aum_fen), { color: ctx.color, width: ctx.width, wide: ctx.wide, split: true, lang: ctx.lang, title: `${head}${zh ? '：AUM 日均（元）' : ': AUM ADB (CNY)'}` }));
      out.push(zh
        ? `升级 ${formatInt(r.upgrades)}，降级 ${formatInt(r.downgrades)}，不变 ${formatInt(r.unchanged)}；新增 ${formatInt(r.new_customers)}，流失 ${formatInt(r.gone_customers)}；共 ${formatInt(r.customers)} 户。`
        : `Upgrades ${formatInt(r.upgrades)}, downgrades ${formatInt(r.downgrades)}, unchanged ${formatInt(r.unchanged)}; new ${formatInt(r.new_customers)}, gone ${formatInt(r.gone_customers)}; ${formatInt(r.customers)} customer(s) in all.`, '');
    }
    return out.join('\n');
  });
}

// --- RFM -------------------------------------------------------------------------------------

const RFM_DETAIL_COLUMNS: ColumnSpec[] = [
  { key: 'customer_id', header: 'Customer', headerZh: '客户号', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '客户名称', kind: 'text' },
  { key: 'customer_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 2 },
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text', priority: 3 },
  { key: 'branch', header: 'Branch', headerZh: '机构', kind: 'text', priority: 2 },
  { key: 'last_txn_date', header: 'Last txn', headerZh: '最近交易', kind: 'date', priority: 1 },
  { key: 'recency_days', header: 'R days', headerZh: 'R（天）', kind: 'int' },
  { key: 'frequency', header: 'F', headerZh: 'F', kind: 'int' },
  { key: 'monetary', header: 'M', headerZh: 'M', kind: 'money' },
  { key: 'r', header: 'R', kind: 'int' },
  { key: 'f', header: 'F score', headerZh: 'F分', kind: 'int' },
  { key: 'm', header: 'M score', headerZh: 'M分', kind: 'int' },
  { key: 'rfm', header: 'RFM', kind: 'text' },
  { key: 'segment', header: 'Segment', headerZh: '分群', kind: 'text' },
];

/** One detail row of the RFM report. */
function rfmDetailRow(c: RfmCustomer, ctx: Ctx): Row {
  return {
    customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, rm_id: c.rm_id, branch: c.branch,
    last_txn_date: c.last_txn_day, recency_days: c.recency_days, frequency: c.frequency, monetary: c.monetary_fen,
    r: c.r, f: c.f, m: c.m, rfm: `${c.r}${c.f}${c.m}`, segment: ctx.format === 'table' ? segName(c.segment, ctx.lang) : c.segment,
  };
}

/** Every section's detail rows, one at a time. */
function* rfmDetailRows(rep: RfmReport, ctx: Ctx): Generator<Row> {
  for (const s of rep.sections) for (const c of rep.eachCustomer(s)) yield rfmDetailRow(c, ctx);
}

/**
 * The RFM report, written in pieces by `write`: the CSV and JSON detail row by row as the
 * customers are read (a million of them are never held); the rest whole.
 */
export function renderRfm(rep: RfmReport, ctx: Ctx, detail: boolean, write: Write): void {
  const cutsMeta = rep.sections.map((s) => ({
    customer_type: s.customer_type,
    active_customers: s.active_customers,
    recency_days: s.cuts.recency,
    frequency: s.cuts.frequency,
    monetary: s.cuts.monetary?.map(fenToYuan) ?? null,
  }));
  const meta = {
    report: detail ? 'segment_rfm_detail' : 'segment_rfm',
    as_of: rep.as_of,
    window: rep.window,
    transactions_used: rep.data,
    cut_points: cutsMeta,
    segments: RFM_SEGMENTS.map((s) => ({ code: s.code, name_zh: s.name_zh, name_en: s.name_en, rule: s.rule, rule_zh: s.rule_zh })),
  };
  if (detail && ctx.format === 'csv') return writeCsv(RFM_DETAIL_COLUMNS, rfmDetailRows(rep, ctx), ctx.csv, write);
  if (detail && ctx.format === 'json') return writeJson(RFM_DETAIL_COLUMNS, rfmDetailRows(rep, ctx), { ...meta, notes: ctx.notes }, write);
  let cols: ColumnSpec[];
  let rows: Row[];
  if (detail) {
    cols = RFM_DETAIL_COLUMNS;
    rows = [...rfmDetailRows(rep, ctx)];
  } else {
    cols = RFM_SUMMARY_COLUMNS;
    rows = rep.sections.flatMap((s) => s.segments.map((g): Row => ({
      customer_type: s.customer_type, segment: g.segment, segment_name: segName(g.segment, ctx.lang),
      rule: segmentRule(g.segment, ctx.lang), customers: g.customers, customer_share: g.customer_share,
      avg_recency_days: g.avg_recency_days, avg_frequency: g.avg_frequency, monetary: g.monetary_fen, monetary_avg: g.monetary_avg_fen,
    })));
  }
  write(emit(ctx, cols, rows, meta, () => rfmTable(rep, ctx, detail, cols, rows)));
}

/** The RFM report as a table: the window, each type's cut points, then the rows. */
function rfmTable(rep: RfmReport, ctx: Ctx, detail: boolean, cols: ColumnSpec[], rows: Row[]): string {
  const out: string[] = [ctx.lang === 'zh' ? `RFM 分析 · ${rep.as_of}` : `RFM as of ${rep.as_of}`];
  const zh = ctx.lang === 'zh';
  if (zh) {
    out.push(`统计期：${rep.window.from} 至 ${rep.window.to}（${rep.window.days} 天）；${rep.data.count ? `${formatInt(rep.data.count)} 笔交易 ${rep.data.first} 至 ${rep.data.last}` : '无交易'}。`);
    if (rep.data.first && rep.data.first > rep.window.from) out.push(`注意：数据库中没有 ${rep.data.first} 之前的交易：R、F、M 只反映 ${rep.data.first} 至 ${rep.window.to}。`);
    out.push('R = 距最近一笔交易的天数，F = 交易笔数，M = Σ |金额|（元）；按五分位打 1-5 分，5 分最好；无交易：R = F = M = 1。', '');
  } else {
    out.push(`Window: ${rep.window.from} to ${rep.window.to} (${rep.window.days} days); ${rep.data.count ? `${formatInt(rep.data.count)} transaction(s) ${rep.data.first} to ${rep.data.last}` : 'no transactions'}.`);
    if (rep.data.first && rep.data.first > rep.window.from) out.push(`Note: the database holds no transaction before ${rep.data.first}: R, F and M only see ${rep.data.first} to ${rep.window.to}.`);
    out.push('R = days since the last transaction, F = transactions, M = Σ |amount| (CNY); scores 1-5 by quintile, 5 = best; no transaction: R = F = M = 1.', '');
  }
  for (const s of rep.sections) {
    out.push(zh
      ? `${TYPE_NAMES[s.customer_type].zh}：分位点 c1..c4 取自 ${formatInt(s.active_customers)} 户有交易的客户`
      : `${TYPE_NAMES[s.customer_type].en}: cut points c1..c4 from ${formatInt(s.active_customers)} customer(s) with a transaction`);
    if (s.cuts.recency && s.cuts.frequency && s.cuts.monetary) {
      out.push(`  R (${zh ? '天' : 'days'}, ≤ c1 → 5 … > c4 → 1): ${s.cuts.recency.map((x) => formatInt(x)).join(', ')}`);
      out.push(`  F (${zh ? '笔' : 'count'}, ≤ c1 → 1 … > c4 → 5): ${s.cuts.frequency.map((x) => formatInt(x)).join(', ')}`);
      out.push(`  M (${zh ? '元' : 'CNY'}, ≤ c1 → 1 … > c4 → 5): ${s.cuts.monetary.map((x) => formatMoney(x)).join(', ')}`);
    } else out.push(zh ? '  （无：统计期内没有客户发生交易）' : '  (none: no customer has a transaction in the window)');
  }
  out.push('');
  // A customer type without customers: one line instead of its all-zero rows.
  const empty = detail ? [] : rep.sections.filter((s) => s.segments.every((g) => g.customers === 0)).map((s) => s.customer_type);
  for (const t of empty) out.push(emptySectionLine(TYPE_NAMES[t][ctx.lang], ctx.lang));
  if (empty.length) out.push('');
  const kept = rep.sections.length - empty.length;
  const tableCols = detail ? cols : cols.filter((c) => c.key !== 'customer_type' || kept > 1);
  const shownRows = rows.filter((x) => !empty.includes(x.customer_type as CustomerType))
    .map((x) => (zh ? { ...x, customer_type: typeShort(String(x.customer_type), 'zh') } : x));
  out.push(renderTable(tableCols, shownRows, { color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, notes: detail ? [zh ? `共 ${formatInt(rows.length)} 户` : `${formatInt(rows.length)} customer(s)`] : [] }));
  return out.join('\n');
}
