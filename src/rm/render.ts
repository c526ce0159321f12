/**
 * Rendering of the RM report and of pay statements (table text, CSV, JSON) through src/output.
 */
import type { PayResult, StatementLine } from '../incentive/pay.js';
import { typeShort, MONEY_METRICS } from '../types.js';
import {
  formatMoney, formatNumber, formatPercent, jsonCell, renderCsv, renderJson, renderTable, roundHalfAwayFromZero, wrapText,
  type ColumnSpec, type CsvOptions, type Lang, type Row,
} from '../output/index.js';
import { carriedForwardNoteZh } from '../metrics/caveats.js';
import type { RmInfo } from '../metrics/rm.js';
import { UNASSIGNED, metricName, type RmReport } from './report.js';

export type Format = 'table' | 'csv' | 'json';

export interface RenderOptions {
  format: Format;
  lang: Lang;
  color: boolean;
  width?: number;
  wide?: boolean;
  /** CSV bytes: BOM / GB18030 / CRLF for Excel (default plain UTF-8). */
  csv?: CsvOptions;
}

function meta(r: RmReport): Record<string, unknown> {
  return {
    period: r.period.name,
    period_from: r.period.from,
    period_to: r.period.to,
    window_from: r.window.from,
    window_to: r.window.to,
    days: r.window.days,
    clipped: r.window.clipped,
    data_from: r.window.coverage.first,
    data_to: r.window.coverage.last,
    previous_from: r.previous?.from ?? null,
    previous_to: r.previous?.to ?? null,
    months: r.plan ? r.period.months : null,
    plan: r.plan ? r.plan.file : null,
    sort: r.sort,
    notes: r.notes,
    warnings: r.warnings,
  };
}

function jsonRow(columns: ColumnSpec[], row: Row): Record<string, string | number | null> {
  const o: Record<string, string | number | null> = {};
  for (const c of columns) o[c.key] = jsonCell(c, row[c.key]);
  return o;
}

/**
 * table: the rows, the branch total and the notes. csv: the payroll export, one row per RM with the
 * column keys as header and amounts with 2 decimals; the (unassigned) row only without a plan; no total.
 * json: meta, rows and total.
 */
export function renderReport(r: RmReport, o: RenderOptions): string | Buffer {
  if (o.format === 'csv') {
    const rows = r.plan ? r.rows.filter((x) => x.rm_id !== UNASSIGNED) : r.rows;
    return renderCsv(r.columns, rows, o.csv);
  }
  if (o.format === 'json') {
    const text = renderJson(r.columns, r.rows, meta(r));
    const obj = JSON.parse(text) as Record<string, unknown>;
    obj.total = jsonRow(r.columns, r.total);
    return `${JSON.stringify(obj, null, 2)}\n`;
  }
  const title = o.lang === 'zh'
    ? `客户经理业绩${r.plan ? '与绩效薪酬' : ''}：${r.period.name ?? `${r.period.from} 至 ${r.period.to}`}`
    : `RM performance${r.plan ? ' and incentive pay' : ''}: ${r.period.name ?? `${r.period.from} to ${r.period.to}`}`;
  const zh = o.lang === 'zh';
  const rows = zh ? r.rows.map(rmRowZh) : r.rows;
  return renderTable(r.columns, rows, {
    color: o.color, width: o.width, wide: o.wide, lang: o.lang, title, totals: { ...r.total, rm_id: zh ? String(r.total.rm_id).replace(/^Total/, '合计') : r.total.rm_id },
    notes: [...r.notes.map((n) => (zh ? noteZh(n) : n)), zh ? '金额单位：元；日均 = 按归属天数计入的日均余额' : 'money in CNY; ADB = average daily balance credited by days owned'],
  });
}

/** An RM report row as shown under zh: RM type, the unassigned row and unknown names in Chinese. */
export function rmRowZh(x: Row): Row {
  return {
    ...x,
    rm_type: typeof x.rm_type === 'string' ? typeShort(x.rm_type, 'zh') : x.rm_type,
    rm_id: x.rm_id === UNASSIGNED ? '（未分配）' : x.rm_id,
    name: x.name === '(not in rms)' ? '（不在客户经理名单）' : x.name,
  };
}

