/**
 * `crm segment`: value tiers, concentration, migration and RFM (issue 3, metrics.md).
 * Options, calling the report core (src/segment/report.ts) and formatting; no SQL here.
 */
import type { Command } from 'commander';
import { openDb, resolveDbPath } from '../db/connection.js';
import { caveatText, windowNotes } from '../metrics/caveats.js';
import { UsageError } from '../errors.js';
import { parsePricing, type Pricing } from '../metrics/pricing.js';
import {
  fenToYuan, formatInt, formatMoney, renderCsv, renderJson, renderTable,
  emptySectionLine, roundHalfAwayFromZero, shownKey, useColor, resolveLang, LANG_OPTION_HELP, EXCEL_OPTION_HELP, ENCODING_OPTION_HELP,
  type ColumnSpec, type CsvOptions, type Lang, type Row,
} from '../output/index.js';
import {
  DEFAULT_DORMANT_FLOOR_FEN, DEFAULT_WINDOW_DAYS, rfmReport, segmentDetail, segmentMigration, segmentSummary,
  type MigrationReport, type Period, type RfmReport, type SummaryReport, type DetailReport,
} from '../segment/report.js';
import {
  RFM_SUMMARY_COLUMNS, SUMMARY_VALUE_COLUMNS, TYPE_NAMES, concentrationText, ladderText, periodLines, segName, tierName,
} from '../segment/labels.js';
import { RFM_SEGMENTS, segmentRule } from '../segment/rfm.js';
import { CUSTOMER_TYPES, DEFAULT_TIERS, parseTiers, type Ladder, type TiersConfig } from '../segment/tiers.js';
import type { CustomerType } from '../types.js';
import { globals } from './state.js';
import { csvOptions, date, positiveInt, readConfig, writeOutput } from './options.js';

export const SEGMENT_HELP = `
Views (one per run):
  (default)        summary per tier, with Pareto and Gini, per customer type
  --detail         one row per customer (filter with --tier)
  --compare DATE   tier migration from DATE to --as-of
  rfm (or --rfm)   RFM scores and segments over the 365 days ending on --as-of

Examples:
  crm segment
  crm segment --as-of 2026-11-27 --window 30 --type personal --by branch
  crm segment --detail --tier vip,affluent --format csv --out vip.csv
  crm segment --compare 2026-11-13 --window 14
  crm segment --tiers my-tiers.yaml --pricing my-pricing.yaml --lang zh
  crm segment rfm --detail --format json
  crm segment --excel --out segment.csv              # UTF-8 with BOM for Excel
  crm segment --detail --excel --encoding gb18030 --lang zh --out 客户分层.csv

The tier window is the --window days ending on --as-of, clipped to the dates the data
covers (the report says when it clips). Personal customers are tiered by AUM ADB,
corporate by contribution (defaults as in samples/tiers.yaml; see docs/segment.md).
Dormant: no customer-initiated transaction (interest and fees do not count) in the
365 days ending on --as-of and AUM ADB below
--dormant-floor (default 1,000 CNY). CSV and JSON carry snake_case columns and plain
numbers (money in CNY with 2 decimals). Exit 0 on success, 1 on data problems (e.g. an
empty database), 2 on bad options or files.`;

interface Opts {
  asOf?: string;
  window: string;
  type?: string;
  tiers?: string;
  pricing?: string;
  by?: string;
  detail?: boolean;
  tier?: string;
  compare?: string;
  rfm?: boolean;
  dormantFloor: string;
  format: string;
  out?: string;
  wide?: boolean;
  lang?: string;
  excel?: boolean;
  encoding?: string;
}

