/**
 * Rendering of closed pay periods (table text, CSV, JSON): the frozen report and payroll CSV,
 * frozen statements, `crm pay history`, `crm pay deferred` and `crm pay compare`.
 */
import type { CloseRecord, FrozenStatement } from '../db/pay-store.js';
import { formatMoney, jsonCell, renderCsv, renderJson, renderTable, type ColumnSpec, type Lang, type Row } from '../output/index.js';
import type { FrozenView } from './close.js';
import { lineKindName, type RenderOptions } from './render.js';
import { typeShort, metricName } from '../types.js';

const money = (key: string, header: string, headerZh: string, priority?: number): ColumnSpec => ({ key, header, headerZh, kind: 'money', priority });

export const FROZEN_COLUMNS: ColumnSpec[] = [
  { key: 'rm_id', header: 'RM', headerZh: '客户经理', kind: 'text' },
  { key: 'name', header: 'Name', headerZh: '姓名', kind: 'text' },
  { key: 'rm_type', header: 'Type', headerZh: '类型', kind: 'text', priority: 3 },
  { key: 'branch', header: 'Branch', headerZh: '机构', kind: 'text', priority: 2 },
  money('base_pay', 'Base pay', '基本工资', 9),
  money('variable_pay', 'Variable pay', '绩效薪酬', 9),
  money('adjustments', 'Adjustments', '以前期间调整', 8),
  money('deferred', 'Deferred', '递延', 8),
  money('released', 'Released', '递延发放', 8),
  money('clawed_back', 'Clawed back', '追索扣回', 7),
  money('paid_now', 'Paid now', '本期实发'),
];
const CHANGE_COLUMN = money('changed_since', 'Changed since', '结账后变动', 6);

function frozenRows(v: FrozenView, keep: (s: FrozenStatement) => boolean): Row[] {
  return v.statements.filter(keep).map((s) => ({
    rm_id: s.rm_id, name: s.name, rm_type: s.rm_type, branch: s.branch, base_pay: s.base_fen, variable_pay: s.variable_fen,
    adjustments: s.adjustments_fen, deferred: s.deferred_fen, released: s.released_fen, clawed_back: s.clawed_back_fen, paid_now: s.paid_fen,
    changed_since: v.changes.get(s.rm_id) ?? 0,
  }));
}

/** The notes under a frozen report: when and by whom closed, and what changed since. */
export function frozenNotes(v: FrozenView, lang: Lang): string[] {
  const c = v.close;
  const zh = lang === 'zh';
  const notes = [zh
    ? `考核期 ${c.period} 已于 ${c.closed_at} 由 ${c.closed_by} 结账；以下为结账时冻结的数字（方案 ${c.plan_file}，SHA-256 ${c.plan_sha256.slice(0, 12)}…，依据导入 ${c.import_ids.length} 次）`
    : `period ${c.period} was closed on ${c.closed_at} by ${c.closed_by}; these are the frozen figures (plan ${c.plan_file}, SHA-256 ${c.plan_sha256.slice(0, 12)}…, resting on ${c.import_ids.length} imports)`];
  if (v.planDiffers) notes.push(zh ? '给出的方案文件与结账时的方案不同：显示的是结账时的方案算出的数字' : 'the plan given differs from the plan the period was closed under: the figures are those of the closing plan');
  if (v.changes.size === 0) {
    notes.push(zh ? '结账后数据未改变本期薪酬' : 'the data under the period has not changed its pay since the close');
  } else {
    const list = [...v.changes].map(([id, d]) => `${id} ${d > 0 ? '+' : ''}${formatMoney(d)}`).join(', ');
    notes.push(zh
      ? `结账后数据已变（其后导入 ${v.importsSince} 次）：按今日数据重算的绩效薪酬减冻结数（元）：${list}；差额在下一期结账时作为以前期间调整发放`
      : `the data changed since the close (${v.importsSince} imports since): recomputed − frozen variable pay (CNY): ${list}; the next close pays the difference as prior-period adjustments`);
  }
  return notes;
}