/** The warnings of src/incentive/pay.ts and src/rm/report.ts in Chinese (others stay as written). */
export function warningZh(w: string): string {
  let m: RegExpExecArray | null;
  const who = (t: string) => t.replace(/^RM (\S+)(?: \((.*)\))?$/, (_, id: string, name?: string) => `客户经理 ${id}${name ? `（${name}）` : ''}`);
  if ((m = /^(RM .+?): no target for KPI (\S+); it pays 0$/.exec(w))) return `${who(m[1])}：指标${metricName(m[2], 'zh')}无目标，计 0`;
  if ((m = /^(RM .+?): target (\S+) is not above 0 for KPI (\S+); it pays 0$/.exec(w))) return `${who(m[1])}：指标${metricName(m[3], 'zh')}的目标 ${m[2]} 不大于 0，计 0`;
  if ((m = /^(RM .+?): no value for metric (\S+); counted as 0$/.exec(w))) return `${who(m[1])}：指标${metricName(m[2], 'zh')}无数值，按 0 计`;
  if ((m = /^(RM .+?): the plan (.+) has no (corporate|personal) section; base pay only$/.exec(w))) return `${who(m[1])}：方案 ${m[2]} 没有${typeShort(m[3], 'zh')}部分，只发基本工资`;
  if ((m = /^(RM .+?): no npl_ratio; NPL deduction not applied$/.exec(w))) return `${who(m[1])}：无不良率，不做不良扣减`;
  if ((m = /^(RM .+?): event (\S+) is not in the plan; ignored$/.exec(w))) return `${who(m[1])}：事件 ${m[2]} 不在方案中，已忽略`;
  if ((m = /^period (.+?) is only partly covered by the data: (\S+) to (\S+), (\d+) of (\d+) days$/.exec(w))) return `考核期 ${m[1].replace(' to ', ' 至 ')} 仅部分有数据：${m[2]} 至 ${m[3]}，${m[5]} 天中的 ${m[4]} 天`;
  const carried = carriedForwardNoteZh(w);
  if (carried) return carried;
  if ((m = /^RM (\S+) is credited by account snapshots but is not in rms\.csv: no pay$/.exec(w))) return `客户经理 ${m[1]} 在账户快照中有业绩，但不在客户经理名单（rms.csv）中：不计薪酬`;
  return w;
}

/** The report notes of src/rm/report.ts in Chinese (the common ones; others stay as written). */
export function noteZh(n: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^period (.+?): (\S+) to (\S+); the data covers (\S+) to (\S+), so the report uses (\S+) to (\S+) \((\d+) days\)$/.exec(n))) {
    return `考核期 ${m[1].replace(' to ', ' 至 ')}：${m[2]} 至 ${m[3]}；数据覆盖 ${m[4]} 至 ${m[5]}，本报告使用 ${m[6]} 至 ${m[7]}（${m[8]} 天）`;
  }
  if ((m = /^period (.+?): (\S+) to (\S+) \((\d+) days\)$/.exec(n))) return `考核期 ${m[1].replace(' to ', ' 至 ')}：${m[2]} 至 ${m[3]}（${m[4]} 天）`;
  if ((m = /^deposit ADB growth: the previous (\d+) days \((\S+) to (\S+)\) are not covered by the data, which starts (\S+); left empty$/.exec(n))) {
    return `存款日均增量：前 ${m[1]} 天（${m[2]} 至 ${m[3]}）不在数据范围内（数据从 ${m[4]} 开始），留空`;
  }
  if ((m = /^deposit ADB growth: against the previous (\d+) days, (\S+) to (\S+)$/.exec(n))) return `存款日均增量：与前 ${m[1]} 天（${m[2]} 至 ${m[3]}）比较`;
  if ((m = /^pay: plan (?:"(.*)" )?\((.*)\); (.*?); targets for period (\S+)$/.exec(n))) {
    return `薪酬：方案${m[1] ? `"${m[1]}"` : ''}（${m[2]}）；${m[3].replace(/^(\d+) calendar months? in (\S+)$/, '$2 共 $1 个自然月')}；目标取 ${m[4]} 期`;
  }
  if ((m = /^pay: plan (?:"(.*)" )?\((.*)\); (\d+) days × 12 ÷ 365 = (\S+) months; no targets \(the range is no named period: use --targets-period\)$/.exec(n))) {
    return `薪酬：方案${m[1] ? `"${m[1]}"` : ''}（${m[2]}）；${m[3]} 天 × 12 ÷ 365 = ${m[4]} 个月；无目标（该日期范围不是命名考核期：请用 --targets-period）`;
  }
  if ((m = /^the \(unassigned\) row is left out: it has no RM type( and is no RM)?$/.exec(n))) return `（未分配）行未列出：它没有客户经理类型${m[1] ? '，也不是客户经理' : ''}`;
  if ((m = /^pay: base pay prorated to the (\d+) of (\d+) days the data covers \((\S+) to (\S+)\): (\S+) months$/.exec(n))) {
    return `薪酬：基本工资按数据覆盖的 ${m[1]}/${m[2]} 天（${m[3]} 至 ${m[4]}）折算为 ${m[5]} 个月`;
  }
  const carried = carriedForwardNoteZh(n);
  if (carried) return carried;
  if (n.startsWith('pay: the period is only partly covered by data')) return '薪酬：考核期仅部分有数据；日均类指标按有数据的天数平均，中间业务收入、贡献度和新增客户只计有数据的天数';
  return n;
}