export function registerSegment(program: Command): void {
  program
    .command('segment')
    .description('value tiers (客户分层), concentration, tier migration and RFM of the customers')
    .argument('[view]', 'rfm: the RFM report (same as --rfm)')
    .option('--as-of <date>', 'report date (default: the latest data date)')
    .option('--window <days>', 'tier window: this many days ending on --as-of', String(DEFAULT_WINDOW_DAYS))
    .option('--type <type>', 'personal or corporate (default: both, each with its own ladder)')
    .option('--tiers <file>', 'tier ladders, YAML or JSON (default: built in, = samples/tiers.yaml)')
    .option('--pricing <file>', 'contribution pricing, YAML or JSON (default: built in, = samples/pricing.yaml)')
    .option('--by <key>', 'summary per branch or per rm (the RM on the window\'s last day)')
    .option('--detail', 'one row per customer')
    .option('--tier <names>', 'with --detail: only these tiers (codes or names, comma-separated)')
    .option('--compare <date>', 'tier migration from the window ending on DATE to the one ending on --as-of')
    .option('--rfm', 'the RFM report (same as "crm segment rfm")')
    .option('--dormant-floor <cny>', 'dormant: no transaction in 365 days and AUM ADB below this (CNY)', String(DEFAULT_DORMANT_FLOOR_FEN / 100))
    .option('--format <fmt>', 'table, csv or json', 'table')
    .option('--out <file>', 'write the report to FILE instead of standard output')
    .option('--wide', 'table: show every column even if wider than the terminal')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .option('--excel', EXCEL_OPTION_HELP)
    .option('--encoding <enc>', ENCODING_OPTION_HELP)
    .addHelpText('after', SEGMENT_HELP)
    .action((view: string | undefined, o: Opts, cmd: Command) => {
      const rfm = checkView(view, o);
      const csvOpts = csvOptions(o, cmd);
      const format = csvOpts ? 'csv' : oneOf('--format', o.format, ['table', 'csv', 'json']);
      const lang = resolveLang(o.lang);
      const asOf = o.asOf === undefined ? undefined : date('--as-of', o.asOf);
      const windowDays = positiveInt('--window', o.window);
      const types: CustomerType[] = o.type === undefined ? [...CUSTOMER_TYPES] : [oneOf('--type', o.type, CUSTOMER_TYPES) as CustomerType];
      const by = o.by === undefined ? null : (oneOf('--by', o.by, ['branch', 'rm']) as 'branch' | 'rm');
      const dormantFloorFen = money('--dormant-floor', o.dormantFloor);
      const tiers = o.tiers ? parseTiers(readConfig('--tiers', o.tiers), o.tiers) : (DEFAULT_TIERS as TiersConfig);
      const pricing: Pricing | undefined = o.pricing ? parsePricing(readConfig('--pricing', o.pricing), o.pricing) : undefined;
      const compare = o.compare === undefined ? undefined : date('--compare', o.compare);
      const views = [rfm && 'rfm', compare !== undefined && '--compare', o.detail && !rfm && '--detail'].filter(Boolean);
      if (views.length > 1) throw new UsageError(`${views.join(' and ')} are separate views: choose one`);
      if (o.tier !== undefined && compare !== undefined) throw new UsageError('--tier filters --detail; it does not apply to --compare');
      const detail = !!o.detail || (o.tier !== undefined && !rfm);
      if (by && (detail || compare !== undefined)) throw new UsageError('--by applies to the tier summary (not to --detail or --compare)');
      if (by && rfm) throw new UsageError('--by applies to the tier summary, not to rfm');
      if (o.tier !== undefined && rfm && !o.detail) throw new UsageError('--tier filters --detail');
      const tierFilter = o.tier === undefined ? undefined : resolveTierNames(o.tier, tiers, types);
      if (compare !== undefined && asOf !== undefined && compare >= asOf) throw new UsageError(`--compare ${compare} must be before --as-of ${asOf}`);

      const params = { asOf, windowDays, types, tiers, pricing, dormantFloorFen };
      const toFile = o.out !== undefined;
      const ctx: Ctx = { csv: csvOpts ?? {}, format, lang, wide: !!o.wide, color: !toFile && format === 'table' && useColor(process.stdout), width: !toFile && process.stdout.isTTY ? process.stdout.columns : undefined, notes: [] };
      const db = openDb(resolveDbPath(globals(cmd).db));
      let out: string | Buffer;
      try {
        if (rfm) {
          const rep = rfmReport(db, params);
          if (rep.data.first && rep.data.first > rep.window.from) ctx.notes.push(`RFM window clipped: the database holds no transaction before ${rep.data.first}: R, F and M only see ${rep.data.first} to ${rep.window.to}`);
          out = renderRfm(rep, ctx, detail || !!o.detail);
        } else if (compare !== undefined) {
          const rep = segmentMigration(db, params, compare);
          if (compare >= rep.after.as_of) throw new UsageError(`--compare ${compare} must be before the as-of date ${rep.after.as_of}`);
          ctx.notes.push(...windowNotes(db, rep.before.as_of, rep.before.window).map((n) => `${rep.before.as_of}: ${n}`), ...windowNotes(db, rep.after.as_of, rep.after.window).map((n) => `${rep.after.as_of}: ${n}`));
          out = renderMigration(rep, ctx);
        } else if (detail) {
          const rep = segmentDetail(db, params, tierFilter);
          ctx.notes.push(...windowNotes(db, rep.period.as_of, rep.period.window));
          out = renderDetail(rep, ctx);
        } else {
          const rep = segmentSummary(db, params, by);
          ctx.notes.push(...windowNotes(db, rep.period.as_of, rep.period.window));
          out = renderSummary(rep, ctx);
        }
      } finally {
        db.close();
      }
      // Caveats reach stderr whatever the format or --out: a CSV has no room for them.
      for (const n of ctx.notes) process.stderr.write(`crm: warning: ${caveatText(n, lang)}\n`);
      if (o.out !== undefined) writeOutput('--out', o.out, out);
      else process.stdout.write(out);
    });
}