export function renderFrozenReport(v: FrozenView, o: RenderOptions, keep: (s: FrozenStatement) => boolean = () => true): string | Buffer {
  const rows = frozenRows(v, keep);
  const columns = v.changes.size > 0 ? [...FROZEN_COLUMNS, CHANGE_COLUMN] : FROZEN_COLUMNS;
  if (o.format === 'csv') return renderCsv(FROZEN_COLUMNS, rows, o.csv);
  if (o.format === 'json') {
    const c = v.close;
    return renderJson([...FROZEN_COLUMNS, CHANGE_COLUMN], rows, {
      period: c.period, period_from: c.period_from, period_to: c.period_to, closed: true, closed_at: c.closed_at, closed_by: c.closed_by,
      plan: c.plan_file, plan_sha256: c.plan_sha256, import_ids: c.import_ids, imports_since: v.importsSince, plan_differs: v.planDiffers,
      notes: frozenNotes(v, 'en'),
    });
  }
  const total: Row = { rm_id: o.lang === 'zh' ? '合计' : 'Total' };
  for (const c of columns) if (c.kind === 'money') total[c.key] = rows.reduce((s, r) => s + (r[c.key] as number), 0);
  return renderTable(columns, rows, {
    color: o.color, width: o.width, wide: o.wide, lang: o.lang, totals: total,
    title: o.lang === 'zh' ? `已结账绩效薪酬：${v.close.period}` : `Closed pay: ${v.close.period}`,
    notes: [...frozenNotes(v, o.lang), o.lang === 'zh' ? '金额单位：元；本期实发 = 基本工资 + 绩效薪酬 + 调整 − 递延 + 递延发放' : 'money in CNY; paid now = base + variable + adjustments − deferred + released'],
  });
}

export const CLOSED_LINE_COLUMNS: ColumnSpec[] = [
  { key: 'line', header: '#', headerZh: '序号', kind: 'int' },
  { key: 'kind', header: 'Kind', headerZh: '类别', kind: 'text' },
  { key: 'metric', header: 'Item', headerZh: '项目', kind: 'text' },
  { key: 'origin', header: 'From period', headerZh: '所属期间', kind: 'text' },
  { key: 'amount', header: 'Amount (CNY)', headerZh: '金额（元）', kind: 'money' },
  { key: 'rule', header: 'Rule applied', headerZh: '计算规则', kind: 'text' },
];