// ----------------------------------------------------------------------------------------------
// Pay statements
// ----------------------------------------------------------------------------------------------

export const STATEMENT_COLUMNS: ColumnSpec[] = [
  { key: 'line', header: '#', headerZh: '序号', kind: 'int' },
  { key: 'kind', header: 'Kind', headerZh: '类别', kind: 'text' },
  { key: 'metric', header: 'Metric', headerZh: '项目', kind: 'text' },
  { key: 'actual', header: 'Actual', headerZh: '实际', kind: 'number' },
  { key: 'target', header: 'Target', headerZh: '目标', kind: 'number' },
  { key: 'attainment', header: 'Attainment', headerZh: '达成率', kind: 'percent' },
  { key: 'amount', header: 'Amount (CNY)', headerZh: '金额（元）', kind: 'money' },
  { key: 'rule', header: 'Rule applied', headerZh: '计算规则', kind: 'text' },
];

/**
 * The statement as printed: kind and metric in one "item" cell, actual and target in the metric's
 * own unit (right-aligned), the rule wrapping inside its column (or under its row when the
 * terminal is too narrow for it).
 */
const STATEMENT_TEXT_COLUMNS: ColumnSpec[] = [
  { key: 'line', header: '#', headerZh: '序号', kind: 'int' },
  { key: 'item', header: 'Item', headerZh: '项目', kind: 'text', wrap: 10 },
  { key: 'actual', header: 'Actual', headerZh: '实际', kind: 'number' },
  { key: 'target', header: 'Target', headerZh: '目标', kind: 'number' },
  { key: 'attainment', header: 'Attained', headerZh: '达成率', kind: 'percent' },
  { key: 'amount', header: 'Pay (CNY)', headerZh: '金额（元）', kind: 'money' },
  { key: 'rule', header: 'Rule applied', headerZh: '计算规则', kind: 'text', wrap: 30 },
];

/** Statement line kinds for people. */
const LINE_KIND: Record<string, { en: string; zh: string }> = {
  kpi: { en: 'KPI', zh: '考核指标' }, commission: { en: 'Commission', zh: '提成' }, pricing: { en: 'Pricing', zh: '计价' },
  modifier: { en: 'Event', zh: '事件' }, budget: { en: 'Budget', zh: '预算调整' },
  adjustment: { en: 'Adjustment', zh: '往期调整' }, deferral: { en: 'Deferral', zh: '递延' }, release: { en: 'Release', zh: '递延发放' },
  clawback: { en: 'Clawback', zh: '追索扣回' },
};

/** A statement line's kind in words (the CSV and JSON keep the code). */
export const lineKindName = (kind: string, lang: Lang): string => (kind === 'base' ? (lang === 'zh' ? '基本工资' : 'Base') : LINE_KIND[kind]?.[lang] ?? kind);

/** What a statement line pays for, in words: "KPI: Deposit ADB" / "考核指标：存款日均". */
export function lineItem(kind: string, metric: string, lang: Lang): string {
  const zh = lang === 'zh';
  if (kind === 'base') return zh ? '基本工资' : 'Base salary';
  if (kind === 'floor') return zh ? '绩效薪酬保底' : 'Variable pay floor';
  if (kind === 'modifier' && metric === 'npl_ratio') return zh ? '不良率扣减' : 'NPL deduction';
  const k = LINE_KIND[kind]?.[lang] ?? kind;
  return zh ? `${k}：${metricName(metric, lang)}` : `${k}: ${metricName(metric, lang)}`;
}

/** Actual/target in the units of the plan: CNY for money metrics, percent for npl_ratio, counts plain. */
function shown(metric: string, v: number | null): string | null {
  if (v === null) return null;
  if (MONEY_METRICS.has(metric)) return formatMoney(v * 100);
  if (metric === 'npl_ratio') return formatPercent(v, 2);
  return Number.isInteger(v) ? formatNumber(v, 0) : formatNumber(v, 2);
}

/** Machine value of an actual/target: money metrics rounded to the fen like every money column. */
function machine(metric: string, v: number | null): number | null {
  return v !== null && MONEY_METRICS.has(metric) ? roundHalfAwayFromZero(v, 2) : v;
}

function lineRows(lines: StatementLine[], lang: Lang): Row[] {
  return lines.map((l, i) => ({
    line: i + 1, kind: l.kind, metric: l.metric, actual: machine(l.metric, l.actual), target: machine(l.metric, l.target),
    attainment: l.attainment, amount: l.amount_fen, rule: lang === 'zh' ? l.rule_zh : l.rule,
  }));
}