// ---------------------------------------------------------------------------------------------
// Option parsing
// ---------------------------------------------------------------------------------------------

function checkView(view: string | undefined, o: Opts): boolean {
  if (view === undefined) return !!o.rfm;
  if (view !== 'rfm') throw new UsageError(`unknown view "${view}" (expected: rfm, or no argument for the tier report)`);
  return true;
}

function oneOf(flag: string, v: string, allowed: readonly string[]): string {
  const x = v.trim().toLowerCase();
  if (!allowed.includes(x)) throw new UsageError(`${flag}: expected ${allowed.join(' or ')} (got "${v}")`);
  return x;
}

function money(flag: string, v: string): number {
  const s = v.replace(/,/g, '').trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) throw new UsageError(`${flag}: expected an amount in CNY ≥ 0 with at most 2 decimals (got "${v}")`);
  return Math.round(Number(s) * 100);
}

function resolveTierNames(list: string, tiers: TiersConfig, types: readonly CustomerType[]): Set<string> {
  const known = new Map<string, string>();
  for (const t of types) for (const d of tiers[t].tiers) {
    known.set(d.code, d.code);
    known.set(d.name_en.toLowerCase(), d.code);
    known.set(d.name_zh, d.code);
  }
  const out = new Set<string>();
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const code = known.get(raw) ?? known.get(raw.toLowerCase());
    if (!code) {
      const codes = types.flatMap((t) => tiers[t].tiers.map((d) => d.code));
      throw new UsageError(`--tier: unknown tier "${raw}" (expected one of: ${codes.join(', ')})`);
    }
    out.add(code);
  }
  if (out.size === 0) throw new UsageError('--tier: no tier given');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

interface Ctx {
  csv: CsvOptions;
  /** Caveats of the numbers: JSON `notes`, and warnings on stderr. */
  notes: string[];
  format: string;
  lang: Lang;
  wide: boolean;
  color: boolean;
  width: number | undefined;
}