export function renderFrozenStatement(v: FrozenView, s: FrozenStatement, o: RenderOptions): string | Buffer {
  const rows: Row[] = s.lines.map((l, i) => ({ line: i + 1, kind: l.kind, metric: l.metric, origin: l.origin, amount: l.amount_fen, rule: l.rule }));
  const sum = s.lines.reduce((t, l) => t + l.amount_fen, 0);
  if (sum !== s.paid_fen) throw new Error(`frozen statement of ${s.rm_id}: lines add to ${sum} fen, paid is ${s.paid_fen}`);
  if (o.format === 'csv') return renderCsv(CLOSED_LINE_COLUMNS, [...rows, { line: null, kind: 'total', metric: 'paid_now', origin: null, amount: s.paid_fen, rule: 'sum of the lines above' }], o.csv);
  if (o.format === 'json') {
    return `${JSON.stringify({
      rm_id: s.rm_id, name: s.name, rm_type: s.rm_type, branch: s.branch, period: v.close.period, closed_at: v.close.closed_at, closed_by: v.close.closed_by,
      plan: v.close.plan_file, plan_sha256: v.close.plan_sha256, kpis: s.kpis,
      lines: rows.map((r) => Object.fromEntries(CLOSED_LINE_COLUMNS.map((c) => [c.key, jsonCell(c, r[c.key])]))),
      base_pay: s.base_fen / 100, variable_pay: s.variable_fen / 100, adjustments: s.adjustments_fen / 100, deferred: s.deferred_fen / 100,
      released: s.released_fen / 100, clawed_back: s.clawed_back_fen / 100, paid_now: s.paid_fen / 100, changed_since: (v.changes.get(s.rm_id) ?? 0) / 100,
    }, null, 2)}\n`;
  }
  const zh = o.lang === 'zh';
  const textRows = rows.map((r, i) => ({
    ...r, kind: lineKindName(String(r.kind), o.lang), metric: metricName(String(r.metric), o.lang), rule: zh ? s.lines[i].rule_zh ?? s.lines[i].rule : s.lines[i].rule,
  }));
  const head = zh
    ? `绩效薪酬单（已结账）：${s.rm_id} ${s.name}（${typeShort(s.rm_type, 'zh')}，${s.branch ?? '-'}）\n考核期 ${v.close.period}：${v.close.period_from} 至 ${v.close.period_to}`
    : `Pay statement (closed): ${s.rm_id} ${s.name} (${s.rm_type}, ${s.branch ?? '-'})\nPeriod ${v.close.period}: ${v.close.period_from} to ${v.close.period_to}`;
  const table = renderTable(CLOSED_LINE_COLUMNS, textRows, {
    color: o.color, lang: o.lang, totals: { line: zh ? '合计' : 'Total', amount: s.paid_fen },
    notes: [
      zh
        ? `基本工资 ${formatMoney(s.base_fen)} + 绩效薪酬 ${formatMoney(s.variable_fen)} + 调整 ${formatMoney(s.adjustments_fen)} − 递延 ${formatMoney(s.deferred_fen)} + 递延发放 ${formatMoney(s.released_fen)} = 本期实发 ${formatMoney(s.paid_fen)} 元；追索扣回 ${formatMoney(s.clawed_back_fen)} 元从未发放的递延薪酬中扣除`
        : `base ${formatMoney(s.base_fen)} + variable ${formatMoney(s.variable_fen)} + adjustments ${formatMoney(s.adjustments_fen)} − deferred ${formatMoney(s.deferred_fen)} + released ${formatMoney(s.released_fen)} = paid now ${formatMoney(s.paid_fen)} CNY; clawed back ${formatMoney(s.clawed_back_fen)} CNY from unreleased deferred pay`,
      ...frozenNotes(v, o.lang),
    ],
  });
  return `${head}\n\n${table}`;
}

/** A plain list (history, deferred balances, plan comparison) as table, CSV or JSON. */
export function renderList(columns: ColumnSpec[], rows: Row[], o: RenderOptions, title: { en: string; zh: string }, notes: { en: string; zh: string }[], meta: Record<string, unknown> = {}, totals?: Row): string | Buffer {
  if (o.format === 'csv') return renderCsv(columns, rows, o.csv);
  if (o.format === 'json') {
    const text = renderJson(columns, rows, { ...meta, notes: notes.map((n) => n.en) });
    if (!totals) return text;
    const obj = JSON.parse(text) as Record<string, unknown>;
    obj.total = Object.fromEntries(columns.filter((c) => totals[c.key] !== undefined).map((c) => [c.key, jsonCell(c, totals[c.key])]));
    return `${JSON.stringify(obj, null, 2)}\n`;
  }
  const zh = o.lang === 'zh';
  return renderTable(columns, rows, { color: o.color, width: o.width, wide: o.wide, lang: o.lang, title: zh ? title.zh : title.en, notes: notes.map((n) => (zh ? n.zh : n.en)), totals });
}

/** Close lines for history: what each close and reopen was. */
export function closeEvents(closes: CloseRecord[]): Row[] {
  const rows: Row[] = [];
  for (const c of closes) {
    rows.push({ date: c.closed_at, event: 'close', period: c.period, origin: null, rm_id: null, amount: null, detail: `by ${c.closed_by}; plan ${c.plan_file} (SHA-256 ${c.plan_sha256.slice(0, 12)}…)` });
    if (c.reopened_at) rows.push({ date: c.reopened_at, event: 'reopen', period: c.period, origin: null, rm_id: null, amount: null, detail: `by ${c.reopened_by}: ${c.reopen_reason}` });
  }
  return rows;
}