export function statementHeader(r: RmReport, info: RmInfo, lang: Lang): string[] {
  const p = r.period;
  const w = r.window;
  const used = w.clipped ? `; data used ${w.from} to ${w.to} (${w.days} days, clipped to the data)` : ` (${w.days} days)`;
  return lang === 'zh'
    ? [
        `绩效薪酬单：${info.rm_id} ${info.name}（${typeShort(info.rm_type, 'zh')}，${info.branch ?? '-'}）`,
        `考核期 ${p.name ?? '-'}：${p.from} 至 ${p.to}${w.clipped ? `；实际使用数据 ${w.from} 至 ${w.to}（${w.days} 天，按数据覆盖截取）` : `（${w.days} 天）`}；${p.monthsRuleZh}`,
        `方案：${r.plan?.name ?? ''}（${r.plan?.file ?? ''}）`,
      ]
    : [
        `Pay statement: ${info.rm_id} ${info.name} (${info.rm_type}, ${info.branch ?? '-'})`,
        `Period ${p.name ?? '-'}: ${p.from} to ${p.to}${used}; ${p.monthsRule}`,
        `Plan: ${r.plan?.name ?? ''} (${r.plan?.file ?? ''})`,
      ];
}

/** Columns a statement is laid out in when the terminal width is not known (a file, a pipe). */
export const STATEMENT_WIDTH = 80;

export function renderStatement(r: RmReport, info: RmInfo, pay: PayResult, o: RenderOptions): string | Buffer {
  const rows = lineRows(pay.lines, o.lang);
  const sum = pay.lines.reduce((s, l) => s + l.amount_fen, 0);
  if (sum !== pay.total_fen) throw new Error(`statement of ${info.rm_id}: lines add to ${sum} fen, total is ${pay.total_fen}`);
  if (o.format === 'csv') {
    const total: Row = { line: null, kind: 'total', metric: 'total_pay', actual: null, target: null, attainment: null, amount: pay.total_fen, rule: o.lang === 'zh' ? '以上各行之和' : 'sum of the lines above' };
    return renderCsv(STATEMENT_COLUMNS, [...rows, total], o.csv);
  }
  if (o.format === 'json') {
    return `${JSON.stringify({
      rm_id: info.rm_id, name: info.name, rm_type: info.rm_type, branch: info.branch,
      period: r.period.name, period_from: r.period.from, period_to: r.period.to, window_from: r.window.from, window_to: r.window.to,
      months: r.period.months, plan: r.plan?.file ?? null,
      lines: rows.map((x) => jsonRow(STATEMENT_COLUMNS, x)),
      base_pay: pay.base_fen / 100, variable_pay: pay.variable_fen / 100, total_pay: pay.total_fen / 100,
      warnings: pay.warnings,
    }, null, 2)}\n`;
  }
  const zh = o.lang === 'zh';
  const width = o.wide ? undefined : o.width ?? STATEMENT_WIDTH;
  const textRows = rows.map((x) => ({
    line: x.line, item: lineItem(String(x.kind), String(x.metric), o.lang),
    actual: shown(String(x.metric), x.actual as number | null), target: shown(String(x.metric), x.target as number | null),
    attainment: x.attainment, amount: x.amount, rule: x.rule,
  }));
  const fit = (lines: string[]) => (width === undefined ? lines : lines.flatMap((l) => wrapText(l, width)));
  const table = renderTable(STATEMENT_TEXT_COLUMNS, textRows, {
    color: o.color, lang: o.lang, width, totals: { line: '', item: zh ? '合计' : 'Total', amount: pay.total_fen },
    notes: fit([
      zh
        ? `基本工资 ${formatMoney(pay.base_fen)} + 绩效薪酬 ${formatMoney(pay.variable_fen)} = 应发合计 ${formatMoney(pay.total_fen)} 元；每行金额按行四舍五入到分，合计为各行之和`
        : `base ${formatMoney(pay.base_fen)} + variable ${formatMoney(pay.variable_fen)} = total ${formatMoney(pay.total_fen)} CNY; each line is rounded once to the fen, the total is the sum of the lines`,
      ...pay.warnings.map((w) => (zh ? `警告：${warningZh(w)}` : `warning: ${w}`)),
    ]),
  });
  return `${fit(statementHeader(r, info, o.lang)).join('\n')}\n\n${table}`;
}

/** File name of an RM's statement in --statements DIR. */
export function statementFileName(rmId: string, format: Format): string {
  return `${rmId.replace(/[^A-Za-z0-9_.-]/g, '_')}.${format === 'table' ? 'txt' : format}`;
}