/** Short customer-type names for table cells. */
export const TYPE_SHORT: Record<CustomerType, { en: string; zh: string }> = {
  personal: { en: 'personal', zh: '个人' },
  corporate: { en: 'corporate', zh: '对公' },
};
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

function renderSummary(rep: SummaryReport, ctx: Ctx): string | Buffer {
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

function renderDetail(rep: DetailReport, ctx: Ctx): string | Buffer {
  const rows: Row[] = rep.customers.map((c) => ({
    customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, rm_id: c.rm_id, branch: c.branch,
    tier: c.tier, tier_name: tierName(rep.ladders[c.customer_type] as Ladder, c.tier, ctx.lang),
    aum_adb: c.aum_adb, deposit_adb: c.deposit_adb, loan_adb: c.loan_adb, contribution: c.contribution, fee_income: c.fee_income,
    txn_count: c.txn_count, dormant: c.dormant ? 'yes' : 'no',
  }));
  const meta = { report: 'segment_detail', ...periodMeta(rep.period), ladders: Object.fromEntries(Object.entries(rep.ladders).map(([k, l]) => [k, ladderMeta(l as Ladder)])) };
  return emit(ctx, DETAIL_COLUMNS, rows, meta, () => {
    const title = ctx.lang === 'zh' ? `客户分层明细 · ${rep.period.as_of}` : `Customer tiers, one row per customer, as of ${rep.period.as_of}`;
    const shownRows = ctx.lang === 'zh' ? rows.map((x) => ({ ...x, customer_type: TYPE_SHORT[x.customer_type as CustomerType].zh, dormant: x.dormant === 'yes' ? '是' : '否' })) : rows;
    return [title, ...periodLines(rep.period, ctx.lang), '',
      renderTable(DETAIL_COLUMNS, shownRows, { color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, notes: [ctx.lang === 'zh' ? `共 ${formatInt(rows.length)} 户` : `${formatInt(rows.length)} customer(s)`] })].join('\n');
  });
}

// --- migration -------------------------------------------------------------------------------

function renderMigration(rep: MigrationReport, ctx: Ctx): string | Buffer {
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

function renderRfm(rep: RfmReport, ctx: Ctx, detail: boolean): string | Buffer {
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
  let cols: ColumnSpec[];
  let rows: Row[];
  if (detail) {
    cols = RFM_DETAIL_COLUMNS;
    rows = rep.sections.flatMap((s) => s.customers.map((c): Row => ({
      customer_id: c.customer_id, name: c.name, customer_type: c.customer_type, rm_id: c.rm_id, branch: c.branch,
      last_txn_date: c.last_txn_day, recency_days: c.recency_days, frequency: c.frequency, monetary: c.monetary_fen,
      r: c.r, f: c.f, m: c.m, rfm: `${c.r}${c.f}${c.m}`, segment: ctx.format === 'table' ? segName(c.segment, ctx.lang) : c.segment,
    })));
  } else {
    cols = RFM_SUMMARY_COLUMNS;
    rows = rep.sections.flatMap((s) => s.segments.map((g): Row => ({
      customer_type: s.customer_type, segment: g.segment, segment_name: segName(g.segment, ctx.lang),
      rule: segmentRule(g.segment, ctx.lang), customers: g.customers, customer_share: g.customer_share,
      avg_recency_days: g.avg_recency_days, avg_frequency: g.avg_frequency, monetary: g.monetary_fen, monetary_avg: g.monetary_avg_fen,
    })));
  }
  return emit(ctx, cols, rows, meta, () => {
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
      .map((x) => (zh ? { ...x, customer_type: TYPE_SHORT[x.customer_type as CustomerType]?.zh ?? x.customer_type } : x));
    out.push(renderTable(tableCols, shownRows, { color: ctx.color, width: ctx.width, wide: ctx.wide, lang: ctx.lang, notes: detail ? [zh ? `共 ${formatInt(rows.length)} 户` : `${formatInt(rows.length)} customer(s)`] : [] }));
    return out.join('\n');
  });
}
